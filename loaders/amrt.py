"""Import an RMI AMRT's smelter list for one supplier (docs/company-data.md).

Each rare-earth smelter row becomes a separation-stage ``Facility`` (country from the row,
through the country resolver) operated by a company (matched to the graph by the same name
matching as company workbooks, or new), and a ``SOURCES_FROM`` without a share from the
supplier to that company for each separation-stage material the row's metal covers. Every
fact cites ``amrt-<supplier>``, and a re-import replaces the previous one
(loaders.company_replace.replace_source). Rows of the AMRT's other minerals are skipped and
listed; a bad row is refused at its ``Smelter List!cell``, and nothing is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from graph.errors import LoadError, Problem
from graph.model import Label, RelType, Stage
from graph.stores.base import Store
from loaders.company import AliasRow, CompanyImport, SheetRows, known_aliases
from loaders.company_replace import Change, replace_source
from loaders.formats.amrt import COLUMNS, DECLARATION, SMELTERS, AmrtData, SmelterLine, read_amrt
from loaders.formats.company import CellProblem
from loaders.formats.release import Countries, slug
from loaders.matching import Matcher, Verdict, normalise, read_mapping
from loaders.rows import CompanyRow, CountryRow, FacilityRow, SourceRow, SourcingRow

STAGE = Stage.SEPARATION
"""RMI's rare-earth "smelter or refiner" is the plant that separates and refines concentrate
into oxides: the separation stage."""
RARE_EARTHS = {"rare earth elements", "rare earth element", "rare earths", "rare earth", "ree"}
OTHER_MINERALS = {
    "aluminum",
    "aluminium",
    "iridium",
    "lime",
    "manganese",
    "palladium",
    "platinum",
    "rhodium",
    "ruthenium",
    "silver",
    "soda ash",
    "zinc",
    "other",
}
"""The AMRT 1.3 minerals besides rare earths: their rows are skipped."""
CID = re.compile(r"^CID\d{6}$")
FIELD_COLUMN = {
    "metal": "metal",
    "item": "metal",
    "name": "name",
    "supplier": "name",
    "company": "name",
    "country": "country",
    "id": "cid",
}


def source_id(supplier: str) -> str:
    return f"amrt-{supplier}"


def default_mapping(path: Path) -> Path:
    return path.with_name(f"{path.stem}.mapping.csv")


def import_amrt(
    path: Path,
    *,
    store: Store,
    supplier: str,
    batch_size: int,
    mapping: Path | None = None,
    dry_run: bool = False,
    today: str | None = None,
) -> CompanyImport:
    """Read, match, check and (unless ``dry_run``) replace ``amrt-<supplier>``'s facts;
    LoadError (nothing written) on any problem."""
    data = read_amrt(path)
    source = source_id(supplier)
    store.ensure_schema()
    held = {n.id: n for n in store.extract_nodes([Label.COMPANY])}
    if supplier not in held:
        data.problems.append(
            _declaration(data, f"--supplier '{supplier}' is no company in the graph")
        )
    companies = {
        i: str(n.properties.get("name") or i)
        for i, n in held.items()
        if n.properties.get("source") != source
    }
    matcher = Matcher(
        companies, read_mapping(mapping or default_mapping(path)), known_aliases(store)
    )
    rows = SheetRows()
    result = CompanyImport(supplier, source, [], Change())
    day = today or datetime.now(UTC).date().isoformat()
    rows.add(
        SourceRow,
        DECLARATION,
        _row(data.declarant_cell),
        id=source,
        title=f"RMI AMRT of {data.declarant or supplier} ({data.name})",
        publisher=data.declarant or None,
        date=day,
    )
    if data.declarant and supplier in held:
        declared = matcher.match(data.declarant, new_id=supplier)
        if declared.merged and declared.company != supplier:
            data.problems.append(
                _declaration(
                    data,
                    f"'{data.declarant}' is {declared.company} in the graph, "
                    f"not --supplier {supplier}",
                )
            )
        elif normalise(data.declarant) != normalise(companies.get(supplier, supplier)):
            _alias(rows, DECLARATION, _row(data.declarant_cell), supplier, data.declarant, source)
    _smelters(
        data,
        store=store,
        supplier=supplier,
        source=source,
        matcher=matcher,
        rows=rows,
        result=result,
    )
    if data.problems:
        raise LoadError(sorted(data.problems, key=lambda p: (p.file, p.row, p.field)))
    replaced = replace_source(
        store,
        source=source,
        rows=rows.rows,
        refused=lambda problems: _refused(data, problems),
        dry_run=dry_run,
        batch_size=batch_size,
    )
    result.change, result.summary = replaced.change, replaced.summary
    result.version, result.deleted = replaced.version, replaced.deleted
    return result


def _smelters(
    data: AmrtData,
    *,
    store: Store,
    supplier: str,
    source: str,
    matcher: Matcher,
    rows: SheetRows,
    result: CompanyImport,
) -> None:
    countries = Countries()
    items = _separation_items(store)
    operating = _operating(store, source)
    companies: dict[str, str] = {}
    facilities: set[str] = set()
    linked: set[tuple[str, str]] = set()
    wanted: dict[str, int] = {}
    for line in data.smelters:
        metal = " ".join(line.metal.replace("-", " ").split()).casefold()
        if metal in OTHER_MINERALS:
            result.notes.append(
                f"skipped   Smelter List row {line.row}: {line.metal}, not rare earths"
            )
            continue
        if not metal:
            data.problems.append(_at(line, "metal", "is empty; this column is required"))
            continue
        covered = items.get(metal)
        if covered is None:
            data.problems.append(
                _at(line, "metal", f"'{line.metal}' is no AMRT mineral nor a rare earth")
            )
            continue
        country = countries.by_iso2(line.country) or countries.by_name(line.country)
        if country is None:
            message = (
                f"'{line.country}' is not a country name or ISO code"
                if line.country
                else "is empty; this column is required"
            )
            data.problems.append(_at(line, "country", message))
            continue
        if line.cid and not CID.match(line.cid.upper()):
            data.problems.append(
                _at(line, "cid", f"'{line.cid}' is not an RMI smelter id (CID and six digits)")
            )
            continue
        key = normalise(line.name)
        company = companies.get(key)
        if company is None:
            match = matcher.match(line.name, new_id=slug(key) or slug(line.name))
            result.matches.append(match)
            company = companies[key] = match.company
            known = matcher.companies.get(company)
            if known is None:
                rows.add(
                    CompanyRow,
                    SMELTERS,
                    line.row,
                    id=company,
                    name=line.name,
                    country=country,
                    roles="separator",
                    source=source,
                    confidence="medium",
                    note="named as a smelter in an RMI AMRT",
                )
                wanted.setdefault(country, line.row)
            elif match.verdict in (Verdict.MATCHED, Verdict.MAPPED) and normalise(
                known
            ) != normalise(line.name):
                _alias(rows, SMELTERS, line.row, company, line.name, source)
        if (company, country) not in operating:
            facility = slug(f"{company}-{line.cid}" if line.cid else f"{company}-{STAGE}-{country}")
            if facility not in facilities:
                facilities.add(facility)
                rows.add(
                    FacilityRow,
                    SMELTERS,
                    line.row,
                    id=facility,
                    name=f"{line.name} ({line.city})" if line.city else line.name,
                    company=company,
                    country=country,
                    stage=STAGE.value,
                    status="operating",
                    source=source,
                    confidence="medium",
                    note=f"RMI smelter id {line.cid.upper()}" if line.cid else None,
                )
        for item in covered:
            if (company, item) not in linked:
                linked.add((company, item))
                rows.add(
                    SourcingRow,
                    SMELTERS,
                    line.row,
                    consumer=supplier,
                    item=item,
                    supplier=company,
                    source=source,
                    confidence="medium",
                )
    present = store.labels_of(list(wanted))
    for iso2, row in wanted.items():
        if iso2 not in present:
            rows.add(CountryRow, SMELTERS, row, id=iso2, name=countries.name_of(iso2))


def _separation_items(store: Store) -> dict[str, list[str]]:
    """The metal names a row may give -> the separation-stage materials they cover: every
    one for "Rare Earth Elements", those holding the element for an element's name."""
    materials = sorted(
        n.id
        for n in store.extract_nodes([Label.MATERIAL])
        if n.properties.get("stage") == STAGE.value
    )
    names = {
        n.id: " ".join(str(n.properties.get("name") or n.id).split()).casefold()
        for n in store.extract_nodes([Label.ELEMENT])
    }
    out: dict[str, list[str]] = dict.fromkeys(RARE_EARTHS, materials)
    for rel in store.extract_relationships([RelType.HAS_ELEMENT]):
        if rel.start in materials and rel.end in names:
            out.setdefault(names[rel.end], []).append(rel.start)
    return {k: sorted(set(v)) for k, v in out.items() if v or k in RARE_EARTHS}


def _operating(store: Store, source: str) -> set[tuple[str, str]]:
    """(company, country) of the operating separation plants other sources already give."""
    return {
        (str(n.properties.get("company")), str(n.properties.get("country")))
        for n in store.extract_nodes([Label.FACILITY])
        if n.properties.get("stage") == STAGE.value
        and n.properties.get("status") == "operating"
        and n.properties.get("source") != source
    }


def _alias(rows: SheetRows, sheet: str, row: int, company: str, name: str, source: str) -> None:
    rows.add(AliasRow, sheet, row, company=company, name=name, source=source, confidence="medium")


def _row(cell: str) -> int:
    digits = "".join(ch for ch in cell if ch.isdigit())
    return int(digits) if digits else 1


def _declaration(data: AmrtData, message: str) -> CellProblem:
    cell = data.declarant_cell
    return CellProblem(DECLARATION, _row(cell), "company_name", message, cell)


def _at(line: SmelterLine, column: str, message: str) -> CellProblem:
    return CellProblem(SMELTERS, line.row, column, message, f"{COLUMNS[column]}{line.row}")


def _refused(data: AmrtData, problems: Iterable[Problem]) -> LoadError:
    out: list[Problem] = []
    for p in problems:
        if isinstance(p, CellProblem):
            out.append(p)
        elif p.file == DECLARATION:
            out.append(CellProblem(DECLARATION, p.row, p.field, p.message, data.declarant_cell))
        else:
            column = FIELD_COLUMN.get(p.field, "name")
            cell = f"{COLUMNS[column]}{p.row}"
            out.append(CellProblem(p.file or SMELTERS, p.row, column, p.message, cell))
    return LoadError(sorted(out, key=lambda p: (p.file, p.row, p.field)))
