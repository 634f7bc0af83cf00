"""The path-enumeration baseline, measured: run it under a cap and check it against the
engine.

The statements and the connection that runs them are graph/stores/path_baseline.py (the
wrong algorithm, kept only for this comparison; its docstring says why). What it computes,
exactly: for product p, stage s and country c,

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

import numpy as np
from neo4j.exceptions import Neo4jError

from graph.engine.network import Position
from graph.engine.propagation import STAGES
from graph.engine.snapshot import Snapshot
from graph.model import RelType, Stage
from graph.stores import path_baseline
from graph.stores.path_baseline import Rows
from loaders.validate import Batch
from tests.support.neo4j_server import Neo4jServer

LADYBUG_BASELINE_POOL_MB = 12_288
"""The read-only handle's buffer pool (path_baseline.LadybugBaseline says why)."""

CHECK_STAGES: tuple[Stage, ...] = (Stage.METAL, Stage.SEPARATION, Stage.MINING)
TOLERANCE = 1e-9


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
            "query": f"{'neo4j' if self.store == 'neo4j' else 'ladybug'}_queries.PATH_BASELINE",
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


def run_neo4j(server: Neo4jServer, cap_s: float) -> BaselineRun:
    run = BaselineRun("neo4j", cap_s)

    def work() -> Rows:
        return path_baseline.run_neo4j(
            uri=server.uri, user=server.user, password=server.password, timeout_s=cap_s
        )

    try:
        return _with_deadline(run, work, lambda: None)
    except Neo4jError as e:
        run.error = str(e)
        return run


def run_ladybug(path: str, cap_s: float) -> BaselineRun:
    """On a read-only handle of the store file at ``path`` (the store must be closed)."""
    run = BaselineRun("embedded", cap_s, buffer_pool_mb=LADYBUG_BASELINE_POOL_MB)
    reader = path_baseline.LadybugBaseline(path, buffer_pool_mb=LADYBUG_BASELINE_POOL_MB)
    try:
        return _with_deadline(run, lambda: reader.run(timeout_s=cap_s), reader.interrupt)
    finally:
        reader.close()


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
