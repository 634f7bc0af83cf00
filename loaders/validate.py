"""Validate raw rows into graph records, collecting every problem before anything is written.

The input is read as a stream, more than once (``read`` is called for each pass), so memory
stays bounded whatever the file size:

1. scan: parse every row, run its own checks, collect the ids it declares and references;
2. one batched look-up of every referenced and declared id in the store;
3. check: resolve each row's references, build its records and check across rows
   (repeated facts, share sums, supply cycles), with what the store already holds;

then, if nothing was wrong, ``Plan`` streams the records again for the writer.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from pydantic import ValidationError

from graph.errors import LoadError, Problem
from graph.model import Label, RelType
from graph.records import NodeRecord, NodeRef, Origin, RelRecord, RelRef
from loaders.checks import (
    SHARE_GROUPS,
    SHARE_PROPERTIES,
    SHARE_TOLERANCE,
    SUPPLY_TYPES,
    Origins,
    RelationshipChecks,
    check_relationships,
)
from loaders.raw import RawRow, ReadProblem
from loaders.rows import Confidence, Labels, Ref, Row, SourceRow

__all__ = ["SHARE_TOLERANCE", "Batch", "Plan", "StoreView", "check_relationships", "validate"]

Read = Callable[[], Iterable[RawRow | ReadProblem]]

MAX_PROBLEMS = 1000
"""Problems kept for the report; beyond this only their number is."""

LOOKUP_SLICE = 10_000
"""Ids per store query of the look-up."""

MODELLING_SOURCE = "sg-modelling"
"""Our own modelling assumptions: always flagged, whatever sources.csv says."""


class StoreView(Protocol):
    """What validation reads from a store (every Store has these)."""

    def labels_of(self, ids: Collection[str]) -> dict[str, Label]: ...

    def nodes(self, label: Label, ids: Collection[str]) -> list[NodeRef]: ...

    def extract_relationships(
        self, types: Collection[RelType], *, properties: Collection[str] | None = None
    ) -> Iterator[RelRef]: ...


class NothingStored:
    """A store view holding nothing: validate a dataset on its own."""

    def labels_of(self, ids: Collection[str]) -> dict[str, Label]:
        return {}

    def nodes(self, label: Label, ids: Collection[str]) -> list[NodeRef]:
        return []

    def extract_relationships(
        self, types: Collection[RelType], *, properties: Collection[str] | None = None
    ) -> Iterator[RelRef]:
        return iter(())


@dataclass
class Batch:
    """Validated records, ready to write."""

    nodes: list[NodeRecord] = field(default_factory=list)
    relationships: list[RelRecord] = field(default_factory=list)


class _Problems:
    def __init__(self) -> None:
        self.kept: list[Problem] = []
        self.more = 0

    def add(self, origin: Origin, field_name: str, message: str) -> None:
        if len(self.kept) < MAX_PROBLEMS:
            self.kept.append(Problem(origin.file, origin.row, field_name, message))
        else:
            self.more += 1

    def extend(self, problems: Iterable[Problem]) -> None:
        for p in problems:
            self.add(Origin(p.file, p.row), p.field, p.message)

    def __bool__(self) -> bool:
        return bool(self.kept)

    def raise_if_any(self) -> None:
        if self.kept:
            ordered = sorted(self.kept, key=lambda p: (p.file, p.row, p.field))
            raise LoadError(ordered, more=self.more)


@dataclass
class Plan:
    """A validated input: how to read it again and the labels its references resolve to."""

    read: Read
    labels: Labels
    nodes: int = 0
    relationships: int = 0

    def _rows(self, *, nodes_only: bool) -> Iterator[tuple[Row, Origin]]:
        for item in self.read():
            if isinstance(item, RawRow) and (item.model.defines_nodes or not nodes_only):
                yield item.model.model_validate(item.cells), item.origin

    def node_records(self) -> Iterator[NodeRecord]:
        for row, origin in self._rows(nodes_only=True):
            for n in row.records(self.labels).nodes:
                yield NodeRecord(n.label, n.id, n.properties, origin)

    def relationship_records(self) -> Iterator[RelRecord]:
        for row, origin in self._rows(nodes_only=False):
            for r in row.records(self.labels).rels:
                yield RelRecord(
                    r.type, r.start_label, r.start, r.end_label, r.end, r.key, r.properties, origin
                )

    def batch(self) -> Batch:
        return Batch(list(self.node_records()), list(self.relationship_records()))


@dataclass
class _Scan:
    declared: dict[str, Label] = field(default_factory=dict)
    declared_at: dict[str, int] = field(default_factory=dict)
    """Where each id was declared (a packed origin)."""
    referenced: set[str] = field(default_factory=set)
    cited: set[str] = field(default_factory=set)
    flagged: set[str] = field(default_factory=lambda: {MODELLING_SOURCE})
    failed: set[int] = field(default_factory=set)


def validate(read: Read, *, store: StoreView) -> Plan:
    """Check every row of ``read()`` against the files and ``store``; raise LoadError listing
    every problem, or return the Plan that writes them."""
    problems = _Problems()
    origins = Origins()
    scan = _scan(read, problems, origins)
    if problems.more:
        problems.raise_if_any()
    stored = _labels_in(store, scan.referenced | scan.declared.keys())
    for node_id, other in stored.items():
        label = scan.declared.get(node_id)
        if label is not None and other is not label:
            packed = scan.declared_at[node_id]
            origin = origins.unpack(packed)
            problems.add(
                origin,
                "id",
                f"'{node_id}' is already a {other.value} in the store "
                "(ids are unique across all kinds)",
            )
            scan.failed.add(packed)
    scan.declared_at.clear()
    labels: Labels = ChainMap(scan.declared, stored)
    stored_sources = [s for s in scan.cited if s not in scan.declared and s in stored]
    scan.flagged |= {
        n.id for n in store.nodes(Label.SOURCE, stored_sources) if n.properties.get("modelling")
    }
    plan = Plan(read, labels)
    checks = RelationshipChecks(
        stored_shares=store.extract_relationships(SHARE_GROUPS, properties=SHARE_PROPERTIES),
        stored_edges=store.extract_relationships(SUPPLY_TYPES, properties=()),
    )
    for item in read():
        if not isinstance(item, RawRow) or origins.pack(item.origin) in scan.failed:
            continue
        row = item.model.model_validate(item.cells)
        if not _resolved(row, item.origin, labels, scan.flagged, problems):
            continue
        records = row.records(labels)
        for p in records.problems:
            problems.add(item.origin, p.field, p.message)
        if records.problems:
            continue
        plan.nodes += len(records.nodes)
        plan.relationships += len(records.rels)
        for rel in records.rels:
            checks.add(rel, item.origin)
    problems.extend(checks.finish())
    problems.raise_if_any()
    return plan


def _labels_in(store: StoreView, ids: set[str]) -> dict[str, Label]:
    """One look-up of every id, sent in slices so no single query grows with the file."""
    ordered = sorted(ids)
    out: dict[str, Label] = {}
    for start in range(0, len(ordered), LOOKUP_SLICE):
        out.update(store.labels_of(ordered[start : start + LOOKUP_SLICE]))
    return out


def _scan(read: Read, problems: _Problems, origins: Origins) -> _Scan:
    scan = _Scan()
    for item in read():
        if isinstance(item, ReadProblem):
            problems.add(item.origin, item.field, item.message)
            continue
        packed = origins.pack(item.origin)
        try:
            row = item.model.model_validate(item.cells)
        except ValidationError as e:
            for loc, message in _from_pydantic(e):
                problems.add(item.origin, loc, message)
            scan.failed.add(packed)
            continue
        own = row.checks()
        for p in own:
            problems.add(item.origin, p.field, p.message)
        for node_id, label in row.declares():
            first = scan.declared_at.get(node_id)
            if first is not None:
                where = origins.unpack(first)
                problems.add(item.origin, "id", f"'{node_id}' is already defined at {where}")
                scan.failed.add(packed)
                continue
            scan.declared[node_id] = label
            scan.declared_at[node_id] = packed
        if own:
            scan.failed.add(packed)
        if isinstance(row, SourceRow) and row.modelling:
            scan.flagged.add(row.id)
        citation = row.citation()
        if citation is not None:
            scan.cited.add(citation[0])
        scan.referenced.update(ref.id for ref in row.references())
    return scan


def _resolved(
    row: Row, origin: Origin, labels: Labels, flagged: set[str], problems: _Problems
) -> bool:
    """Whether every reference of ``row`` names a node of an allowed kind, and its citation
    is allowed; reports each problem."""
    ok = True
    for ref in row.references():
        message = _unresolved(ref, labels)
        if message is not None:
            problems.add(origin, ref.field, message)
            ok = False
    citation = row.citation()
    if citation is not None and citation[0] in flagged and citation[1] is not Confidence.LOW:
        problems.add(
            origin,
            "confidence",
            f"'{citation[0]}' is supplygraph's own modelling: its rows have confidence low "
            f"(got '{citation[1].value}')",
        )
        ok = False
    return ok


def _unresolved(ref: Ref, labels: Labels) -> str | None:
    label = labels.get(ref.id)
    if label is None:
        return f"'{ref.id}' is not defined in the dataset or the store"
    if ref.labels and label not in ref.labels:
        kinds = " or ".join(lb.value for lb in ref.labels)
        return f"'{ref.id}' is a {label.value}, expected {kinds}"
    return None


def _from_pydantic(error: ValidationError) -> list[tuple[str, str]]:
    out = []
    for detail in error.errors(include_url=False):
        loc = ".".join(str(part) for part in detail["loc"]) or "row"
        given = detail.get("input")
        suffix = f" (got {given!r})" if isinstance(given, str) and loc != "row" else ""
        out.append((loc, f"{detail['msg']}{suffix}"))
    return out
