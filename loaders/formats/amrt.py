"""RMI's Additional Minerals Reporting Template (AMRT 1.3 or later), read as distributed.

The layout (docs/company-data.md, from the RMI's AMRT 1.3 of 17 October 2025): a
``Declaration`` sheet whose company-name answer sits right of its label (``D8`` in the
template), and a ``Smelter List`` sheet with its headers on row 4 and rows from row 5. The
visible header text follows the language chosen on the Declaration, so the columns are taken
by position: B metal, D smelter name, E smelter country, F smelter identification (RMI CID),
I city, Q comments. Unused template rows are not empty but hold formula results (``False``,
``+``, ``#N/A``, ``0``): a row counts only when its smelter name is real text.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from graph.errors import LoadError, Problem
from loaders.formats.company import RMI_TEMPLATES, CellProblem

DECLARATION = "Declaration"
SMELTERS = "Smelter List"
HEADER_ROW = 4
COLUMNS = {"metal": "B", "name": "D", "country": "E", "cid": "F", "city": "I", "comments": "Q"}
FILLER = {"", "false", "true", "+", "0", "#n/a", "n/a", "#value!", "#ref!"}
"""What a template's unused row holds in its name cell."""


@dataclass(frozen=True)
class SmelterLine:
    row: int
    metal: str
    name: str
    country: str
    cid: str
    city: str


@dataclass
class AmrtData:
    name: str
    """The file's name."""
    declarant: str
    """The declaring company's name, from the Declaration."""
    declarant_cell: str
    smelters: list[SmelterLine] = field(default_factory=list)
    problems: list[CellProblem] = field(default_factory=list)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_amrt(path: Path) -> AmrtData:
    """The declaring company and every smelter row; layout problems as CellProblems."""
    if not path.is_file():
        raise LoadError([Problem(str(path), 0, "file", "no such AMRT file")])
    try:
        book = load_workbook(path, data_only=True, read_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as e:
        raise LoadError([Problem(path.name, 0, "file", f"is not an XLSX workbook: {e}")]) from e
    sheets = {ws.title.strip().casefold(): ws for ws in book.worksheets}
    missing: list[Problem] = [
        CellProblem(title, 1, "sheet", f"sheet '{title}' is missing: not an RMI AMRT", "A1")
        for title in (DECLARATION, SMELTERS)
        if title.casefold() not in sheets
    ]
    if missing:
        raise LoadError(missing)
    declaration = sheets[DECLARATION.casefold()]
    title = " ".join(
        _text(c.value).casefold() for row in declaration.iter_rows(max_row=12) for c in row
    )
    for words, code in (("conflict minerals", "cmrt"), ("extended minerals", "emrt")):
        if f"{words} reporting template" in title or f"({code})" in title:
            message = RMI_TEMPLATES[f"{words} reporting template"]
            raise LoadError([CellProblem(DECLARATION, 1, "template", f"this is {message}", "A1")])
    declarant, cell = "", "D8"
    for row in declaration.iter_rows(min_row=1, max_row=30):
        labels = [c for c in row if "company name" in _text(c.value).casefold()]
        if labels:
            first = int(labels[0].column or 0)
            after = [c for c in row if int(c.column or 0) > first and _text(c.value)]
            if after:
                declarant, cell = _text(after[0].value), after[0].coordinate
            else:
                cell = f"D{labels[0].row}"
            break
    else:
        declarant = _text(declaration["D8"].value)
    data = AmrtData(path.name, declarant, cell)
    if not declarant:
        data.problems.append(
            CellProblem(
                DECLARATION, int(cell[1:]), "company_name", "the company name is empty", cell
            )
        )
    ws = sheets[SMELTERS.casefold()]
    for number in range(HEADER_ROW + 1, ws.max_row + 1):
        cells = {k: _text(ws[f"{col}{number}"].value) for k, col in COLUMNS.items()}
        if cells["name"].casefold() in FILLER:
            if cells["metal"].casefold() not in FILLER:
                data.problems.append(
                    CellProblem(SMELTERS, number, "smelter_name", "is empty", f"D{number}")
                )
            continue
        data.smelters.append(
            SmelterLine(
                number, cells["metal"], cells["name"], cells["country"], cells["cid"], cells["city"]
            )
        )
    return data
