"""The path-enumeration Cypher baseline, kept only to measure the engine against it.

It answers the engine's "how much of each product depends on each country, per stage"
question by enumerating every bill-of-materials path from every product to every item the
country produces and summing the products of the shares along each path. That is the
wrong algorithm: the number of paths grows with the product of the fan-outs of every tier
(tens of millions at 1M edges), while the engine's propagation (graph/engine/propagation.py) is
linear in edges and answers every country at once. Do not use it for anything but this
comparison.

What it computes, exactly: for product p, stage s and country c,

    sum over paths p -[:CONTAINS|MADE_FROM*1..8]-> x, x.stage = s, (c)-[pr:PRODUCES]->(x)
        of  prod(r.share for r in the path) * pr.share

With one source and no company-level links at a stage, that is the engine's per-stage
share ``exposure[p, company + market, s, c]``. The synthetic graph (bench.generate) names
suppliers for components and magnet types only, so the two agree at the metal,
separation and mining stages; ``compare`` checks that to 1e-9. At the magnet and component
stages company-level links send part of the flow to named suppliers' sites, which the
baseline ignores, so there they differ by design.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import ladybug
import numpy as np
from neo4j import READ_ACCESS, GraphDatabase, Query
from neo4j.exceptions import Neo4jError

from graph.engine.network import Position
from graph.engine.propagation import STAGES
from graph.engine.snapshot import Snapshot
from graph.model import RelType, Stage
from loaders.validate import Batch

BASELINE_CYPHER = """
MATCH path = (p:Product)-[:CONTAINS|MADE_FROM*1..8]->(x)
MATCH (c:Country)-[pr:PRODUCES]->(x)
RETURN p.id AS product, c.id AS country, x.stage AS stage,
       sum(reduce(w = 1.0, r IN relationships(path) | w * r.share) * pr.share) AS share,
       count(*) AS paths
"""
"""WRONG ALGORITHM, kept only for comparison: enumerates every BOM path (Neo4j 5 Cypher)."""

_LADYBUG_ONE_LABEL = """
MATCH (p:Product)-[rs:CONTAINS|MADE_FROM*1..8]->(x:{label})
MATCH (c:Country)-[pr:PRODUCES]->(x)
RETURN p.id AS product, c.id AS country, x.stage AS stage,
       sum(list_reduce(properties(rels(rs), 'share'), (a, b) -> a * b) * pr.share) AS share,
       count(*) AS paths
"""

BASELINE_LADYBUG = "\nUNION ALL\n".join(
    _LADYBUG_ONE_LABEL.strip().format(label=label)
    for label in ("Material", "MagnetType", "Component")
)
"""WRONG ALGORITHM, kept only for comparison: the same enumeration in Ladybug's dialect.
Rewrites needed on Ladybug 0.22: no ``reduce`` (``list_reduce`` over
``properties(rels(rs), 'share')``), and one query per label of the end node joined with
UNION ALL (with an unlabelled end node, BASELINE_LADYBUG_UNLABELLED, it runs out of buffer
pool at 100k edges where the labelled union answers in ~3 s).

Memory: it needs a large buffer pool. With the store's default (LadybugStore.open,
``buffer_pool_mb=1024``) it fails at 100k and at 1M edges after ~5 s with "Buffer manager
exception: Unable to allocate memory! The buffer pool is full and no memory could be
freed!". bench.run therefore runs it on a read-only handle opened with
LADYBUG_BASELINE_POOL_MB (1M edges: ~41 s, peak RSS ~5 GB)."""

LADYBUG_BASELINE_POOL_MB = 12_288

BASELINE_LADYBUG_UNLABELLED = """
MATCH (p:Product)-[rs:CONTAINS|MADE_FROM*1..8]->(x)
MATCH (:Country {id: $country})-[pr:PRODUCES]->(x)
RETURN p.id AS product, x.stage AS stage,
       sum(list_reduce(properties(rels(rs), 'share'), (a, b) -> a * b) * pr.share) AS share,
       count(*) AS paths
"""
"""WRONG ALGORITHM, and fails on Ladybug 0.22 from 100k edges (see BASELINE_LADYBUG): kept
to reproduce that failure. Not run by bench.run."""

CHECK_STAGES: tuple[Stage, ...] = (Stage.METAL, Stage.SEPARATION, Stage.MINING)
TOLERANCE = 1e-9

Rows = list[tuple[str, str, str, float, int]]
"""(product, country, stage, share, paths): every country at once, the engine's question."""


@dataclass
class BaselineRun:
    store: str
    cap_s: float
    seconds: float | None = None
    capped: bool = False
    rows: Rows = field(default_factory=list)
    paths: int = 0
    error: str | None = None
    failed_after_s: float | None = None
    buffer_pool_mb: int | None = None

    def summary(self) -> dict[str, Any]:
        return {
            "store": self.store,
            "query": "BASELINE_CYPHER" if self.store == "neo4j" else "BASELINE_LADYBUG",
            "cap_s": self.cap_s,
            "seconds": self.seconds,
            "capped": self.capped,
            "lower_bound_s": self.cap_s if self.capped else None,
            "rows": len(self.rows),
            "paths": self.paths,
            "error": self.error,
            "failed_after_s": self.failed_after_s,
            "buffer_pool_mb": self.buffer_pool_mb,
        }


def _with_deadline(
    run: BaselineRun, work: Callable[[], Rows], on_overrun: Callable[[], None]
) -> BaselineRun:
    """Run ``work`` in a thread; the store enforces the cap, this is the backstop."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["rows"] = work()
        except Exception as e:  # noqa: BLE001 - reported, not raised
            box["error"] = e

    started = time.perf_counter()
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(run.cap_s + 30.0)
    elapsed = time.perf_counter() - started
    if thread.is_alive():
        on_overrun()
        thread.join(30.0)
        run.capped = True
        run.error = "no answer by the cap + 30 s; interrupted"
        return run
    error = box.get("error")
    if error is not None:
        text = str(error)
        timed_out = any(
            word in text for word in ("TransactionTimedOut", "timeout", "Interrupted", "terminated")
        )
        if timed_out or elapsed >= run.cap_s:
            run.capped = True
        else:
            run.error = f"{type(error).__name__}: {text[:500]}"
            run.failed_after_s = elapsed
        return run
    run.seconds = elapsed
    run.rows = box["rows"]
    run.paths = sum(r[4] for r in run.rows)
    return run


def run_neo4j(uri: str, user: str, password: str, cap_s: float) -> BaselineRun:
    run = BaselineRun("neo4j", cap_s)
    driver = GraphDatabase.driver(uri, auth=(user, password))

    def work() -> Rows:
        with driver.session(database="neo4j", default_access_mode=READ_ACCESS) as session:
            result = session.run(Query(BASELINE_CYPHER, timeout=cap_s))
            return [
                (r["product"], r["country"], r["stage"], float(r["share"] or 0.0), int(r["paths"]))
                for r in result
            ]

    try:
        return _with_deadline(run, work, lambda: None)
    except Neo4jError as e:
        run.error = str(e)
        return run
    finally:
        driver.close()


def run_ladybug(database: ladybug.Database, cap_s: float) -> BaselineRun:
    run = BaselineRun("embedded", cap_s)
    conn = ladybug.Connection(database)
    conn.set_query_timeout(int(cap_s * 1000))

    def work() -> Rows:
        result = conn.execute(BASELINE_LADYBUG)
        if isinstance(result, list):
            raise RuntimeError("one statement expected")
        rows: Rows = []
        try:
            while result.has_next():
                product, country, stage, share, paths = result.get_next()
                rows.append(
                    (str(product), str(country), str(stage), float(share or 0.0), int(paths))
                )
        finally:
            result.close()
        return rows

    try:
        return _with_deadline(run, work, conn.interrupt)
    finally:
        conn.close()


def compare(run: BaselineRun, snapshot: Snapshot, country: str) -> dict[str, Any]:
    """The baseline's per-product, per-stage share against the engine's, at every stage;
    ``ok`` when the CHECK_STAGES agree to TOLERANCE for every product."""
    cypher: dict[tuple[str, str], float] = {
        (p, s): share for p, c_id, s, share, _ in run.rows if c_id == country
    }
    c = snapshot.propagation.country_index(country)
    per_stage: dict[str, dict[str, float | int]] = {}
    worst = 0.0
    for s, stage in enumerate(STAGES):
        diffs = []
        for product in snapshot.products:
            row = snapshot.network.index[Position(product)]
            engine = (
                float(snapshot.propagation.exposure[row, :, s, c].sum()) if c is not None else 0
            )
            diffs.append(abs(cypher.get((product, stage.value), 0.0) - engine))
        arr = np.array(diffs)
        per_stage[stage.value] = {
            "max_abs_diff": float(arr.max()) if arr.size else 0.0,
            "products_differing_1e-9": int((arr > TOLERANCE).sum()),
        }
        if stage in CHECK_STAGES:
            worst = max(worst, per_stage[stage.value]["max_abs_diff"])
    return {
        "country": country,
        "products": len(snapshot.products),
        "checked_stages": [st.value for st in CHECK_STAGES],
        "tolerance": TOLERANCE,
        "max_abs_diff_checked": worst,
        "ok": worst <= TOLERANCE,
        "per_stage": per_stage,
        "note": "magnet/component stages differ by design: company-level SOURCES_FROM links "
        "divert part of the flow to named suppliers' sites, which the baseline ignores",
    }


def count_paths(batch: Batch, country: str) -> dict[str, int]:
    """How many rows the baseline enumerates: BOM paths from products (length >= 1), and
    those ending at an item ``country`` produces, by dynamic programming on the DAG."""
    bom: dict[str, list[str]] = defaultdict(list)
    produced: set[str] = set()
    for rel in batch.relationships:
        if rel.type in (RelType.CONTAINS, RelType.MADE_FROM):
            bom[rel.start].append(rel.end)
        elif rel.type is RelType.PRODUCES and rel.start == country:
            produced.add(rel.end)
    memo: dict[str, tuple[int, int]] = {}

    def below(item: str) -> tuple[int, int]:
        """(paths starting at item incl. the empty one, of those ending at produced)."""
        found = memo.get(item)
        if found is not None:
            return found
        total, hits = 1, int(item in produced)
        for child in bom.get(item, []):
            t, h = below(child)
            total += t
            hits += h
        memo[item] = (total, hits)
        return memo[item]

    products = [n.id for n in batch.nodes if n.label.value == "Product"]
    all_paths = country_paths = 0
    for product in products:
        for child in bom.get(product, []):
            t, h = below(child)
            all_paths += t
            country_paths += h
    return {"bom_paths": all_paths, "country_paths": country_paths}
