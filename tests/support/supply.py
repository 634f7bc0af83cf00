"""Supply data straight from dataset files, with no store: what the engine would see.

The files go through the real reader and validator (with nothing already in a store), and
the records are cut down the way a store's extraction cuts them: only the labels,
relationship types and relationship properties the engine reads, and no empty values.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from graph.engine.facts import (
    ANALYSIS_LABELS,
    ANALYSIS_PROPERTIES,
    ANALYSIS_RELATIONSHIPS,
    SupplyData,
    build_supply,
)
from graph.model import Label
from graph.records import NodeRef, RelRef
from loaders.formats import dataset
from loaders.validate import validate


def _nothing_stored(ids: Collection[str]) -> dict[str, Label]:
    return {}


def supply_from_dataset(path: Path | str) -> SupplyData:
    batch = validate(dataset.read(str(path)), existing=_nothing_stored)
    labels = frozenset(ANALYSIS_LABELS)
    types = frozenset(ANALYSIS_RELATIONSHIPS)
    nodes = [
        NodeRef(n.label, n.id, {k: v for k, v in n.properties.items() if v is not None})
        for n in batch.nodes
        if n.label in labels
    ]
    rels = [
        RelRef(
            r.type,
            r.start,
            r.end,
            {k: v for k, v in r.properties.items() if k in ANALYSIS_PROPERTIES and v is not None},
        )
        for r in batch.relationships
        if r.type in types
    ]
    return build_supply(nodes, rels)
