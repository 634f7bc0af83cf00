"""One benchmark case: generate a graph of one size, load it into one store, extract it,
build the snapshot step by step, time the engine's answers, run the baseline.

Each step is a public call timed on its own: ``graph.snapshots.extract``; the store's
``extract_nodes`` / ``extract_relationships`` then ``build_supply``; ``build_network`` then
``propagate`` (the cold solve); then ``Snapshot(data, version)`` whole. Nothing is patched.
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from neo4j import GraphDatabase

from bench import baseline
from bench.generate import Shape, check, generate, parse_size
from bench.loading import clear_neo4j, finish_with_create, load
from bench.machine import git_state
from graph.engine.facts import (
    ANALYSIS_LABELS,
    ANALYSIS_PROPERTIES,
    ANALYSIS_RELATIONSHIPS,
    build_supply,
)
from graph.engine.network import build_network
from graph.engine.propagation import propagate
from graph.engine.snapshot import Snapshot
from graph.snapshots import extract
from graph.stores.base import Store
from graph.stores.ladybug_store import LadybugStore
from tests.support.neo4j_server import Neo4jServer

BATCH_SIZE = 10_000
COUNTRY = "CN"


@dataclass(frozen=True)
class CaseOptions:
    baseline_cap: float
    step_cap: float
    seed: int
    samples: int
    matrix_dir: Path


def log(message: str) -> None:
    sys.stderr.write(f"[bench {datetime.now(UTC).strftime('%H:%M:%S')}] {message}\n")
    sys.stderr.flush()


def _now() -> float:
    return time.perf_counter()


def _pct(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=np.float64), q))


def _stats_ms(values: Sequence[float]) -> dict[str, float | int]:
    ms = [v * 1000.0 for v in values]
    return {
        "n": len(ms),
        "p50_ms": _pct(ms, 50),
        "p99_ms": _pct(ms, 99),
        "mean_ms": float(np.mean(ms)),
        "max_ms": float(np.max(ms)),
    }


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def server_from_env() -> Neo4jServer:
    """The server the parent handed this case (NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD)."""
    return Neo4jServer(
        os.environ["NEO4J_URI"], os.environ.get("NEO4J_USER", "neo4j"), os.environ["NEO4J_PASSWORD"]
    )


def _open_store(kind: str, file: Path) -> tuple[Store, dict[str, Any]]:
    times: dict[str, Any] = {}
    store: Store
    if kind == "neo4j":
        store = server_from_env().open()
        times.update(clear_neo4j(store))
    else:
        store = LadybugStore.open(str(file))
    started = _now()
    store.ensure_schema()
    times["ensure_schema_s"] = _now() - started
    return store, times


def run_case(size: str, kind: str, options: CaseOptions) -> dict[str, Any]:
    case: dict[str, Any] = {
        "size": size,
        "store": kind,
        "git": git_state(),  # per case: other engineers commit while a run goes on
        "loadavg_start": os.getloadavg(),
    }
    started = _now()
    shape = Shape(edges=parse_size(size), seed=options.seed)
    batch = generate(shape)
    case["generate_s"] = _now() - started
    counts = check(batch)
    case["graph"] = {
        "target_edges": shape.edges,
        "nodes": len(batch.nodes),
        "relationships": len(batch.relationships),
        "counts": counts,
        "seed": shape.seed,
    }
    case["graph"].update(baseline.count_paths(batch, COUNTRY))
    log(f"{size}/{kind}: generated {len(batch.relationships)} relationships")

    workdir = Path(tempfile.mkdtemp(prefix=f"bench-{size}-{kind}-"))
    file = workdir / "graph"
    store, open_times = _open_store(kind, file)
    case["open"] = open_times
    try:
        loaded = load(store, batch, batch_size=BATCH_SIZE, step_cap=options.step_cap)
        case["load"] = loaded
        log(
            f"{size}/{kind}: load {loaded['total_s']:.1f} s"
            + (" (capped)" if loaded["capped"] else "")
        )
        if loaded["capped"]:
            if kind != "neo4j":
                case["skipped"] = "load hit the step cap; later steps would run on partial data"
                return case
            server = server_from_env()
            with GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as driver:
                loaded["fallback"] = finish_with_create(store, batch, loaded, driver=driver)
            case["loaded_by_fallback"] = True
            log(
                f"{size}/{kind}: fallback CREATE load {loaded['fallback']['relationships_s']:.1f} s"
            )
        for private in ("_written_nodes", "_written_rels"):
            loaded.pop(private, None)
        stored = store.counts()
        wrong = {k: (v, stored.get(k, 0)) for k, v in counts.items() if stored.get(k, 0) != v}
        case["load"]["count_mismatches"] = wrong
        if kind == "embedded":
            case["load"]["file_mb"] = sum(
                f.stat().st_size for f in workdir.iterdir() if f.is_file()
            ) / (1024 * 1024)
        del batch
        snapshot = _engine(case, store, kind, options)
        _baseline(case, store, kind, file, snapshot, options)
    finally:
        store.close()
        shutil.rmtree(workdir, ignore_errors=True)
    case["loadavg_end"] = os.getloadavg()
    case["peak_rss_mb"] = _peak_rss_mb()
    return case


def _engine(case: dict[str, Any], store: Store, kind: str, options: CaseOptions) -> Snapshot:
    size = case["size"]
    # extract(store): what the API's SnapshotCache runs (store reads + build_supply, streamed)
    started = _now()
    data = extract(store)
    ex: dict[str, float] = {"extract_s": _now() - started}
    del data
    # the same, split: store reads materialised first, then build_supply alone
    started = _now()
    nodes = list(store.extract_nodes(ANALYSIS_LABELS))
    ex["read_nodes_s"] = _now() - started
    started = _now()
    rels = list(store.extract_relationships(ANALYSIS_RELATIONSHIPS, properties=ANALYSIS_PROPERTIES))
    ex["read_relationships_s"] = _now() - started
    started = _now()
    data = build_supply(nodes, rels)
    ex["build_supply_s"] = _now() - started
    ex["extracted_nodes"], ex["extracted_relationships"] = len(nodes), len(rels)
    del nodes, rels
    case["extract"] = ex
    log(f"{size}/{kind}: extract {ex['extract_s']:.1f} s")

    # the snapshot's steps, each a public call timed alone, then the snapshot whole
    version = store.graph_version()
    started = _now()
    network = build_network(data)
    network_s = _now() - started
    started = _now()
    cold = propagate(network)
    propagate_cold_s = _now() - started
    del network, cold
    started = _now()
    snapshot = Snapshot(data, version)
    total = _now() - started
    case["snapshot"] = {
        "build_supply_s": ex["build_supply_s"],
        "build_network_s": network_s,
        "propagate_s": propagate_cold_s,
        "other_s": total - network_s - propagate_cold_s,
        "total_s": total,
        "positions": len(snapshot.network.positions),
        "network_edges": snapshot.network.edge_count,
        "countries": len(snapshot.propagation.countries),
        "products": len(snapshot.products),
        "warnings": len(data.warnings),
    }
    log(f"{size}/{kind}: snapshot {total:.1f} s")

    # all products x all countries: solved by propagate (median of 5 warm runs on the built
    # network; the first, cold one is timed above); read out as a matrix
    solves = []
    for _ in range(5):
        started = _now()
        propagate(snapshot.network)
        solves.append(_now() - started)
    prop = snapshot.propagation
    readouts = []
    matrix = np.zeros(0)
    for _ in range(5):
        started = _now()
        matrix = prop.exposure[snapshot.product_rows].sum(axis=1).max(axis=1)
        readouts.append(_now() - started)
    matrices = options.matrix_dir
    matrices.mkdir(parents=True, exist_ok=True)
    np.save(matrices / f"{size}-{kind}-{options.seed}-matrix.npy", matrix)
    (matrices / f"{size}-{kind}-{options.seed}-countries.json").write_text(
        json.dumps(list(prop.countries))
    )
    readout = _pct(readouts, 50)
    propagate_p50 = _pct(solves, 50)
    case["all_products_x_countries"] = {
        "shape": list(matrix.shape),
        "propagate_s": propagate_p50,
        "propagate_runs_s": solves,
        "propagate_cold_s": propagate_cold_s,
        "readout_p50_s": readout,
        "readout_p99_s": _pct(readouts, 99),
        "engine_s": propagate_p50 + readout,
        "end_to_end_s": ex["extract_s"] + total + readout,
        "matrix_sum": float(matrix.sum()),
    }

    # single product, snapshot warm
    rng = random.Random(options.seed)
    sample = rng.sample(snapshot.products, min(options.samples, len(snapshot.products)))
    snapshot.exposure(sample[0], COUNTRY)
    times = []
    paths = 0
    for product in sample:
        started = _now()
        answer = snapshot.exposure(product, COUNTRY)
        times.append(_now() - started)
        paths += len(answer.paths)
    case["single_product"] = {**_stats_ms(times), "country": COUNTRY, "paths_returned": paths}

    started = _now()
    first = snapshot.dependents(COUNTRY)
    dep_times = [_now() - started]
    repeats = max(3, min(20, int(10.0 / max(dep_times[0], 1e-3))))
    for _ in range(repeats - 1):
        started = _now()
        snapshot.dependents(COUNTRY)
        dep_times.append(_now() - started)
    case["dependents"] = {**_stats_ms(dep_times), "returned": len(first)}
    log(
        f"{size}/{kind}: single p50 {case['single_product']['p50_ms']:.2f} ms, "
        f"dependents p50 {case['dependents']['p50_ms']:.0f} ms"
    )
    return snapshot


def _baseline(
    case: dict[str, Any],
    store: Store,
    kind: str,
    file: Path,
    snapshot: Snapshot,
    options: CaseOptions,
) -> None:
    """The path-enumeration baseline, capped, and its agreement with the engine."""
    size = case["size"]
    if options.baseline_cap <= 0:
        case["baseline"] = {"skipped": "--baseline-cap 0"}
        return
    log(f"{size}/{kind}: baseline (cap {options.baseline_cap:.0f} s)")
    if kind == "neo4j":
        run = baseline.run_neo4j(server_from_env(), options.baseline_cap)
    else:
        store.close()  # the baseline opens the file read-only with a larger buffer pool
        run = baseline.run_ladybug(str(file), options.baseline_cap)
    case["baseline"] = run.summary()
    if run.seconds is not None and not run.capped:
        case["baseline_check"] = baseline.compare(run, snapshot, COUNTRY)
    log(
        f"{size}/{kind}: baseline "
        + (f"capped at {run.cap_s:.0f} s" if run.capped else f"{run.seconds or 0:.1f} s")
        + (f" ({run.error})" if run.error else "")
    )
