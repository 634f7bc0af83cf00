"""Load a dataset into a store: read, validate everything, then write in batches."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from graph.records import GraphVersion
from graph.stores.base import Store
from loaders.formats import dataset, neo4j_admin
from loaders.validate import Batch, validate
from loaders.writer import LoadSummary, Progress, write_batch

DEFAULT_BATCH_SIZE = 1000


def prepare(*, store: Store, path: str) -> Batch:
    """Read and validate; raises LoadError (listing every problem) before any write.

    A folder in the `neo4j-admin import` layout (as `supplygraph export` writes it) is read
    as a graph dump; anything else as the dataset format of docs/data-format.md.
    """
    if Path(path).exists() and neo4j_admin.is_admin_layout(Path(path)):
        return neo4j_admin.read_batch(path, existing=store.labels_of)
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
