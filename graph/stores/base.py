"""The store interface: the small surface both stores implement.

Everything else (validation, analytics, the API) works on plain records through it, so a
conformance suite can run the same tests against each store.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

from graph.model import Label, RelType
from graph.records import GraphVersion, NodeRef, RelRef, Value


@dataclass(frozen=True)
class WriteCounts:
    """Rows written (created or matched), how many matched rows already held exactly these
    properties (``unchanged``), and the keys of rows that could not be written (a
    relationship whose start or end node does not exist): a writer never counts a row it
    dropped."""

    created: int = 0
    matched: int = 0
    dropped: tuple[str, ...] = ()
    unchanged: int = 0

    @property
    def updated(self) -> int:
        """Matched rows whose properties changed."""
        return self.matched - self.unchanged

    def __add__(self, other: WriteCounts) -> WriteCounts:
        return WriteCounts(
            self.created + other.created,
            self.matched + other.matched,
            self.dropped + other.dropped,
            self.unchanged + other.unchanged,
        )


def dropped_keys(
    rows: Sequence[Mapping[str, Value]], written: Collection[object]
) -> tuple[str, ...]:
    """The keys of ``rows`` not among ``written``, in input order."""
    done = set(written)
    return tuple(str(row["key"]) for row in rows if row["key"] not in done)


class Store(Protocol):
    kind: str
    """'neo4j' or 'embedded'."""

    def ensure_schema(self) -> None:
        """Create constraints, indexes or tables; idempotent."""

    def upsert_nodes(self, label: Label, rows: Sequence[Mapping[str, Value]]) -> WriteCounts:
        """MERGE nodes on ``id`` and set every declared property (absent ones to null)."""

    def upsert_relationships(
        self,
        rel: RelType,
        start_label: Label,
        end_label: Label,
        rows: Sequence[Mapping[str, Value]],
    ) -> WriteCounts:
        """MERGE relationships on (start, end, key); rows carry ``start``, ``end`` and the
        declared properties. A row whose start or end node is missing is not written; its
        key is in ``dropped`` and it is counted neither created nor matched."""

    def delete_relationships(self, rel: RelType, keys: Collection[str]) -> int:
        """Delete the ``rel`` relationships with these keys; return how many went (a
        re-import that replaces its own facts)."""

    def delete_nodes(self, label: Label, ids: Collection[str]) -> int:
        """Delete these nodes with their relationships; return how many went."""

    def labels_of(self, ids: Collection[str]) -> dict[str, Label]:
        """The label of each id that exists."""

    def nodes(self, label: Label, ids: Collection[str]) -> list[NodeRef]: ...

    def page(self, label: Label, *, after: str | None, first: int) -> list[NodeRef]:
        """Nodes ordered by id, starting after ``after``."""

    def count(self, label: Label) -> int: ...

    def neighbours(
        self, label: Label, node_id: str, rel: RelType, *, outgoing: bool
    ) -> list[NodeRef]:
        """Nodes one ``rel`` hop from the node, ordered by id."""

    def neighbours_of(
        self, label: Label, ids: Collection[str], rel: RelType, *, outgoing: bool
    ) -> dict[str, list[NodeRef]]:
        """``neighbours`` of many nodes in one store call: each id asked for, mapped to its
        neighbours ordered by id (an empty list for an id with none, or not in the graph)."""

    def extract_nodes(self, labels: Collection[Label]) -> Iterator[NodeRef]: ...

    def extract_relationships(
        self, types: Collection[RelType], *, properties: Collection[str] | None = None
    ) -> Iterator[RelRef]:
        """Every relationship of ``types`` with its non-null properties, or only those named
        in ``properties`` (the engine reads a few; fewer columns decode much faster)."""

    def counts(self) -> dict[str, int]:
        """Nodes per label and relationships per type (zero counts included)."""

    def graph_version(self) -> GraphVersion:
        """The last complete load's version, and the start of any load begun since that
        has not completed (``incomplete``)."""

    def begin_load(self, started_at: str) -> None:
        """Record, committed at once, that a load began: graph_version() reports it as
        incomplete until bump_version() completes it."""

    def transaction(self) -> AbstractContextManager[None]:
        """Every write inside is one transaction, seen by readers only once committed at
        the end; an error, or the death of the process, rolls it all back."""

    def bump_version(self, loaded_at: str) -> GraphVersion:
        """The next version, loaded at ``loaded_at``; completes the load begun, if any."""

    def clear(self) -> None:
        """Delete every node and relationship (tests, and loads that replace the graph)."""

    def ping(self) -> None:
        """Raise StoreUnavailable unless the store answers."""

    def close(self) -> None: ...
