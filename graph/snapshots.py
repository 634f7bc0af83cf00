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
from graph.records import GraphVersion
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

    def peek(self, version: GraphVersion) -> Snapshot | None:
        """The snapshot of ``version`` if it is built; no lock, no store call."""
        snapshot = self._snapshot
        return snapshot if snapshot is not None and snapshot.version == version else None

    def get(self, store: Store, *, version: GraphVersion | None = None) -> Snapshot:
        """The snapshot of ``version`` (default: the store's current one), built if needed;
        only a build takes the lock."""
        current = store.graph_version() if version is None else version
        found = self.peek(current)
        if found is not None:
            return found
        with self._lock:
            if self._snapshot is None or self._snapshot.version != current:
                self._snapshot = Snapshot(self._builder(store), current)
            return self._snapshot
