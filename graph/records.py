"""Plain records that loaders produce and stores write: one node or one relationship."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graph.model import Label, RelType

Value = str | int | float | bool | list[str] | None


@dataclass(frozen=True)
class Origin:
    """Where a record came from, for error messages: file and 1-based data row."""

    file: str
    row: int

    def __str__(self) -> str:
        return f"{self.file}:{self.row}"


@dataclass(frozen=True)
class NodeRecord:
    label: Label
    id: str
    properties: Mapping[str, Value]
    origin: Origin | None = field(default=None, compare=False)


@dataclass(frozen=True)
class RelRecord:
    type: RelType
    start_label: Label
    start: str
    end_label: Label
    end: str
    key: str
    properties: Mapping[str, Value]
    origin: Origin | None = field(default=None, compare=False)


@dataclass(frozen=True)
class NodeRef:
    """A node as the engine and the API see it: label, id and properties."""

    label: Label
    id: str
    properties: Mapping[str, Any]


@dataclass(frozen=True)
class RelRef:
    type: RelType
    start: str
    end: str
    properties: Mapping[str, Any]


@dataclass(frozen=True)
class GraphVersion:
    """Bumped by every load, so cached analyses know when they are stale.

    ``incomplete`` is the start time of a load that began after this version and has not
    completed (it is running, or its process died): the graph is still this version, since
    a load writes all or nothing, and the next load of the same data completes it."""

    version: int
    loaded_at: str | None
    incomplete: str | None = None


def relationship_key(
    rel: RelType, start: str, end: str, source: str | None, *discriminators: object
) -> str:
    """The stable identity of one stated fact: its type, ends and source, plus whatever
    tells two facts of one source apart (a year, an item). Every writer, reader and the
    benchmark generator builds keys here, so the same fact always gets the same key."""
    return "|".join([rel.value, start, end, source or "", *(str(d) for d in discriminators)])
