"""The one bridge from a store to the engine: extract the supply facts, solve a snapshot,
and keep it for as long as the graph version stands.

Nothing in graph/engine imports a store; this module is where the two meet.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from graph.engine.facts import (
    ANALYSIS_LABELS,
    ANALYSIS_PROPERTIES,
    ANALYSIS_RELATIONSHIPS,
    SupplyData,
    build_supply,
)
from graph.engine.snapshot import Snapshot
from graph.stores.base import Store


def extract(store: Store) -> SupplyData:
    return build_supply(
        store.extract_nodes(ANALYSIS_LABELS),
        store.extract_relationships(ANALYSIS_RELATIONSHIPS, properties=ANALYSIS_PROPERTIES),
    )


class SnapshotCache:
    """One solved snapshot per graph version; rebuilt when a load bumps the version."""

    def __init__(self, builder: Callable[[Store], SupplyData] = extract) -> None:
        self._builder = builder
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()

    def get(self, store: Store) -> Snapshot:
        version = store.graph_version()
        with self._lock:
            if self._snapshot is None or self._snapshot.version != version:
                self._snapshot = Snapshot(self._builder(store), version)
            return self._snapshot
