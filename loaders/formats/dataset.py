"""Reader for supplygraph's own dataset format: a folder of CSV files (docs/data-format.md)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from graph.records import Origin
from loaders.raw import RawRow, ReadProblem
from loaders.rows import MODEL_BY_FILE, ROW_MODELS


def dataset_files(path: Path) -> list[Path]:
    """The CSV files of a dataset folder in load order, or the one file given."""
    if path.is_file():
        return [path]
    order = {model.file: i for i, model in enumerate(ROW_MODELS)}
    files = sorted(path.glob("*.csv"), key=lambda p: (order.get(p.name, len(order)), p.name))
    return files


def read(path: str) -> Iterator[RawRow | ReadProblem]:
    root = Path(path)
    if not root.exists():
        yield ReadProblem(Origin(str(root), 0), "path", "does not exist")
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
    try:
        with file.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            unknown = [h for h in header if h not in model.model_fields]
            for column in unknown:
                yield ReadProblem(Origin(file.name, 1), column, "unknown column")
            if unknown:
                return
            for cells in reader:
                origin = Origin(file.name, reader.line_num)
                if None in cells:
                    yield ReadProblem(origin, "row", "has more cells than the header")
                    continue
                present = {k: v for k, v in cells.items() if v is not None and v.strip() != ""}
                if present:
                    yield RawRow(model, origin, present)
    except UnicodeDecodeError as e:
        yield ReadProblem(Origin(file.name, 0), "file", f"is not UTF-8: {e.reason}")
    except csv.Error as e:
        yield ReadProblem(Origin(file.name, 0), "file", f"is not valid CSV: {e}")
