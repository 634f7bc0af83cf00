"""Write validated records to a store in batches: nodes first, then relationships."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from graph.errors import StoreError
from graph.model import NODES, RELATIONSHIPS, Label, RelType
from graph.records import NodeRecord, RelRecord, Value
from graph.stores.base import Store, WriteCounts
from loaders.validate import Batch

Progress = Callable[[int], None]
Phase = Callable[[str], None]
"""Told the name of each phase as it begins ("writing nodes", "writing relationships")."""


@dataclass
class LoadSummary:
    """Created, updated and unchanged counts per label and type."""

    nodes: dict[str, WriteCounts] = field(default_factory=dict)
    relationships: dict[str, WriteCounts] = field(default_factory=dict)

    @property
    def total(self) -> WriteCounts:
        counts = WriteCounts()
        for value in [*self.nodes.values(), *self.relationships.values()]:
            counts = counts + value
        return counts


def node_row(record: NodeRecord) -> dict[str, Value]:
    """Every declared property, absent ones as None, so a re-load replaces the whole node."""
    return {name: record.properties.get(name) for name in NODES[record.label].properties}


def relationship_row(record: RelRecord) -> dict[str, Value]:
    row: dict[str, Value] = {
        name: record.properties.get(name) for name in RELATIONSHIPS[record.type].properties
    }
    row.update(start=record.start, end=record.end, key=record.key)
    return row


def write_records(
    *,
    store: Store,
    nodes: Iterable[NodeRecord],
    relationships: Iterable[RelRecord],
    batch_size: int,
    progress: Progress | None = None,
    on_phase: Phase | None = None,
) -> LoadSummary:
    """Write every node, then every relationship, ``batch_size`` rows per store call.

    Raises StoreError if the store could not write a relationship (an end missing): the
    validation in front makes that impossible, so it means the store changed under the load.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    summary = LoadSummary()
    pending_nodes: dict[Label, list[NodeRecord]] = {}

    def flush_nodes(label: Label) -> None:
        chunk = pending_nodes.pop(label, [])
        if chunk:
            counts = store.upsert_nodes(label, [node_row(n) for n in chunk])
            summary.nodes[label.value] = summary.nodes.get(label.value, WriteCounts()) + counts
            if progress:
                progress(len(chunk))

    if on_phase:
        on_phase("writing nodes")
    for node in nodes:
        group = pending_nodes.setdefault(node.label, [])
        group.append(node)
        if len(group) >= batch_size:
            flush_nodes(node.label)
    for label in list(pending_nodes):
        flush_nodes(label)

    pending_rels: dict[tuple[RelType, Label, Label], list[RelRecord]] = {}

    def flush_rels(group_key: tuple[RelType, Label, Label]) -> None:
        chunk = pending_rels.pop(group_key, [])
        if not chunk:
            return
        rel_type, start, end = group_key
        counts = store.upsert_relationships(
            rel_type, start, end, [relationship_row(r) for r in chunk]
        )
        if counts.dropped:
            shown = ", ".join(counts.dropped[:5])
            more = f" and {len(counts.dropped) - 5} more" if len(counts.dropped) > 5 else ""
            raise StoreError(
                f"the store could not write {len(counts.dropped)} {rel_type.value} "
                f"relationship(s), an end node missing: {shown}{more}"
            )
        done = summary.relationships.get(rel_type.value, WriteCounts())
        summary.relationships[rel_type.value] = done + counts
        if progress:
            progress(len(chunk))

    if on_phase:
        on_phase("writing relationships")
    for rel in relationships:
        key = (rel.type, rel.start_label, rel.end_label)
        group_rels = pending_rels.setdefault(key, [])
        group_rels.append(rel)
        if len(group_rels) >= batch_size:
            flush_rels(key)
    for key in list(pending_rels):
        flush_rels(key)
    return summary


def write_batch(
    *,
    store: Store,
    batch: Batch,
    batch_size: int,
    progress: Progress | None = None,
    on_phase: Phase | None = None,
) -> LoadSummary:
    return write_records(
        store=store,
        nodes=batch.nodes,
        relationships=batch.relationships,
        batch_size=batch_size,
        progress=progress,
        on_phase=on_phase,
    )
