"""Timed loading for the benchmark: ``write_batch`` with per-group timings, a step cap, and a
bench-only fallback that finishes a capped Neo4j load so later steps can still run.

``write_batch`` (the real loader) is what is measured. A ``_Timing`` proxy records every
``upsert_nodes`` / ``upsert_relationships`` call it makes (rows, seconds, slowest call) per
label and per (type, start label, end label), which is how a slow group shows up. When the
load passes the step cap, the rows not yet written are those after the first ``written``
rows of each group (write_batch writes each group's records in batch order); on Neo4j the
fallback writes them with ``CREATE`` instead of ``MERGE`` (valid only into a store that was
empty, which the benchmark guarantees), and the case is flagged.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from neo4j import Driver

from graph.model import RELATIONSHIPS, Label, RelType
from graph.records import NodeRecord, RelRecord, Value
from graph.stores.base import Store, WriteCounts
from loaders.validate import Batch
from loaders.writer import node_row, relationship_row, write_batch


class StepCapped(Exception):
    """A step ran past the step cap."""


@dataclass
class GroupTimes:
    rows: int = 0
    calls: int = 0
    seconds: float = 0.0
    slowest_call_s: float = 0.0

    def add(self, rows: int, seconds: float) -> None:
        self.rows += rows
        self.calls += 1
        self.seconds += seconds
        self.slowest_call_s = max(self.slowest_call_s, seconds)

    def summary(self) -> dict[str, float | int]:
        return {
            "rows": self.rows,
            "calls": self.calls,
            "seconds": round(self.seconds, 3),
            "rows_per_s": round(self.rows / self.seconds, 1) if self.seconds > 0 else 0.0,
            "slowest_call_s": round(self.slowest_call_s, 3),
        }


@dataclass
class _Timing:
    """Forwards the two write methods of a store, timing each call per group."""

    store: Store
    nodes: dict[str, GroupTimes] = field(default_factory=lambda: defaultdict(GroupTimes))
    rels: dict[str, GroupTimes] = field(default_factory=lambda: defaultdict(GroupTimes))

    def upsert_nodes(self, label: Label, rows: Sequence[Mapping[str, Value]]) -> WriteCounts:
        started = time.perf_counter()
        counts = self.store.upsert_nodes(label, rows)
        self.nodes[label.value].add(len(rows), time.perf_counter() - started)
        return counts

    def upsert_relationships(
        self,
        rel: RelType,
        start_label: Label,
        end_label: Label,
        rows: Sequence[Mapping[str, Value]],
    ) -> WriteCounts:
        started = time.perf_counter()
        counts = self.store.upsert_relationships(rel, start_label, end_label, rows)
        key = _rel_group(rel, start_label, end_label)
        self.rels[key].add(len(rows), time.perf_counter() - started)
        return counts

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


def _rel_group(rel: RelType, start: Label, end: Label) -> str:
    return f"{start.value}-{rel.value}->{end.value}"


def load(store: Store, batch: Batch, *, batch_size: int, step_cap: float) -> dict[str, Any]:
    """Load ``batch`` with write_batch, stopping after ``step_cap`` seconds; return timings.
    A capped load leaves the store partly written (see ``finish_with_create``)."""
    timing = _Timing(store)
    total_nodes = len(batch.nodes)
    state = {"done": 0, "nodes_at": -1.0}
    started = time.perf_counter()

    def progress(n: int) -> None:
        state["done"] += n
        now = time.perf_counter()
        if state["nodes_at"] < 0 and state["done"] >= total_nodes:
            state["nodes_at"] = now
        if now - started > step_cap:
            raise StepCapped(f"write_batch passed the step cap of {step_cap:.0f} s")

    out: dict[str, Any] = {"batch_size": batch_size, "capped": False}
    try:
        write_batch(
            store=cast(Store, timing), batch=batch, batch_size=batch_size, progress=progress
        )
    except StepCapped as e:
        out["capped"] = True
        out["reason"] = str(e)
    finished = time.perf_counter()
    nodes_at = state["nodes_at"] if state["nodes_at"] >= 0 else finished
    nodes_done = min(state["done"], total_nodes)
    rels_done = max(0, state["done"] - total_nodes)
    out.update(
        nodes=nodes_done,
        relationships=rels_done,
        nodes_s=nodes_at - started,
        relationships_s=finished - nodes_at,
        total_s=finished - started,
        nodes_per_s=nodes_done / max(nodes_at - started, 1e-9),
        relationships_per_s=rels_done / max(finished - nodes_at, 1e-9),
        by_label={k: v.summary() for k, v in timing.nodes.items()},
        by_group={
            k: v.summary() for k, v in sorted(timing.rels.items(), key=lambda kv: -kv[1].seconds)
        },
        _written_nodes={k: v.rows for k, v in timing.nodes.items()},
        _written_rels={k: v.rows for k, v in timing.rels.items()},
    )
    if not out["capped"]:
        store.bump_version(datetime.now(UTC).isoformat(timespec="seconds"))
    return out


def create_relationships(rel: RelType, start: Label, end: Label) -> str:
    """Bench-only: CREATE instead of MERGE (no existence check), otherwise the store's
    upsert statement (graph/neo4j_queries.upsert_relationships)."""
    props = [p for p in RELATIONSHIPS[rel].properties if p != "key"]
    sets = ", ".join(f"r.`{p}` = row.`{p}`" for p in props)
    return (
        "UNWIND $rows AS row "
        f"MATCH (a:`{start.value}` {{id: row.start}}) "
        f"MATCH (b:`{end.value}` {{id: row.end}}) "
        f"CREATE (a)-[r:`{rel.value}` {{key: row.key}}]->(b)" + (f" SET {sets}" if sets else "")
    )


def finish_with_create(
    store: Store, batch: Batch, loaded: dict[str, Any], *, driver: Driver
) -> dict[str, Any]:
    """Write what a capped load left out: nodes with the store's upsert, relationships with
    a bench-only CREATE statement sent through the bench's own ``driver`` (the store's
    public API has no CREATE, on purpose). Returns its own timings."""
    written_nodes: dict[str, int] = loaded["_written_nodes"]
    written_rels: dict[str, int] = loaded["_written_rels"]
    nodes: dict[Label, list[NodeRecord]] = defaultdict(list)
    for node in batch.nodes:
        nodes[node.label].append(node)
    rels: dict[tuple[RelType, Label, Label], list[RelRecord]] = defaultdict(list)
    for r in batch.relationships:
        rels[(r.type, r.start_label, r.end_label)].append(r)
    size = loaded["batch_size"]
    started = time.perf_counter()
    node_count = rel_count = 0
    for label, records in nodes.items():
        rest = records[written_nodes.get(label.value, 0) :]
        for i in range(0, len(rest), size):
            store.upsert_nodes(label, [node_row(n) for n in rest[i : i + size]])
        node_count += len(rest)
    nodes_done = time.perf_counter()
    groups: dict[str, GroupTimes] = defaultdict(GroupTimes)
    for (rel, start, end), rel_records in rels.items():
        group = _rel_group(rel, start, end)
        pending = rel_records[written_rels.get(group, 0) :]
        query = create_relationships(rel, start, end)
        for i in range(0, len(pending), size):
            chunk = [relationship_row(r) for r in pending[i : i + size]]
            call = time.perf_counter()
            driver.execute_query(query, {"rows": chunk}, database_="neo4j")
            groups[group].add(len(chunk), time.perf_counter() - call)
        rel_count += len(pending)
    finished = time.perf_counter()
    store.bump_version(datetime.now(UTC).isoformat(timespec="seconds"))
    return {
        "method": "nodes: store.upsert_nodes (MERGE); relationships: bench CREATE statement",
        "nodes": node_count,
        "relationships": rel_count,
        "nodes_s": nodes_done - started,
        "relationships_s": finished - nodes_done,
        "relationships_per_s": rel_count / max(finished - nodes_done, 1e-9),
        "by_group": {
            k: v.summary() for k, v in sorted(groups.items(), key=lambda kv: -kv[1].seconds)
        },
    }


def clear_neo4j(store: Store) -> dict[str, Any]:
    """``store.clear()`` (relationships first, in batches), timed."""
    started = time.perf_counter()
    store.clear()
    return {"clear_s": time.perf_counter() - started}
