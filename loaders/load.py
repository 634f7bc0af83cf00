"""Load a dataset into a store: read, validate everything, then write in batches."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from graph.store import GraphVersion, Store
from loaders.readers import dataset
from loaders.validate import Batch, validate
from loaders.writer import LoadSummary, Progress, write_batch

DEFAULT_BATCH_SIZE = 1000


def prepare(*, store: Store, path: str) -> Batch:
    """Read and validate; raises LoadError (listing every problem) before any write."""
    return validate(dataset.read(path), existing=store.labels_of)


def load(
    *,
    store: Store,
    path: str,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_start: Callable[[int], None] | None = None,
    progress: Progress | None = None,
) -> tuple[LoadSummary, GraphVersion]:
    batch = prepare(store=store, path=path)
    if on_start:
        on_start(len(batch.nodes) + len(batch.relationships))
    store.ensure_schema()
    summary = write_batch(store=store, batch=batch, batch_size=batch_size, progress=progress)
    version = store.bump_version(datetime.now(UTC).isoformat(timespec="seconds"))
    return summary, version
