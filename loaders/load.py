"""Load a dataset into a store: read, validate everything, then write it all in one
transaction, in batches."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

from graph.records import GraphVersion, NodeRecord, RelRecord
from graph.stores.base import Store
from loaders.formats import dataset, neo4j_admin
from loaders.validate import Batch, Plan, validate
from loaders.writer import LoadSummary, Phase, Progress, write_records

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
    on_phase: Phase | None = None,
) -> tuple[LoadSummary, GraphVersion]:
    """Validate, then write all or nothing as readers see it.

    A load record is committed first (store.begin_load); every write and the version bump,
    which deletes the record, are one transaction. Readers meanwhile see the previous
    version; if the process dies, the store still holds that version, its graph_version()
    names the incomplete load, and the next load of the same data completes it.
    """

    def phase(name: str) -> None:
        if on_phase:
            on_phase(name)

    phase("validating")
    if _is_admin_dump(path):
        batch = neo4j_admin.read_batch(path, existing=store.labels_of)
        total = len(batch.nodes) + len(batch.relationships)
        nodes: Iterable[NodeRecord] = batch.nodes
        relationships: Iterable[RelRecord] = batch.relationships
    else:
        checked = plan(store=store, path=path)
        total = checked.nodes + checked.relationships
        nodes, relationships = checked.node_records(), checked.relationship_records()
    if on_start:
        on_start(total)
    phase("schema set-up")
    store.ensure_schema()
    store.begin_load(_now())
    with store.transaction():
        summary = write_records(
            store=store,
            nodes=nodes,
            relationships=relationships,
            batch_size=batch_size,
            progress=progress,
            on_phase=on_phase,
        )
        phase("committing")
        version = store.bump_version(_now())
    return summary, version


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
