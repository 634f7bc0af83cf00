"""Reader for UN Comtrade CSV as downloaded (47 columns, ``typeCode`` ... ``isAggregate``).

Annual rows only. Countries come from the ISO columns (``reporterISO``, ``partnerISO``), or
from Comtrade's own numeric codes where an extract left them empty; ``partnerCode`` 0
(World) is a total, not a flow. ``netWgt`` is in kg. Where a flow has a total row
(``customsCode`` C00, ``motCode`` 0, ``partner2Code`` 0) its breakdown rows are not added on
top; breakdown rows count only where a flow has no total row. Where both sides report a
flow, the importer's figure is used and the exporter's kept as ``mirror_*`` so the gap stays
visible. Columns after ``isAggregate`` that some tools add are ignored with a note.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from graph.errors import LoadError, Problem
from graph.model import Label
from graph.records import NodeRecord, Origin
from loaders.formats.release import (
    Countries,
    Intake,
    ItemMapping,
    hs6,
    hs_dotted,
    trade_record,
    wrong_format,
)

REQUIRED = (
    "freqCode",
    "refYear",
    "reporterCode",
    "reporterISO",
    "flowCode",
    "partnerCode",
    "partnerISO",
    "cmdCode",
    "qtyUnitAbbr",
    "qty",
    "netWgt",
    "primaryValue",
)
LAST_COLUMN = "isAggregate"
FLOWS = {"M": "importer", "X": "exporter"}
KG = {"kg": 1e-3, "t": 1.0}
NO_QUANTITY = {"", "n/a", "na", "-1", "u", "2u", "12u", "1000u", "l", "m", "m2", "m3", "ct", "g"}
"""Quantity units Comtrade uses that are not a weight: known, carry no tonnes."""


@dataclass
class Report:
    """One side's declaration of one flow (summed over breakdown rows where needed)."""

    origin: Origin
    tonnes: float | None
    value: float | None


@dataclass
class _Side:
    total: Report | None = None
    parts: Report | None = None
    ignored_parts: int = 0


def source_node(year: int) -> NodeRecord:
    sid = f"un-comtrade-{year}"
    return NodeRecord(
        Label.SOURCE,
        sid,
        {
            "id": sid,
            "title": f"UN Comtrade: annual merchandise trade by HS commodity, {year}",
            "publisher": "United Nations Statistics Division (UN Comtrade)",
            "date": str(year),
            "url": "https://comtradeplus.un.org/",
            "note": "Imported by supplygraph import comtrade from the CSV as downloaded. "
            "Comtrade revises figures; a re-import replaces the year's flows.",
        },
    )


def read(
    path: Path, *, intake: Intake, countries: Countries, codes: dict[str, ItemMapping]
) -> None:
    files = sorted(path.glob("*.csv")) if path.is_dir() else [path]
    if not path.exists() or not files:
        raise LoadError([Problem(str(path), 0, "path", "does not exist or holds no .csv")])
    sides: dict[tuple[str, str, str, int, str], _Side] = defaultdict(_Side)
    for file in files:
        _read_file(file, intake=intake, countries=countries, codes=codes, sides=sides)
    _flows(sides, intake=intake, countries=countries, codes=codes)


def _read_file(
    file: Path,
    *,
    intake: Intake,
    countries: Countries,
    codes: dict[str, ItemMapping],
    sides: dict[tuple[str, str, str, int, str], _Side],
) -> None:
    name = file.name
    world = other_flows = 0
    try:
        handle = file.open(newline="", encoding="utf-8-sig")
    except OSError as e:
        raise LoadError([Problem(name, 0, "file", f"cannot be read: {e}")]) from e
    with handle:
        reader = csv.reader(handle)
        try:
            header = [h.strip() for h in next(reader, [])]
        except UnicodeDecodeError as e:
            raise LoadError([Problem(name, 1, "file", f"is not UTF-8: {e.reason}")]) from e
        refusal = wrong_format(name, header, "comtrade")
        if refusal is not None:
            raise refusal
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise LoadError([Problem(name, 1, c, "column missing") for c in missing])
        if LAST_COLUMN in header and header.index(LAST_COLUMN) < len(header) - 1:
            extra = [h for h in header[header.index(LAST_COLUMN) + 1 :] if h]
            intake.notes.append(
                f"{name}: {len(extra)} column(s) after {LAST_COLUMN} ignored: {', '.join(extra)}"
            )
        at = {h: i for i, h in enumerate(header)}
        optional = {c: at.get(c) for c in ("customsCode", "motCode", "partner2Code")}
        try:
            for cells in reader:
                if not any(c.strip() for c in cells):
                    continue
                origin = Origin(name, reader.line_num)
                row = {c: cells[at[c]].strip() if at[c] < len(cells) else "" for c in REQUIRED}
                extra_cells = {
                    c: cells[i].strip() if i is not None and i < len(cells) else ""
                    for c, i in optional.items()
                }
                if row["freqCode"] != "A":
                    intake.refuse(
                        origin,
                        "freqCode",
                        f"'{row['freqCode']}' is not annual data: download with freqCode A",
                    )
                    continue
                flow = FLOWS.get(row["flowCode"])
                if flow is None:
                    other_flows += 1
                    continue
                if row["partnerCode"] == "0" or row["partnerISO"] == "W00":
                    world += 1
                    continue
                parsed = _row(row, origin, intake=intake, countries=countries, codes=codes)
                if parsed is None:
                    continue
                reporter, partner, code, year, report = parsed
                exporter, importer = (
                    (partner, reporter) if flow == "importer" else (reporter, partner)
                )
                side = sides[(exporter, importer, code, year, flow)]
                total = (
                    extra_cells["customsCode"] in ("", "C00")
                    and extra_cells["motCode"] in ("", "0")
                    and extra_cells["partner2Code"] in ("", "0")
                )
                _add(side, report, total=total, intake=intake)
        except UnicodeDecodeError as e:
            raise LoadError(
                [Problem(name, reader.line_num, "file", f"is not UTF-8: {e.reason}")]
            ) from e
    if world:
        intake.notes.append(f"{name}: {world} row(s) with partner World (partnerCode 0) skipped")
    if other_flows:
        intake.notes.append(
            f"{name}: {other_flows} row(s) of flows other than M and X (re-imports, "
            "re-exports ...) skipped"
        )


def _row(
    row: dict[str, str],
    origin: Origin,
    *,
    intake: Intake,
    countries: Countries,
    codes: dict[str, ItemMapping],
) -> tuple[str, str, str, int, Report] | None:
    ok = True
    ends = []
    for role in ("reporter", "partner"):
        iso3, code = row[f"{role}ISO"], row[f"{role}Code"]
        iso2 = countries.by_iso3(iso3) if iso3 else countries.by_comtrade_code(code)
        if iso2 is None:
            column = f"{role}ISO" if iso3 else f"{role}Code"
            intake.unknown(origin, column, f"unknown country '{iso3 or code}'")
            ok = False
        ends.append(iso2 or "")
    cmd = row["cmdCode"]
    if hs6(cmd) not in codes or len(hs6(cmd)) != 6:
        below = [hs_dotted(c) for c in codes if c.startswith(hs6(cmd)) and len(hs6(cmd)) < 6]
        hint = f": an aggregate of {', '.join(below)}; download at HS6" if below else ""
        intake.unknown(
            origin,
            "cmdCode",
            f"HS code '{cmd}' is not in dataset/mappings/hs_items.csv{hint}",
        )
        ok = False
    if not row["refYear"].isdigit():
        intake.refuse(origin, "refYear", f"'{row['refYear']}' is not a year")
        ok = False
    tonnes = _tonnes(row, origin, intake)
    value = _float(row["primaryValue"], origin, "primaryValue", intake)
    if not ok or tonnes is False or value is False:
        return None
    assert not isinstance(tonnes, bool) and not isinstance(value, bool)
    return ends[0], ends[1], hs6(cmd), int(row["refYear"]), Report(origin, tonnes, value)


def _float(text: str, origin: Origin, column: str, intake: Intake) -> float | None | bool:
    """The number, None when empty, False (after refusing the row) when unreadable."""
    if text == "":
        return None
    try:
        number = float(text)
    except ValueError:
        intake.refuse(origin, column, f"'{text}' is not a number")
        return False
    if number < 0:
        intake.refuse(origin, column, f"{text} is negative")
        return False
    return number


def _tonnes(row: dict[str, str], origin: Origin, intake: Intake) -> float | None | bool:
    weight = _float(row["netWgt"], origin, "netWgt", intake)
    if weight is False:
        return False
    if weight is not None:
        return float(weight) / 1000.0
    unit = row["qtyUnitAbbr"].strip().lower()
    if unit in KG:
        qty = _float(row["qty"], origin, "qty", intake)
        return qty if qty is None or qty is False else float(qty) * KG[unit]
    if unit not in NO_QUANTITY:
        intake.unknown(origin, "qtyUnitAbbr", f"unknown unit '{row['qtyUnitAbbr']}'")
        return False
    return None


def _add(side: _Side, report: Report, *, total: bool, intake: Intake) -> None:
    if total:
        if side.total is not None:
            intake.refuse(report.origin, "row", f"repeats the total row at {side.total.origin}")
            return
        side.total = report
        return
    side.parts = report if side.parts is None else _sum(side.parts, report)
    side.ignored_parts += 1


def _sum(a: Report, b: Report) -> Report:
    tonnes = None if a.tonnes is None and b.tonnes is None else (a.tonnes or 0) + (b.tonnes or 0)
    value = None if a.value is None and b.value is None else (a.value or 0) + (b.value or 0)
    return Report(a.origin, tonnes, value)


def _flows(
    sides: dict[tuple[str, str, str, int, str], _Side],
    *,
    intake: Intake,
    countries: Countries,
    codes: dict[str, ItemMapping],
) -> None:
    flows: dict[tuple[str, str, str, int], dict[str, Report]] = defaultdict(dict)
    not_added = 0
    for (exporter, importer, code, year, flow), side in sides.items():
        chosen = side.total or side.parts
        if side.total is not None and side.parts is not None:
            not_added += side.ignored_parts
        assert chosen is not None
        flows[(exporter, importer, code, year)][flow] = chosen
    if not_added:
        intake.notes.append(
            f"{not_added} breakdown row(s) (customs or transport mode) not added: their flow "
            "has a total row"
        )
    both = 0
    for (exporter, importer, code, year), reports in sorted(flows.items()):
        mapping = codes[code]
        used = reports.get("importer") or reports["exporter"]
        by = "importer" if "importer" in reports else "exporter"
        mirror = reports.get("exporter") if by == "importer" else None
        source = f"un-comtrade-{year}"
        note = None
        if mirror is not None:
            both += 1
            note = (
                f"Both sides report: importer {_fmt(used.tonnes)} t, USD {_fmt(used.value)}; "
                f"exporter {_fmt(mirror.tonnes)} t, USD {_fmt(mirror.value)} "
                f"(exporter's row {mirror.origin}). The importer's figure is used."
            )
        intake.want(source_node(year), used.origin)
        intake.want(countries.node(exporter), used.origin)
        intake.want(countries.node(importer), used.origin)
        intake.want(mapping.node(source=source, code=hs_dotted(code)), used.origin)
        intake.relate(
            trade_record(
                exporter=exporter,
                importer=importer,
                mapping=mapping,
                code=code,
                year=year,
                source=source,
                tonnes=used.tonnes,
                value_usd=used.value,
                reported_by=by,
                mirror=(mirror.tonnes, mirror.value) if mirror else None,
                note=note,
                origin=used.origin,
            )
        )
    if both:
        intake.notes.append(
            f"{both} flow(s) reported by both sides: the importer's figure is used, the "
            "exporter's kept as mirror_tonnes and mirror_value_usd"
        )


def _fmt(number: float | None) -> str:
    return "n/a" if number is None else f"{number:,.0f}"
