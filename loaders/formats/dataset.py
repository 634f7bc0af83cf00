"""Reader for supplygraph's own dataset format: a folder of CSV files (docs/data-format.md).

Rows are numbered as a spreadsheet shows them: the header is row 1, a blank line is a row,
and a quoted cell that spans several lines is one row. Files are streamed, one row at a time.
"""

from __future__ import annotations

import csv
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

from graph.records import Origin
from loaders.raw import RawRow, ReadProblem
from loaders.rows import MODEL_BY_FILE, ROW_MODELS, Row

MAX_CELL = 100_000
"""Characters one cell may hold (the longest text column allows 2,000)."""

CSV_FIELD_LIMIT = 16 * 1024 * 1024
"""Where the CSV parser itself gives up on a cell (it then cannot say which one)."""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Control characters other than tab and line breaks."""

_NOT_UTF8 = re.compile(r"[\udc80-\udcff]")
"""Bytes that are not UTF-8, as the ``surrogateescape`` decoder keeps them."""


def _not_readable(path: Path) -> str | None:
    """Why ``path`` cannot be read as a file or folder, checked before opening it."""
    try:
        mode = os.stat(path).st_mode
    except OSError as e:
        return f"cannot be read: {e.strerror or e}"
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return "is not a regular file (a device, pipe or socket); give a CSV file or a folder"


def dataset_files(path: Path) -> list[Path]:
    """The CSV files of a dataset folder in load order, or the one file given."""
    if not path.is_dir():
        return [path]
    order = {model.file: i for i, model in enumerate(ROW_MODELS)}
    return sorted(path.glob("*.csv"), key=lambda p: (order.get(p.name, len(order)), p.name))


def read(path: str) -> Iterator[RawRow | ReadProblem]:
    root = Path(path)
    if not root.exists() and not root.is_symlink():
        yield ReadProblem(Origin(str(root), 0), "path", "does not exist")
        return
    why = _not_readable(root)
    if why is not None:
        yield ReadProblem(Origin(str(root), 0), "path", why)
        return
    files = dataset_files(root)
    if not files:
        yield ReadProblem(Origin(str(root), 0), "path", "holds no .csv files")
    for file in files:
        yield from _read_file(file)


def _read_file(file: Path) -> Iterator[RawRow | ReadProblem]:
    model = MODEL_BY_FILE.get(file.name)
    if model is None:
        known = ", ".join(sorted(MODEL_BY_FILE))
        yield ReadProblem(
            Origin(file.name, 0), "file", f"unknown file name; expected one of {known}"
        )
        return
    why = _not_readable(file)
    if why is None and file.is_dir():
        why = "is a folder, not a CSV file"
    if why is not None:
        yield ReadProblem(Origin(file.name, 0), "file", why)
        return
    row = 0
    header: list[str] = []
    try:
        csv.field_size_limit(CSV_FIELD_LIMIT)
        with file.open(newline="", encoding="utf-8-sig", errors="surrogateescape") as handle:
            reader = csv.reader(handle)
            for cells in reader:
                row += 1
                if row == 1:
                    header = [h.strip() for h in cells]
                    problems = _header_problems(file.name, model, header)
                    yield from problems
                    if problems:
                        return
                    continue
                yield from _row(file.name, row, model, header, cells)
            if row == 0:
                yield ReadProblem(
                    Origin(file.name, 1), "header", "the file is empty; row 1 must be the header"
                )
    except UnicodeDecodeError as e:
        yield ReadProblem(Origin(file.name, row + 1), "file", f"is not UTF-8: {e.reason}")
    except csv.Error as e:
        reason = str(e)
        if "field larger than field limit" in reason:
            reason = f"a cell is longer than {CSV_FIELD_LIMIT} characters (the limit is {MAX_CELL})"
        yield ReadProblem(Origin(file.name, row + 1), "row", f"is not valid CSV: {reason}")


def _header_problems(name: str, model: type[Row], header: list[str]) -> list[ReadProblem]:
    out = []
    at = Origin(name, 1)
    seen: dict[str, int] = {}
    for position, column in enumerate(header, start=1):
        if _NOT_UTF8.search(column) or _CONTROL.search(column):
            out.append(ReadProblem(at, "header", f"column {position} is not UTF-8 text"))
        elif column == "":
            out.append(ReadProblem(at, "header", f"column {position} has no name"))
        elif column in seen:
            out.append(
                ReadProblem(
                    at, column, f"column given twice (columns {seen[column]} and {position})"
                )
            )
        elif column not in model.model_fields:
            out.append(ReadProblem(at, column, "unknown column"))
        seen.setdefault(column, position)
    missing = [f for f, info in model.model_fields.items() if info.is_required() and f not in seen]
    if missing:
        out.append(ReadProblem(at, "header", f"missing required column(s): {', '.join(missing)}"))
    return out


def _row(
    name: str, row: int, model: type[Row], header: list[str], cells: list[str]
) -> Iterator[RawRow | ReadProblem]:
    origin = Origin(name, row)
    if len(cells) > len(header):
        yield ReadProblem(origin, "row", "has more cells than the header")
        return
    present: dict[str, str] = {}
    bad = False
    for column, value in zip(header, cells, strict=False):
        if len(value) > MAX_CELL:
            yield ReadProblem(
                origin, column, f"cell is {len(value)} characters, above the limit of {MAX_CELL}"
            )
            bad = True
            continue
        undecodable = _NOT_UTF8.search(value)
        if undecodable is not None:
            byte = ord(undecodable.group()) - 0xDC00
            yield ReadProblem(origin, column, f"is not UTF-8 (byte 0x{byte:02X}); save as UTF-8")
            bad = True
            continue
        control = _CONTROL.search(value)
        if control is not None:
            code = f"U+{ord(control.group()):04X}"
            yield ReadProblem(origin, column, f"holds a control character ({code}); remove it")
            bad = True
            continue
        if value.strip() != "":
            present[column] = value
    if present and not bad:
        yield RawRow(model, origin, present)
