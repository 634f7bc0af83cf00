"""What every resolver receives: the store, the snapshot cache, the page-size limit and
the clock (the engine reads none: a question that depends on the date is given it here),
the graph version the process knows (graph.versions), the answers memoised for the current
snapshot (schema/caching.py), and one request's DataLoaders.

The lifespan builds one Context; ``for_request`` gives each request its own loaders."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

import anyio.lowlevel
import anyio.to_thread
from strawberry.types import Info as StrawberryInfo

from graph.engine.snapshot import Snapshot
from graph.records import GraphVersion
from graph.snapshots import SnapshotCache
from graph.stores.base import Store
from graph.versions import VersionTracker
from schema.batching import Loaders
from schema.caching import AnswerMemo

T = TypeVar("T")


@dataclass
class Context:
    store: Store
    snapshots: SnapshotCache
    max_page_size: int = 500
    today: Callable[[], date] = date.today
    versions: VersionTracker | None = None
    """None: ask the store for the version on every request (the CLI's one-off queries)."""
    answers: AnswerMemo = field(default_factory=lambda: AnswerMemo(size=1024))
    """Shared by every request (``for_request`` copies the reference)."""
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.store)

    def for_request(self) -> Context:
        """A copy sharing everything but the DataLoaders, which are one request's."""
        return dataclasses.replace(self)

    def note_write(self, version: GraphVersion) -> None:
        """This process wrote the graph (a load through the server): serve ``version`` from
        the next request on, without waiting for the re-check."""
        if self.versions is not None:
            self.versions.note_write(version)

    async def call(self, fn: Callable[[Store], T]) -> T:
        """Run a blocking store call off the event loop."""
        return await anyio.to_thread.run_sync(fn, self.store)

    async def graph_version(self) -> GraphVersion:
        tracker = self.versions
        if tracker is None:
            return await self.call(lambda s: s.graph_version())
        known = tracker.known
        if known is None or tracker.claim_check():
            return await anyio.to_thread.run_sync(tracker.refresh)
        return known

    async def snapshot(self) -> Snapshot:
        if self.versions is None:
            return await anyio.to_thread.run_sync(self.snapshots.get, self.store)
        version = await self.graph_version()
        built = self.snapshots.peek(version)
        if built is not None:
            # A checkpoint even when nothing waits: a spent time budget or a client gone
            # cancels the request here, before the engine runs.
            await anyio.lowlevel.checkpoint()
            return built
        return await anyio.to_thread.run_sync(
            lambda: self.snapshots.get(self.store, version=version)
        )

    async def answer(self, key: tuple[Any, ...], compute: Callable[[Snapshot], T]) -> T:
        """``compute`` on the current snapshot, memoised by ``key`` for that snapshot."""
        snapshot = await self.snapshot()
        return self.answers.get(snapshot, key, lambda: compute(snapshot))


Info = StrawberryInfo[Context, None]
