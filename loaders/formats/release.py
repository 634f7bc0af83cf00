"""What the public-release importers (USGS MCS, UN Comtrade, CEPII BACI) share: their
special values, country names and codes, the mapping tables in ``dataset/mappings/``, the
format sniffing that tells a user which command a file needs, and the ``Intake`` that
collects a release's records and problems before anything is written.

The mapping tables live in a subfolder so the dataset reader (which reads every CSV in
``dataset/`` by file name) never sees them. See docs/importers.md.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pycountry

from graph.errors import LoadError, Problem
from graph.model import Label, RelType
from graph.records import NodeRecord, Origin, RelRecord, Value, relationship_key

DEFAULT_MAPPINGS = Path(__file__).resolve().parents[2] / "dataset" / "mappings"

ZERO = frozenset({"-", "--", "---", "\u2014", "\u2013", "\u2014\u2014"})
"""USGS dashes: zero (or less than half the unit)."""
NO_FIGURE = {
    "W": "withheld to avoid disclosing company proprietary data",
    "NA": "not available",
    "XX": "not applicable",
    "E": "net exporter",
}
_NUMBER = re.compile(r"^(?P<bound>[<>])?\s*(?P<num>\d[\d,]*(?:\.\d+)?|\.\d+)\s*(?P<est>e)?$")


class BadValue(ValueError):
    """A cell that is neither a number nor one of the release's special values."""


@dataclass(frozen=True)
class Number:
    """A parsed cell: a figure, or a flag (W, NA, XX, E) saying why there is none."""

    value: float | None
    flag: str | None = None
    bound: str | None = None
    estimated: bool = False

    def qualifiers(self) -> list[str]:
        out = []
        if self.bound == ">":
            out.append("more than the figure given")
        elif self.bound == "<":
            out.append("less than the figure given")
        if self.estimated:
            out.append("estimate")
        return out


def parse_number(text: str | None) -> Number | None:
    """A USGS-style cell: ``W``, ``NA``, ``XX``, ``E``, dashes (zero), ``>``/``<`` bounds, a
    trailing ``e`` for estimates, thousands separators. None for an empty cell."""
    cell = (text or "").strip()
    if not cell:
        return None
    if cell in NO_FIGURE:
        return Number(None, flag=cell)
    if cell in ZERO:
        return Number(0.0)
    match = _NUMBER.match(cell)
    if match is None:
        raise BadValue(f"'{cell}' is not a number (nor W, NA, XX, E or a dash)")
    return Number(
        float(match["num"].replace(",", "")),
        bound=match["bound"],
        estimated=match["est"] is not None,
    )


def read_text(path: Path) -> str:
    """A release file's text: UTF-8 (with or without BOM), else cp1252 as USGS also ships."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """Records with the 1-based line they start on (the header is line 1)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 1
    for cells in reader:
        yield line, cells
        line = reader.line_num + 1


def hs6(code: str) -> str:
    """``8505.11`` or ``850511`` -> ``850511``."""
    return re.sub(r"[^0-9]", "", code)


def hs_dotted(code: str) -> str:
    digits = hs6(code)
    return f"{digits[:4]}.{digits[4:]}" if len(digits) > 4 else digits


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass(frozen=True)
class ItemMapping:
    """One row of ``hs_items.csv`` or ``mcs_commodities.csv``: which item a code or a
    commodity stands for, and how to create that item when the store lacks it."""

    item: str
    label: Label
    name: str
    stage: str
    form: str | None
    family: str | None
    rare_earth: bool
    scope: str
    note: str | None

    def node(self, *, source: str, code: str | None) -> NodeRecord:
        props: dict[str, Value] = {
            "id": self.item,
            "name": self.name,
            "stage": self.stage,
            "source": source,
            "confidence": "high",
            "note": self.note,
        }
        if self.label is Label.MAGNET_TYPE:
            props.update(family=self.family, rare_earth=self.rare_earth, hs_code=code)
        else:
            props.update(form=self.form, hs_code=code)
        return NodeRecord(self.label, self.item, props)


def _table(folder: Path, name: str, columns: set[str]) -> list[tuple[Origin, dict[str, str]]]:
    path = folder / name
    if not path.is_file():
        raise LoadError([Problem(str(path), 0, "file", "mapping table is missing")])
    reader = csv.DictReader(io.StringIO(read_text(path), newline=""))
    missing = columns - set(reader.fieldnames or [])
    if missing:
        raise LoadError(
            [Problem(name, 1, col, "column missing from the mapping table") for col in missing]
        )
    return [
        (Origin(name, reader.line_num), {k: (v or "").strip() for k, v in row.items() if k})
        for row in reader
    ]


def _mapping(origin: Origin, row: dict[str, str]) -> ItemMapping:
    try:
        label = Label(row["label"])
    except ValueError as e:
        raise LoadError([Problem(origin.file, origin.row, "label", str(e))]) from e
    return ItemMapping(
        item=row["item"],
        label=label,
        name=row["name"],
        stage=row["stage"],
        form=row.get("form") or None,
        family=row.get("family") or None,
        rare_earth=row.get("rare_earth", "true") == "true",
        scope=row["scope"],
        note=row.get("note") or None,
    )


_ITEM_COLUMNS = {"item", "label", "name", "stage", "scope"}


def hs_items(folder: Path = DEFAULT_MAPPINGS) -> dict[str, ItemMapping]:
    """HS6 code (digits) -> item, from ``hs_items.csv``."""
    rows = _table(folder, "hs_items.csv", {"hs_code", *_ITEM_COLUMNS})
    return {hs6(row["hs_code"]): _mapping(origin, row) for origin, row in rows}


@dataclass(frozen=True)
class Commodity:
    name: str
    slug: str
    file_slug: str
    mapping: ItemMapping


def mcs_commodities(folder: Path = DEFAULT_MAPPINGS) -> dict[str, Commodity]:
    """USGS commodity name (case-folded) -> item, from ``mcs_commodities.csv``."""
    rows = _table(folder, "mcs_commodities.csv", {"commodity", "slug", "file_slug", *_ITEM_COLUMNS})
    return {
        row["commodity"].casefold(): Commodity(
            row["commodity"], row["slug"], row["file_slug"], _mapping(origin, row)
        )
        for origin, row in rows
    }


class Countries:
    """Country names and codes to ISO 3166 alpha-2: the alias table first, then pycountry."""

    def __init__(self, folder: Path = DEFAULT_MAPPINGS) -> None:
        aliases = _table(folder, "country_aliases.csv", {"name", "iso2"})
        self._aliases = {_fold(row["name"]): row["iso2"] for _, row in aliases}
        codes = _table(folder, "comtrade_codes.csv", {"code", "iso2"})
        self._comtrade = {row["code"]: row["iso2"] for _, row in codes}
        self._cache: dict[str, str | None] = {}

    def by_name(self, name: str) -> str | None:
        key = _fold(name)
        if key not in self._cache:
            self._cache[key] = self._aliases.get(key) or _lookup(name)
        return self._cache[key]

    def by_iso3(self, code: str) -> str | None:
        code = code.strip().upper()
        if not code:
            return None
        found = pycountry.countries.get(alpha_3=code)
        return found.alpha_2 if found is not None else self._aliases.get(_fold(code))

    def by_iso2(self, code: str) -> str | None:
        code = code.strip().upper()
        if code == "ZZ":
            return code
        found = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
        return found.alpha_2 if found is not None else None

    def by_comtrade_code(self, code: str) -> str | None:
        code = code.strip()
        if code in self._comtrade:
            return self._comtrade[code]
        found = pycountry.countries.get(numeric=code.zfill(3)) if code.isdigit() else None
        return found.alpha_2 if found is not None else None

    @staticmethod
    def name_of(iso2: str) -> str:
        if iso2 == "ZZ":
            return "Other / unattributed"
        found = pycountry.countries.get(alpha_2=iso2)
        return str(getattr(found, "common_name", None) or found.name) if found else iso2

    def node(self, iso2: str) -> NodeRecord:
        return NodeRecord(Label.COUNTRY, iso2, {"id": iso2, "name": self.name_of(iso2)})


def _fold(name: str) -> str:
    return " ".join(name.split()).casefold()


def _lookup(name: str) -> str | None:
    try:
        return str(pycountry.countries.lookup(" ".join(name.split())).alpha_2)
    except LookupError:
        return None


FORMATS = {
    "usgs-mcs": "a USGS Mineral Commodity Summaries file: use supplygraph import usgs-mcs",
    "comtrade": "a UN Comtrade file: use supplygraph import comtrade",
    "baci": "a CEPII BACI file: use supplygraph import baci",
    "baci-codes": "a CEPII BACI country-code file: give supplygraph import baci the data file",
    "dataset": "a supplygraph dataset file: use supplygraph load",
}


def sniff(header: list[str]) -> str | None:
    """Which format a header belongs to (a key of FORMATS), or None."""
    names = {" ".join(h.split()).lower() for h in header if h.strip()}
    if {"refyear", "reportercode", "flowcode", "partnercode", "cmdcode"} <= names:
        return "comtrade"
    if names == {"t", "i", "j", "k", "v", "q"}:
        return "baci"
    if "country_code" in names and names & {"country_iso3", "iso_3digit_alpha"}:
        return "baci-codes"
    if {"source", "country", "type"} <= names or {"datasource", "commodity", "year"} <= names:
        return "usgs-mcs"
    if {"mcs chapter", "statistics", "value"} <= names:
        return "usgs-mcs"
    if "source" in names and "confidence" in names or {"id", "title", "publisher"} <= names:
        return "dataset"
    return None


def wrong_format(file: str, header: list[str], expected: str) -> LoadError | None:
    """The refusal for a file of another format, naming the command it needs."""
    found = sniff(header)
    if found == expected:
        return None
    if found is None:
        return LoadError([Problem(file, 1, "header", f"is not a {expected} header: {header!r}")])
    return LoadError([Problem(file, 1, "header", f"this is {FORMATS[found]}")])


@dataclass
class Intake:
    """What one import has read: records to write, refusals, skipped unknowns and notes.

    ``wanted`` nodes (sources, countries, items) are created only where the store lacks
    them, so an import never overwrites the bundled dataset's own descriptions.
    """

    skip_unknown: bool = False
    problems: list[Problem] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    nodes: dict[str, NodeRecord] = field(default_factory=dict)
    wanted: dict[str, NodeRecord] = field(default_factory=dict)
    relationships: list[RelRecord] = field(default_factory=list)

    def refuse(self, origin: Origin, column: str, message: str) -> None:
        self.problems.append(Problem(origin.file, origin.row, column, message))

    def unknown(self, origin: Origin, column: str, message: str) -> None:
        """An unknown country, unit or HS code: refused, or skipped with --skip-unknown."""
        problem = Problem(origin.file, origin.row, column, message)
        listed = self.skipped if self.skip_unknown else self.problems
        if problem not in listed[-3:]:
            listed.append(problem)

    def want(self, record: NodeRecord, origin: Origin) -> None:
        if record.id not in self.wanted:
            self.wanted[record.id] = NodeRecord(record.label, record.id, record.properties, origin)

    def node(self, record: NodeRecord) -> None:
        if record.id in self.nodes:
            first = self.nodes[record.id].origin
            assert record.origin is not None
            self.refuse(record.origin, "row", f"'{record.id}' repeats the row at {first}")
            return
        self.nodes[record.id] = record

    def relate(self, record: RelRecord) -> None:
        self.relationships.append(record)


def trade_record(
    *,
    exporter: str,
    importer: str,
    mapping: ItemMapping,
    code: str,
    year: int,
    source: str,
    tonnes: float | None,
    value_usd: float | None,
    reported_by: str,
    mirror: tuple[float | None, float | None] | None,
    note: str | None,
    origin: Origin,
) -> RelRecord:
    """One TRADES relationship, exporter -> importer: the shape Comtrade and BACI share.
    ``mirror`` is the other side's (tonnes, value) where both sides report the flow."""
    dotted = hs_dotted(code)
    return RelRecord(
        RelType.TRADES,
        Label.COUNTRY,
        exporter,
        Label.COUNTRY,
        importer,
        relationship_key(RelType.TRADES, exporter, importer, source, year, dotted),
        {
            "item": mapping.item,
            "hs_code": dotted,
            "year": year,
            "tonnes": tonnes,
            "value_usd": value_usd,
            "reported_by": reported_by,
            "mirror_tonnes": mirror[0] if mirror else None,
            "mirror_value_usd": mirror[1] if mirror else None,
            "scope": mapping.scope,
            "source": source,
            "confidence": "high",
            "note": note,
        },
        origin,
    )
