"""Reader for CEPII BACI (``t,i,j,k,v,q``) with its country-code file.

BACI is CEPII's reconciliation of both sides' declarations, so each row is one flow
(``reported_by`` = reconciled): year ``t``, exporter ``i``, importer ``j`` (BACI's numeric
codes, resolved through ``country_codes_V*.csv``), HS6 product ``k`` read as text, value
``v`` in thousand USD, quantity ``q`` in tonnes (``NA`` when unknown). A year's file holds
every product (millions of rows): rows are streamed and only the HS codes of
``dataset/mappings/hs_items.csv`` are kept, so memory grows with the flows kept, not the
file.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from graph.errors import LoadError, Problem
from graph.model import Label
from graph.records import NodeRecord, Origin
from loaders.formats.release import (
    Countries,
    Intake,
    ItemMapping,
    csv_rows,
    hs_dotted,
    read_text,
    trade_record,
    wrong_format,
)

HEADER = ["t", "i", "j", "k", "v", "q"]
_NAME = re.compile(r"BACI_HS(?P<hs>\d{2})_Y(?P<year>\d{4})_V(?P<version>\d+)", re.IGNORECASE)
MISSING = {"", "NA"}


@dataclass
class Scan:
    """What a read went through: rows parsed and flows kept."""

    rows: int = 0
    kept: int = 0


@dataclass(frozen=True)
class CountryCode:
    iso2: str
    iso3: str
    name: str


def source_node(file: str) -> NodeRecord:
    found = _NAME.search(file)
    nomenclature = f"HS{found['hs']}" if found else "HS"
    version = f"V{found['version']}" if found else ""
    sid = "-".join(filter(None, ["cepii-baci", nomenclature.lower(), version.lower()]))
    return NodeRecord(
        Label.SOURCE,
        sid,
        {
            "id": sid,
            "title": f"CEPII BACI: bilateral trade flows at the product level "
            f"({nomenclature} nomenclature{', version ' + version if version else ''})",
            "publisher": "CEPII",
            "date": found["version"][:4] if found else None,
            "url": "https://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=37",
            "note": "Imported by supplygraph import baci. Values in thousand USD (stored in "
            "USD), quantities in tonnes; each flow reconciles the exporter's and importer's "
            "declarations.",
        },
    )


def read(
    path: Path, *, intake: Intake, countries: Countries, codes: dict[str, ItemMapping]
) -> Scan:
    if not path.exists():
        raise LoadError([Problem(str(path), 0, "path", "does not exist")])
    folder = path if path.is_dir() else path.parent
    code_files = sorted(folder.glob("country_codes*.csv"))
    data = (
        [path]
        if path.is_file()
        else sorted(p for p in path.glob("*.csv") if not p.name.startswith("country_codes"))
    )
    if not data:
        raise LoadError([Problem(str(path), 0, "path", "holds no BACI .csv file")])
    for file in data:
        with file.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
            header = [h.strip() for h in next(csv.reader(handle), [])]
        refusal = wrong_format(file.name, header, "baci")
        if refusal is not None:
            raise refusal
    if not code_files:
        raise LoadError(
            [
                Problem(
                    str(path),
                    0,
                    "file",
                    "BACI's country-code file (country_codes_V*.csv) must be beside the data",
                )
            ]
        )
    table = _country_codes(code_files[-1])
    scan = Scan()
    for file in data:
        _read_file(file, intake=intake, countries=countries, codes=codes, table=table, scan=scan)
    intake.notes.append(
        f"BACI: {scan.rows:,} row(s) parsed, {scan.kept:,} in the HS codes of "
        "dataset/mappings/hs_items.csv kept"
    )
    return scan


def _country_codes(file: Path) -> dict[str, CountryCode]:
    rows = list(csv_rows(read_text(file)))
    header = [h.strip().lower() for h in rows[0][1]] if rows else []
    refusal = wrong_format(file.name, header, "baci-codes")
    if refusal is not None:
        raise refusal

    def column(*names: str) -> int | None:
        return next((header.index(n) for n in names if n in header), None)

    code_at = header.index("country_code")
    iso2_at = column("country_iso2", "iso_2digit_alpha")
    iso3_at = column("country_iso3", "iso_3digit_alpha")
    name_at = column("country_name", "country_name_full", "country_name_abbreviation")

    def cell(cells: list[str], at: int | None) -> str:
        return cells[at].strip() if at is not None and at < len(cells) else ""

    return {
        cells[code_at].strip(): CountryCode(
            cell(cells, iso2_at), cell(cells, iso3_at), cell(cells, name_at)
        )
        for _, cells in rows[1:]
        if len(cells) > code_at and cells[code_at].strip()
    }


def _read_file(
    file: Path,
    *,
    intake: Intake,
    countries: Countries,
    codes: dict[str, ItemMapping],
    table: dict[str, CountryCode],
    scan: Scan,
) -> None:
    name = file.name
    source = source_node(name)
    resolved: dict[str, str | None] = {}
    with file.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = [h.strip() for h in next(reader, [])]
        refusal = wrong_format(name, header, "baci")
        if refusal is not None:
            raise refusal
        if header != HEADER:
            raise LoadError([Problem(name, 1, "header", f"expected t,i,j,k,v,q, got {header!r}")])
        wanted = set(codes)
        rows = 0
        for cells in reader:
            rows += 1
            k = cells[3] if len(cells) == 6 else ""
            if k not in wanted:
                k = k.strip().zfill(6)
                if k not in wanted:
                    if len(cells) != 6:
                        intake.refuse(Origin(name, reader.line_num), "row", "has not 6 cells")
                    continue
            scan.kept += 1
            _flow(
                cells,
                k,
                Origin(name, reader.line_num),
                intake=intake,
                countries=countries,
                mapping=codes[k],
                table=table,
                resolved=resolved,
                source=source,
            )
        scan.rows += rows


def _flow(
    cells: list[str],
    code: str,
    origin: Origin,
    *,
    intake: Intake,
    countries: Countries,
    mapping: ItemMapping,
    table: dict[str, CountryCode],
    resolved: dict[str, str | None],
    source: NodeRecord,
) -> None:
    t, i, j, _, v, q = (c.strip() for c in cells)
    ends = []
    for column, code_text in (("i", i), ("j", j)):
        if code_text not in resolved:
            resolved[code_text] = _resolve(table.get(code_text), countries)
        iso2 = resolved[code_text]
        if iso2 is None:
            entry = table.get(code_text)
            what = f" ({entry.name})" if entry else " (not in the country-code file)"
            intake.unknown(origin, column, f"unknown country code {code_text}{what}")
        ends.append(iso2)
    try:
        year = int(t)
        value = float(v) * 1000.0 if v not in MISSING else None
        tonnes = float(q) if q not in MISSING else None
    except ValueError:
        intake.refuse(origin, "row", f"t, v and q must be numbers, got {t!r}, {v!r}, {q!r}")
        return
    exporter, importer = ends
    if exporter is None or importer is None:
        return
    intake.want(source, origin)
    intake.want(countries.node(exporter), origin)
    intake.want(countries.node(importer), origin)
    intake.want(mapping.node(source=source.id, code=hs_dotted(code)), origin)
    intake.relate(
        trade_record(
            exporter=exporter,
            importer=importer,
            mapping=mapping,
            code=code,
            year=year,
            source=source.id,
            tonnes=tonnes,
            value_usd=value,
            reported_by="reconciled",
            mirror=None,
            note=None,
            origin=origin,
        )
    )


def _resolve(entry: CountryCode | None, countries: Countries) -> str | None:
    if entry is None:
        return None
    return (
        (countries.by_iso2(entry.iso2) if entry.iso2 else None)
        or (countries.by_iso3(entry.iso3) if entry.iso3 else None)
        or (countries.by_name(entry.name) if entry.name else None)
    )
