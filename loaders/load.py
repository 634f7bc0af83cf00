"""Load a dataset into a store: read, validate everything, then write in batches."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from graph.records import GraphVersion
from graph.stores.base import Store
from loaders.formats import dataset, neo4j_admin
from loaders.validate import Batch, Plan, validate
from loaders.writer import LoadSummary, Progress, write_batch, write_records

DEFAULT_BATCH_SIZE = 1000


def _is_admin_dump(path: str) -> bool:
    folder = Path(path)
    return (folder.is_dir() or folder.is_file()) and neo4j_admin.is_admin_layout(folder)


def plan(*, store: Store, path: str) -> Plan:
    """Validate a dataset folder (or one CSV file) against itself and ``store``, streaming;
    raises LoadError listing every problem before any write."""
    return validate(lambda: dataset.read(path), store=store)


def prepare(*, store: Store, path: str) -> Batch:
    """Read and validate into memory; raises LoadError (listing every problem) before any write.

    A folder in the `neo4j-admin import` layout (as `supplygraph export` writes it) is read
    as a graph dump; anything else as the dataset format of docs/data-format.md.
    """
    if _is_admin_dump(path):
        return neo4j_admin.read_batch(path, existing=store.labels_of)
    return plan(store=store, path=path).batch()


def load(
    *,
    store: Store,
    path: str,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_start: Callable[[int], None] | None = None,
    progress: Progress | None = None,
) -> tuple[LoadSummary, GraphVersion]:
    if _is_admin_dump(path):
        batch = neo4j_admin.read_batch(path, existing=store.labels_of)
        if on_start:
            on_start(len(batch.nodes) + len(batch.relationships))
        store.ensure_schema()
        summary = write_batch(store=store, batch=batch, batch_size=batch_size, progress=progress)
    else:
        checked = plan(store=store, path=path)
        if on_start:
            on_start(checked.nodes + checked.relationships)
        store.ensure_schema()
        summary = write_records(
            store=store,
            nodes=checked.node_records(),
            relationships=checked.relationship_records(),
            batch_size=batch_size,
            progress=progress,
        )
    version = store.bump_version(datetime.now(UTC).isoformat(timespec="seconds"))
    return summary, version
