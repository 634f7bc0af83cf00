"""The example company workbook and AMRT (docs/examples), and edited copies for the tests."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from tests.support.stores import REPO

EXAMPLE = REPO / "docs" / "examples" / "kestrel-motors.xlsx"
AMRT = REPO / "docs" / "examples" / "amrt-jl-mag.xlsx"
"""An AMRT written by hand in RMI's AMRT 1.3 layout (no real one is available here)."""
OWNER = "kestrel-motors"
S1 = "kestrel-motors-kestrel-s1"


def edited(dst: Path, change: Callable[[dict[str, Worksheet]], None] | None = None) -> Path:
    """A copy of the example at ``dst``, with ``change`` applied to its sheets by name."""
    book = load_workbook(EXAMPLE)
    if change is not None:
        sheets = {ws.title: ws for ws in book.worksheets}
        change(sheets)
        for title in list(sheets):
            if title not in {ws.title for ws in book.worksheets}:
                continue
            if sheets.get(title) is None:
                del book[title]
    book.save(dst)
    return dst


def drop_rows(ws: Worksheet, first_cell: str) -> None:
    """Delete the rows whose column A or B equals ``first_cell``."""
    for number in range(ws.max_row, 1, -1):
        values = [ws.cell(number, col).value for col in (1, 2)]
        if first_cell in values:
            ws.delete_rows(number)


def as_csv_folder(dst: Path) -> Path:
    """The example as a folder of one CSV per sheet."""
    dst.mkdir()
    book = load_workbook(EXAMPLE)
    for ws in book.worksheets:
        if ws.title == "README":
            continue
        with (dst / f"{ws.title}.csv").open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            for row in ws.iter_rows(values_only=True):
                writer.writerow(["" if v is None else v for v in row])
    return dst
