"""What every resolver receives: the store, the snapshot cache, the page-size limit and
the clock (the engine reads none: a question that depends on the date is given it here)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

import anyio.to_thread
from strawberry.types import Info as StrawberryInfo

from graph.engine.snapshot import Snapshot
from graph.snapshots import SnapshotCache
from graph.stores.base import Store

T = TypeVar("T")


@dataclass
class Context:
    store: Store
    snapshots: SnapshotCache
    max_page_size: int = 500
    today: Callable[[], date] = date.today

    async def call(self, fn: Callable[[Store], T]) -> T:
        """Run a blocking store call off the event loop."""
        return await anyio.to_thread.run_sync(fn, self.store)

    async def snapshot(self) -> Snapshot:
        return await anyio.to_thread.run_sync(self.snapshots.get, self.store)


Info = StrawberryInfo[Context, None]
