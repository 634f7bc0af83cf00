"""Import a company workbook (docs/company-data.md) for one owner, replacing that owner's
previous import.

The workbook's rows become the dataset's own row models (products, components, bill of
materials, companies, sourcing, stock), so they are checked exactly as ``supplygraph load``
checks a dataset, against the graph; every problem is reported at its ``sheet!cell``. Every
fact cites the import's source, ``company-<owner>``: a re-import first lists what changes,
then deletes that source's facts the new workbook no longer states. Facts of other sources
are never touched. (A little over 400 lines: the one table of how each sheet becomes rows;
the replacing lives in loaders/company_replace.py.)
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

from graph.errors import LoadError, Problem
from graph.model import Label, RelType
from graph.records import GraphVersion, NodeRef, Origin
from graph.stores.base import Store
from loaders.company_replace import Change, replace_source
from loaders.fields import Id
from loaders.formats.company import CellProblem, Sheet, WorkbookData, read_workbook, refusal
from loaders.formats.release import Countries, slug
from loaders.matching import Match, Matcher, mapping_text, normalise, read_mapping, review_lines
from loaders.raw import RawRow, ReadProblem
from loaders.rows import (
    BomRow,
    Cited,
    CompanyRow,
    ComponentRow,
    CountryRow,
    EndUseLinkRow,
    EndUseRow,
    InventoryRow,
    Labels,
    ProductRow,
    Records,
    Ref,
    Row,
    SourceRow,
    SourcingRow,
)
from loaders.writer import LoadSummary

COLUMNS: dict[tuple[str, str], str] = {
    ("products", "id"): "product",
    ("products", "item"): "product",
    ("products", "end_use"): "end_uses",
    ("bom", "id"): "child",
    ("bom", "name"): "child_name",
    ("suppliers", "id"): "supplier",
    ("suppliers", "name"): "supplier",
    ("sourcing", "consumer"): "item",
    ("stock", "holder"): "item",
}
"""A row model's field -> the sheet column it was read from, where the names differ."""


def source_id(owner: str) -> str:
    return f"company-{owner}"


@dataclass
class CompanyImport:
    owner: str
    source: str
    matches: list[Match]
    change: Change
    summary: LoadSummary | None = None
    version: GraphVersion | None = None
    deleted: int = 0
    notes: list[str] = field(default_factory=list)
    """Further review lines (rows an AMRT import skipped)."""

    @property
    def review(self) -> list[str]:
        return [*review_lines(self.matches), *self.notes]


class SheetRows:
    """The dataset rows a workbook becomes, each at its sheet row."""

    def __init__(self) -> None:
        self.rows: list[RawRow | ReadProblem] = []

    def add(self, model: type[Row], sheet: str, row: int, **cells: str | None) -> None:
        present = {k: v for k, v in cells.items() if v not in (None, "")}
        assert all(isinstance(v, str) for v in present.values())
        self.rows.append(RawRow(model, Origin(sheet, row), {k: str(v) for k, v in present.items()}))


def import_company(
    path: Path,
    *,
    store: Store,
    owner: str,
    batch_size: int,
    mapping: Path | None = None,
    dry_run: bool = False,
    today: str | None = None,
) -> CompanyImport:
    """Read, match, check and (unless ``dry_run``) write; LoadError (nothing written) on any
    problem. The mapping file (default ``<workbook>.mapping.csv``) is read before matching."""
    book = read_workbook(path)
    day = today or datetime.now(UTC).date().isoformat()
    source = source_id(owner)
    store.ensure_schema()
    companies = {
        n.id: str(n.properties.get("name") or n.id)
        for n in _companies(store)
        if n.properties.get("source") != source and n.id != owner
    }
    mapped = read_mapping(mapping or default_mapping(path))
    matcher = Matcher(companies, mapped, known_aliases(store))
    rows, matches = _build(book, store=store, owner=owner, source=source, matcher=matcher, day=day)
    if book.problems:
        raise _refused(book, book.problems)
    replaced = replace_source(
        store,
        source=source,
        rows=rows.rows,
        refused=lambda problems: _refused(book, problems),
        dry_run=dry_run,
        batch_size=batch_size,
    )
    result = CompanyImport(owner, source, matches, replaced.change)
    result.summary, result.version, result.deleted = (
        replaced.summary,
        replaced.version,
        replaced.deleted,
    )
    return result


class AliasRow(Cited):
    """A spelling of a company's name that an import matched to it: ``KNOWN_AS`` from the
    company to the import's source, so the spelling is a fact of that import (a re-import that
    no longer writes it deletes it) and says where it was written so."""

    file: ClassVar[str] = "aliases"
    company: Id
    name: str

    def references(self) -> list[Ref]:
        return [*super().references(), Ref("company", self.company, (Label.COMPANY,))]

    def records(self, labels: Labels) -> Records:
        out = Records()
        start, end = ("company", self.company), ("source", self.source)
        self.rel(out, labels, RelType.KNOWN_AS, start, end, normalise(self.name), name=self.name)
        return out


def known_aliases(store: Store) -> dict[str, list[str]]:
    """Company id -> every spelling any import kept for it."""
    out: dict[str, list[str]] = {}
    for rel in store.extract_relationships([RelType.KNOWN_AS]):
        out.setdefault(rel.start, []).append(str(rel.properties["name"]))
    return {company: sorted(set(names)) for company, names in out.items()}


def default_mapping(path: Path) -> Path:
    return path.with_name(f"{path.stem}.mapping.csv")


def write_review(result: CompanyImport, *, report: Path, mapping: Path) -> None:
    report.write_text("\n".join([*result.review, *result.change.lines()]) + "\n", "utf-8")
    mapping.write_text(mapping_text(result.matches), "utf-8")


def _companies(store: Store) -> Iterator[NodeRef]:
    return store.extract_nodes([Label.COMPANY])


def _refused(book: WorkbookData, problems: Iterable[Problem]) -> LoadError:
    cells = [_at_cell(book, p) for p in problems]
    return LoadError(sorted(cells, key=lambda p: (p.file, p.row, p.field)))


def _at_cell(book: WorkbookData, problem: Problem) -> Problem:
    if isinstance(problem, CellProblem):
        return problem
    sheet = book.sheets.get(problem.file)
    if sheet is None:
        return CellProblem(
            problem.file or "workbook", problem.row, problem.field, problem.message, "A1"
        )
    column = COLUMNS.get((sheet.name, problem.field), problem.field)
    if column not in sheet.letters:
        column = next(iter(sheet.letters), column)
    return refusal(sheet, column, problem.row, problem.message)


def _build(
    book: WorkbookData, *, store: Store, owner: str, source: str, matcher: Matcher, day: str
) -> tuple[SheetRows, list[Match]]:
    rows = SheetRows()
    rows.add(
        SourceRow,
        "products",
        1,
        id=source,
        title=f"Company data of {owner} ({book.name})",
        publisher=owner,
        date=day,
    )
    suppliers, matches = _suppliers(
        book, store=store, owner=owner, source=source, matcher=matcher, rows=rows
    )
    if owner not in suppliers.values() and not store.labels_of([owner]):
        book.problems.append(
            CellProblem(
                "suppliers",
                1,
                "roles",
                f"--owner '{owner}' is no company in the graph: list your company in this "
                "sheet with the role oem",
                "A1",
            )
        )
    if "products" in book.sheets and not book.sheets["products"].rows:
        book.problems.append(
            CellProblem("products", 2, "product", "the sheet has no products", "A2")
        )
    prefix = f"{owner}-"

    def own(part: str) -> str:
        s = slug(part)
        return s if s.startswith(prefix) else f"{prefix}{s}"

    products = book.sheets.get("products", Sheet("products"))
    product_ids = {r.cells.get("product", "") for r in products.rows}
    bom = book.sheets.get("bom", Sheet("bom"))
    parts = {r.cells.get("parent", "") for r in bom.rows} - product_ids
    parts |= {r.cells.get("child", "") for r in bom.rows if r.cells.get("child_name")}
    ours = product_ids | parts

    def item_id(value: str) -> str:
        return own(value) if value in ours else value

    end_uses: dict[str, str] = {}
    for r in products.rows:
        pid = own(r.cells.get("product", ""))
        oem_name = r.cells.get("oem")
        oem = owner if not oem_name else suppliers.get(normalise(oem_name))
        if oem is None:
            book.problems.append(
                refusal(products, "oem", r.row, f"'{oem_name}' is not in the suppliers sheet")
            )
        units = r.cells.get("units_per_year")
        note = f"{units} units a year" if units else None
        rows.add(
            ProductRow,
            "products",
            r.row,
            id=pid,
            name=r.cells.get("name"),
            oem=oem,
            source=source,
            confidence="high",
            note=note,
        )
        for use in (r.cells.get("end_uses") or "").split(";"):
            if use.strip():
                use_id = slug(use)
                end_uses.setdefault(use_id, use.strip())
                rows.add(
                    EndUseLinkRow,
                    "products",
                    r.row,
                    item=pid,
                    end_use=use_id,
                    source=source,
                    confidence="high",
                )
    creatable = _creatable(store, Label.END_USE, end_uses, source=source)
    for use_id, name in end_uses.items():
        if use_id in creatable:
            rows.add(
                EndUseRow, "products", 1, id=use_id, name=name, source=source, confidence="high"
            )

    parents: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for r in bom.rows:
        child_name = r.cells.get("child_name")
        if child_name:
            names.setdefault(r.cells.get("child", ""), child_name)
    declared: set[str] = set()
    for r in bom.rows:
        parent, child = r.cells.get("parent", ""), r.cells.get("child", "")
        for part in (parent, child):
            if part in parts and part not in declared:
                declared.add(part)
                name = names.get(part, part)
                rows.add(
                    ComponentRow,
                    "bom",
                    r.row,
                    id=own(part),
                    name=name,
                    source=source,
                    confidence="high",
                )
        parents.setdefault(child, []).append(item_id(parent))
        rows.add(
            BomRow,
            "bom",
            r.row,
            parent=item_id(parent),
            child=item_id(child),
            share=r.cells.get("share"),
            kg_per_unit=r.cells.get("kg_per_unit"),
            source=source,
            confidence="high",
        )

    sourcing = book.sheets.get("sourcing", Sheet("sourcing"))
    for r in sourcing.rows:
        item, name = r.cells.get("item", ""), r.cells.get("supplier", "")
        supplier = suppliers.get(normalise(name))
        if supplier is None:
            book.problems.append(
                refusal(sourcing, "supplier", r.row, f"'{name}' is not in the suppliers sheet")
            )
            continue
        if item not in parents:
            book.problems.append(
                refusal(sourcing, "item", r.row, f"'{item}' is no child in the bom sheet")
            )
            continue
        for consumer in dict.fromkeys(parents[item]):
            rows.add(
                SourcingRow,
                "sourcing",
                r.row,
                consumer=consumer,
                item=item_id(item),
                supplier=supplier,
                share=r.cells.get("share"),
                year=r.cells.get("year"),
                source=source,
                confidence="high",
            )

    stock = book.sheets.get("stock")
    for r in stock.rows if stock else []:
        rows.add(
            InventoryRow,
            "stock",
            r.row,
            holder=owner,
            item=item_id(r.cells.get("item", "")),
            weeks=r.cells.get("weeks"),
            as_of=r.cells.get("as_of") or day,
            scope=f"stock cover held by {owner}",
            source=source,
            confidence="high",
        )
    return rows, matches


def _suppliers(
    book: WorkbookData, *, store: Store, owner: str, source: str, matcher: Matcher, rows: SheetRows
) -> tuple[dict[str, str], list[Match]]:
    """Normalised supplier name -> company id; new companies (and countries) become rows."""
    sheet = book.sheets.get("suppliers", Sheet("suppliers"))
    countries = Countries()
    resolved: dict[str, str] = {}
    matches: list[Match] = []
    wanted: dict[str, int] = {}
    for r in sheet.rows:
        name = r.cells.get("supplier", "")
        roles = [x.strip() for x in (r.cells.get("roles") or "").split(";") if x.strip()]
        country_text = r.cells.get("country", "")
        country = countries.by_iso2(country_text) or countries.by_name(country_text)
        if country_text and country is None:
            book.problems.append(
                refusal(
                    sheet, "country", r.row, f"'{country_text}' is not a country name or ISO code"
                )
            )
        if "oem" in roles:
            resolved[normalise(name)] = owner
            if _creatable(store, Label.COMPANY, [owner], source=source):
                rows.add(
                    CompanyRow,
                    "suppliers",
                    r.row,
                    id=owner,
                    name=name,
                    country=country,
                    roles=";".join(roles),
                    source=source,
                    confidence="high",
                )
                wanted.setdefault(country or "", r.row)
            continue
        match = matcher.match(name, new_id=slug(normalise(name)) or slug(name))
        matches.append(match)
        resolved[normalise(name)] = match.company
        known = matcher.companies.get(match.company)
        if match.merged and known is not None and normalise(known) != normalise(name):
            rows.add(
                AliasRow,
                "suppliers",
                r.row,
                company=match.company,
                name=name,
                source=source,
                confidence="high",
            )
        if match.company not in matcher.companies:
            address = r.cells.get("address")
            rows.add(
                CompanyRow,
                "suppliers",
                r.row,
                id=match.company,
                name=name,
                country=country,
                roles=";".join(roles),
                source=source,
                confidence="high",
                note=f"address: {address}" if address else None,
            )
            wanted.setdefault(country or "", r.row)
    wanted.pop("", None)
    held = store.labels_of(list(wanted))
    for iso2, row in wanted.items():
        if iso2 not in held:
            rows.add(CountryRow, "suppliers", row, id=iso2, name=countries.name_of(iso2))
    return resolved, matches


def _creatable(store: Store, label: Label, ids: Collection[str], *, source: str) -> set[str]:
    """The ids the import writes as nodes: those the store lacks, and those an earlier import
    of this source created (so a re-import keeps them); anything else is left as it is."""
    held = store.labels_of(list(ids))
    ours = {n.id for n in store.nodes(label, list(held)) if n.properties.get("source") == source}
    return {i for i in ids if i not in held or i in ours}
