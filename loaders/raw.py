"""What a reader hands to validation: one row's raw cells, its row model and where it came from."""

from __future__ import annotations

from dataclasses import dataclass

from graph.records import Origin
from loaders.rows import Row


@dataclass(frozen=True)
class RawRow:
    model: type[Row]
    origin: Origin
    cells: dict[str, str]


@dataclass(frozen=True)
class ReadProblem:
    """A file-level problem found while reading (unknown file, bad header, bad encoding)."""

    origin: Origin
    field: str
    message: str
