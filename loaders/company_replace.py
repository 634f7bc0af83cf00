"""What a company re-import replaces: the change it makes to its own source's facts, the
store as validation sees it (without those facts), and the nodes it leaves behind."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from graph.errors import LoadError, Problem
from graph.model import Label, RelType
from graph.records import GraphVersion, NodeRef, RelRef
from graph.stores.base import Store
from loaders.raw import RawRow, ReadProblem
from loaders.validate import Batch, validate
from loaders.writer import LoadSummary, write_batch


@dataclass
class Change:
    """What an import changes in the owner's facts."""

    suppliers_added: list[str] = field(default_factory=list)
    suppliers_dropped: list[str] = field(default_factory=list)
    shares_changed: list[tuple[str, float | None, float | None]] = field(default_factory=list)
    """(fact, old share, new share)."""
    facts_added: int = 0
    facts_dropped: int = 0
    facts_kept: int = 0

    def lines(self) -> list[str]:
        out = [f"supplier added: {s}" for s in self.suppliers_added]
        out += [f"supplier dropped: {s}" for s in self.suppliers_dropped]
        out += [f"share changed: {k}: {a} -> {b}" for k, a, b in self.shares_changed]
        out.append(
            f"facts: {self.facts_added} added, {self.facts_dropped} dropped, "
            f"{self.facts_kept} restated"
        )
        return out


def cites(rel: RelRef, source: str) -> bool:
    return rel.properties.get("source") == source


class WithoutSource:
    """The store as validation should see it: without the facts the import replaces, so a
    share moved from a dropped supplier to a new one is not counted twice."""

    def __init__(self, store: Store, source: str) -> None:
        self._store = store
        self._source = source

    def labels_of(self, ids: Collection[str]) -> dict[str, Label]:
        return self._store.labels_of(ids)

    def nodes(self, label: Label, ids: Collection[str]) -> list[NodeRef]:
        return self._store.nodes(label, ids)

    def extract_relationships(
        self, types: Collection[RelType], *, properties: Collection[str] | None = None
    ) -> Iterator[RelRef]:
        wanted = None if properties is None else {*properties, "source"}
        for rel in self._store.extract_relationships(types, properties=wanted):
            if not cites(rel, self._source):
                yield rel


def change_of(previous: list[RelRef], batch: Batch) -> Change:
    old = {str(r.properties["key"]): r for r in previous}
    new = {r.key: r for r in batch.relationships}
    change = Change()
    change.facts_added = len(new.keys() - old.keys())
    change.facts_dropped = len(old.keys() - new.keys())
    change.facts_kept = len(new.keys() & old.keys())

    def suppliers(ends: Iterable[tuple[RelType, str]]) -> set[str]:
        return {end for t, end in ends if t is RelType.SOURCES_FROM}

    was = suppliers((r.type, r.end) for r in previous)
    now = suppliers((r.type, r.end) for r in batch.relationships)
    change.suppliers_added = sorted(now - was)
    change.suppliers_dropped = sorted(was - now)
    for key in sorted(new.keys() & old.keys()):
        a, b = old[key].properties.get("share"), new[key].properties.get("share")
        if a != b:
            change.shares_changed.append((key, _num(a), _num(b)))
    return change


def _num(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def drop_orphans(store: Store, *, source: str, batch: Batch) -> int:
    """Nodes an earlier import of this source created that the workbook no longer names and
    no other source's fact touches."""
    kept = {n.id for n in batch.nodes}
    labels = (Label.COMPANY, Label.FACILITY, Label.COMPONENT, Label.PRODUCT, Label.END_USE)
    candidates = {
        n.id: n.label
        for n in store.extract_nodes(labels)
        if n.properties.get("source") == source and n.id not in kept
    }
    if not candidates:
        return 0
    touched = {
        end
        for r in store.extract_relationships(list(RelType), properties=("source",))
        if not cites(r, source)
        for end in (r.start, r.end)
    }
    gone = 0
    for node_id, label in candidates.items():
        if node_id not in touched:
            gone += store.delete_nodes(label, [node_id])
    return gone


@dataclass
class Replaced:
    change: Change
    summary: LoadSummary | None = None
    version: GraphVersion | None = None
    deleted: int = 0


def replace_source(
    store: Store,
    *,
    source: str,
    rows: list[RawRow | ReadProblem],
    refused: Callable[[Iterable[Problem]], LoadError],
    dry_run: bool,
    batch_size: int,
) -> Replaced:
    """Validate ``rows`` against the store without ``source``'s facts, show the change, and
    (unless ``dry_run``) replace that source's facts and nodes with them, bumping the graph
    version. The company workbook and the AMRT imports share it."""
    view = WithoutSource(store, source)
    try:
        plan = validate(lambda: rows, store=view)
    except LoadError as e:
        raise refused(e.problems) from e
    batch = plan.batch()
    previous = [r for r in store.extract_relationships(list(RelType)) if cites(r, source)]
    result = Replaced(change_of(previous, batch))
    if dry_run:
        return result
    keep = {r.key for r in batch.relationships}
    dropped: dict[RelType, list[str]] = {}
    for rel in previous:
        if rel.properties["key"] not in keep:
            dropped.setdefault(rel.type, []).append(str(rel.properties["key"]))
    for rel_type, keys in dropped.items():
        result.deleted += store.delete_relationships(rel_type, keys)
    result.summary = write_batch(store=store, batch=batch, batch_size=batch_size)
    result.deleted += drop_orphans(store, source=source, batch=batch)
    result.version = store.bump_version(datetime.now(UTC).isoformat(timespec="seconds"))
    return result
