"""Write validated records to a store in batches: nodes first, then relationships."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import islice
from typing import TypeVar

from graph.model import NODES, RELATIONSHIPS, Label, RelType
from graph.records import NodeRecord, RelRecord, Value
from graph.stores.base import Store, WriteCounts
from loaders.validate import Batch

Progress = Callable[[int], None]
T = TypeVar("T")


@dataclass
class LoadSummary:
    """Created and matched (already present, properties re-set) counts per label and type."""

    nodes: dict[str, WriteCounts] = field(default_factory=dict)
    relationships: dict[str, WriteCounts] = field(default_factory=dict)

    @property
    def total(self) -> WriteCounts:
        counts = WriteCounts()
        for value in [*self.nodes.values(), *self.relationships.values()]:
            counts = counts + value
        return counts


def _chunks(items: list[T], size: int) -> Iterable[list[T]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def node_row(record: NodeRecord) -> dict[str, Value]:
    """Every declared property, absent ones as None, so a re-load replaces the whole node."""
    return {name: record.properties.get(name) for name in NODES[record.label].properties}


def relationship_row(record: RelRecord) -> dict[str, Value]:
    row: dict[str, Value] = {
        name: record.properties.get(name) for name in RELATIONSHIPS[record.type].properties
    }
    row.update(start=record.start, end=record.end, key=record.key)
    return row


def write_batch(
    *, store: Store, batch: Batch, batch_size: int, progress: Progress | None = None
) -> LoadSummary:
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    summary = LoadSummary()
    by_label: dict[Label, list[NodeRecord]] = defaultdict(list)
    for node in batch.nodes:
        by_label[node.label].append(node)
    for label, nodes in by_label.items():
        counts = WriteCounts()
        for node_chunk in _chunks(nodes, batch_size):
            counts = counts + store.upsert_nodes(label, [node_row(n) for n in node_chunk])
            if progress:
                progress(len(node_chunk))
        summary.nodes[label.value] = counts

    by_type: dict[tuple[RelType, Label, Label], list[RelRecord]] = defaultdict(list)
    for rel in batch.relationships:
        by_type[(rel.type, rel.start_label, rel.end_label)].append(rel)
    for (rel_type, start, end), rels in by_type.items():
        counts = WriteCounts()
        for chunk in _chunks(rels, batch_size):
            rows = [relationship_row(r) for r in chunk]
            counts = counts + store.upsert_relationships(rel_type, start, end, rows)
            if progress:
                progress(len(chunk))
        summary.relationships[rel_type.value] = (
            summary.relationships.get(rel_type.value, WriteCounts()) + counts
        )
    return summary
