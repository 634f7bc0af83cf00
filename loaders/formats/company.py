"""The company workbook (docs/company-data.md): an XLSX file, or a folder of one CSV per sheet,
read into plain cells with their ``sheet!A12`` positions; and the blank template.

openpyxl rather than python-calamine: calamine returns a formula cell's cached value, so a
formula cannot be told from a typed figure, and it does not write; openpyxl reports formulas
(``data_type == "f"``) and merged ranges, and writes the template.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from graph.errors import LoadError, Problem


@dataclass(frozen=True)
class CellProblem(Problem):
    """A refusal at one cell: ``sheet!A12: column: message`` (``file`` is the sheet)."""

    cell: str = ""

    def __str__(self) -> str:
        return f"{self.file}!{self.cell}: {self.field}: {self.message}"


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    help: str


SHEETS: dict[str, tuple[Column, ...]] = {
    "products": (
        Column("product", True, "your product's id (letters, digits, - _ .)"),
        Column("name", True, "its name"),
        Column("oem", False, "who makes it: a name from the suppliers sheet; blank: you"),
        Column("end_uses", False, "end uses, separated by ';' (automotive; wind ...)"),
        Column("units_per_year", False, "units made a year (kept in the product's note)"),
    ),
    "bom": (
        Column("parent", True, "a product or a part of yours"),
        Column("child", True, "a part of yours, or a magnet type or material id of the graph"),
        Column("child_name", False, "the part's name, where the child is a new part"),
        Column("kg_per_unit", False, "kg of the child per unit of the parent"),
        Column("share", True, "share of the parent's rare-earth content through the child, 0..1"),
    ),
    "suppliers": (
        Column("supplier", True, "the supplier's name as you write it"),
        Column("country", True, "headquarters country: a name or ISO code"),
        Column("address", False, "optional"),
        Column("roles", False, "magnet_maker; component_maker ... (oem: your own company)"),
    ),
    "sourcing": (
        Column("item", True, "a part of yours or an item of the graph, as in the bom"),
        Column("supplier", True, "a name from the suppliers sheet"),
        Column("share", False, "the supplier's share of the item, 0..1"),
        Column("year", False, "the year the share holds for"),
    ),
    "stock": (
        Column("item", True, "a part of yours or an item of the graph"),
        Column("weeks", True, "weeks of cover held"),
        Column("as_of", False, "date of the count (YYYY, YYYY-MM or YYYY-MM-DD); blank: today"),
    ),
}
OPTIONAL_SHEETS = frozenset({"stock"})


@dataclass(frozen=True)
class SheetRow:
    sheet: str
    row: int
    cells: dict[str, str]
    """Non-empty cells by column name."""


@dataclass
class Sheet:
    name: str
    letters: dict[str, str] = field(default_factory=dict)
    """Column name -> its letter in this sheet."""
    rows: list[SheetRow] = field(default_factory=list)

    def cell(self, column: str, row: int) -> str:
        return f"{self.letters.get(column, 'A')}{row}"


@dataclass
class WorkbookData:
    name: str
    sheets: dict[str, Sheet]
    problems: list[CellProblem] = field(default_factory=list)


def refusal(sheet: Sheet | str, column: str, row: int, message: str) -> CellProblem:
    cell = sheet.cell(column, row) if isinstance(sheet, Sheet) else f"A{row}"
    name = sheet.name if isinstance(sheet, Sheet) else sheet
    return CellProblem(name, row, column, message, cell)


def read_workbook(path: Path) -> WorkbookData:
    """Every sheet's cells, with every problem of layout (missing sheet or column, formula,
    merged cell, empty required cell) as a CellProblem."""
    if path.is_dir():
        raw = {p.stem.casefold(): _csv_grid(p) for p in sorted(path.glob("*.csv"))}
        merged: dict[str, list[str]] = {}
    elif path.is_file():
        raw, merged = _xlsx_grid(path)
    else:
        raise LoadError([Problem(str(path), 0, "file", "no such workbook or folder")])
    rmi = rmi_template(raw)
    if rmi is not None:
        raise LoadError([CellProblem("Declaration", 1, "template", rmi, "A1")])
    book = WorkbookData(path.name, {})
    for name, columns in SHEETS.items():
        if name not in raw:
            if name not in OPTIONAL_SHEETS:
                book.problems.append(
                    CellProblem(name, 1, "sheet", f"sheet '{name}' is missing", "A1")
                )
            continue
        for where in merged.get(name, []):
            book.problems.append(
                CellProblem(name, 1, "merged", f"merged cells {where}: unmerge them", where)
            )
        book.sheets[name] = _sheet(name, columns, raw[name], book.problems)
    return book


RMI_TEMPLATES = {
    "conflict minerals reporting template": "an RMI CMRT (tin, tantalum, tungsten, gold): it "
    "does not cover rare earths",
    "extended minerals reporting template": "an RMI EMRT (cobalt, mica, copper, graphite, "
    "lithium, nickel): it does not cover rare earths",
    "additional minerals reporting template": "an RMI AMRT: import its smelter list with "
    "`supplygraph import amrt FILE --supplier ID` (docs/company-data.md)",
}


def rmi_template(raw: dict[str, Grid]) -> str | None:
    """What an RMI reporting template (a Declaration and a Smelter List sheet) is, if it is one."""
    if not {"declaration", "smelter list"} <= raw.keys():
        return None
    text = " ".join(v.casefold() for _, row in raw["declaration"][:12] for v, _ in row if v)
    for title, message in RMI_TEMPLATES.items():
        if title in text:
            return f"this is {message}"
    for code, title in (("cmrt", "conflict"), ("emrt", "extended"), ("amrt", "additional")):
        if code in text:
            return f"this is {RMI_TEMPLATES[title + ' minerals reporting template']}"
    return "this is an RMI reporting template, not a company workbook"


Grid = list[tuple[int, list[tuple[str, str | None]]]]
"""Rows (1-based number) of (value, formula-or-None) per column."""


def _csv_grid(path: Path) -> Grid:
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    return [
        (number, [(cell, "=" if cell.startswith("=") else None) for cell in cells])
        for number, cells in enumerate(csv.reader(io.StringIO(text, newline="")), start=1)
    ]


def _xlsx_grid(path: Path) -> tuple[dict[str, Grid], dict[str, list[str]]]:
    try:
        book = load_workbook(path, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as e:
        raise LoadError([Problem(path.name, 0, "file", f"is not an XLSX workbook: {e}")]) from e
    grids: dict[str, Grid] = {}
    merged: dict[str, list[str]] = {}
    for ws in book.worksheets:
        name = ws.title.strip().casefold()
        grids[name] = _ws_grid(ws)
        merged[name] = [str(r) for r in ws.merged_cells.ranges]
    return grids, merged


def _ws_grid(ws: Worksheet) -> Grid:
    out: Grid = []
    for number, cells in enumerate(ws.iter_rows(), start=1):
        row: list[tuple[str, str | None]] = []
        for c in cells:
            if c.data_type == "f":
                row.append(("", str(c.value)))
            else:
                row.append((_text(c.value), None))
        out.append((number, row))
    return out


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _sheet(
    name: str, columns: tuple[Column, ...], grid: Grid, problems: list[CellProblem]
) -> Sheet:
    sheet = Sheet(name)
    if not grid:
        problems.append(CellProblem(name, 1, "header", "the sheet is empty: no header row", "A1"))
        return sheet
    _, header = grid[0]
    known = {c.name for c in columns}
    for index, (title, formula) in enumerate(header):
        letter = get_column_letter(index + 1)
        title = title.strip().casefold().replace(" ", "_")
        if formula is not None:
            problems.append(
                CellProblem(name, 1, "header", "a header cell is a formula", f"{letter}1")
            )
        elif title and title not in known:
            expected = ", ".join(c.name for c in columns)
            problems.append(
                CellProblem(
                    name, 1, title, f"unknown column '{title}' (expected: {expected})", f"{letter}1"
                )
            )
        elif title:
            sheet.letters.setdefault(title, letter)
    for column in columns:
        if column.required and column.name not in sheet.letters:
            problems.append(
                CellProblem(
                    name, 1, column.name, f"required column '{column.name}' is missing", "A1"
                )
            )
    by_letter = {letter: col for col, letter in sheet.letters.items()}
    required = [c.name for c in columns if c.required]
    for number, cells in grid[1:]:
        present: dict[str, str] = {}
        for index, (value, formula) in enumerate(cells):
            letter = get_column_letter(index + 1)
            column_name = by_letter.get(letter)
            if column_name is None:
                continue
            if formula is not None:
                problems.append(
                    CellProblem(
                        name,
                        number,
                        column_name,
                        f"is a formula ({formula}): paste its value instead",
                        f"{letter}{number}",
                    )
                )
                present[column_name] = "="
            elif value:
                present[column_name] = value
        if not present:
            continue
        for column_name in required:
            if column_name in sheet.letters and column_name not in present:
                problems.append(
                    refusal(sheet, column_name, number, "is empty; this column is required")
                )
        sheet.rows.append(SheetRow(name, number, present))
    return sheet


def write_template(path: Path) -> None:
    """A blank workbook: one sheet per table with its header, and a README sheet."""
    book = Workbook()
    readme = book.active
    assert readme is not None
    readme.title = "README"
    readme.append(["supplygraph company workbook: one sheet per table; see docs/company-data.md"])
    readme.append(["sheet", "column", "required", "what"])
    for name, columns in SHEETS.items():
        ws = book.create_sheet(name)
        ws.append([c.name for c in columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for c in columns:
            readme.append([name, c.name, "yes" if c.required else "", c.help])
    book.save(path)
