"""End-to-end benchmark: load, extract, solve and query synthetic graphs on both stores.

    .venv/bin/python -m bench.run [--sizes 10k,100k,1m] [--stores neo4j,embedded]
                                  [--baseline-cap 120] [--step-cap 900] [--seed N]

Each (size, store) case runs in its own child process (so its peak RSS is its own): it
generates the graph (bench.generate), loads it into an empty store with
``loaders.writer.write_batch`` (batches of 10,000), extracts it, builds the snapshot, times
the engine's answers and runs the path-enumeration baseline (bench.baseline) under a cap.
The parent starts a private Neo4j server unless NEO4J_URI is set, collects the cases and
writes bench/results/<UTC timestamp>.json and bench/results/latest.json. See
bench/README.md for what every number means.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import numpy as np

import graph.engine.snapshot as analysis
from bench import baseline
from bench.generate import Shape, check, generate, parse_size
from bench.loading import clear_neo4j, finish_with_create, load
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

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
SCRIPT = REPO / "scripts" / "neo4j"
BENCH_HOME = REPO / ".state" / "neo4j-bench"
BOLT_PORT, HTTP_PORT = 27687, 27474
BATCH_SIZE = 10_000
COUNTRY = "CN"

TARGET_ALL_S = 2.0
TARGET_SINGLE_P50_MS = 20.0
TARGET_BASELINE_RATIO = 100.0

P = ParamSpec("P")
T = TypeVar("T")


# -- small helpers --------------------------------------------------------------------------


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


def _timed(fn: Callable[P, T], into: dict[str, float], name: str) -> Callable[P, T]:
    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        started = _now()
        try:
            return fn(*args, **kwargs)
        finally:
            into[name] = _now() - started

    return wrapper


def _log(message: str) -> None:
    sys.stderr.write(f"[bench {datetime.now(UTC).strftime('%H:%M:%S')}] {message}\n")
    sys.stderr.flush()


# -- Neo4j server ---------------------------------------------------------------------------


@dataclass
class Server:
    uri: str
    user: str
    password: str
    started_here: bool
    env: dict[str, str]
    pid: int | None = None

    def version(self) -> str | None:
        from neo4j import GraphDatabase

        with GraphDatabase.driver(self.uri, auth=(self.user, self.password)) as driver:
            records, _, _ = driver.execute_query(
                "CALL dbms.components() YIELD name, versions, edition "
                "RETURN name, versions[0] AS version, edition"
            )
            return " ".join(f"{r['name']} {r['version']} {r['edition']}" for r in records)

    def rss_mb(self) -> dict[str, float] | None:
        if self.pid is None:
            return None
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
        except OSError:
            return None
        out = {}
        for line in status.splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0]) / 1024.0
        return out


def start_server() -> Server:
    if os.environ.get("NEO4J_URI"):
        return Server(
            os.environ["NEO4J_URI"],
            os.environ.get("NEO4J_USER", "neo4j"),
            os.environ["NEO4J_PASSWORD"],
            started_here=False,
            env={},
        )
    env = {
        **os.environ,
        "NEO4J_HOME": str(BENCH_HOME),
        "NEO4J_BOLT_PORT": str(BOLT_PORT),
        "NEO4J_HTTP_PORT": str(HTTP_PORT),
    }
    env.setdefault("NEO4J_HEAP", "2g")
    env.setdefault("NEO4J_PAGECACHE", "1g")
    env.pop("NEO4J_PASSWORD", None)
    running = subprocess.run([str(SCRIPT), "status"], env=env, capture_output=True).returncode
    started_here = running != 0
    if started_here:
        _log(f"starting Neo4j in {BENCH_HOME} (heap {env['NEO4J_HEAP']})")
        done = subprocess.run([str(SCRIPT), "start"], env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"could not start Neo4j:\n{done.stderr}")
    password = (BENCH_HOME / "password").read_text().strip()
    pid_file = BENCH_HOME / "run" / "neo4j.pid"
    pid = int(pid_file.read_text().strip()) if pid_file.exists() else None
    return Server(f"neo4j://127.0.0.1:{BOLT_PORT}", "neo4j", password, started_here, env, pid)


def stop_server(server: Server) -> None:
    if server.started_here:
        _log("stopping the Neo4j server this run started")
        subprocess.run([str(SCRIPT), "stop"], env=server.env, capture_output=True)


# -- machine --------------------------------------------------------------------------------


def machine(server: Server | None) -> dict[str, Any]:
    import ladybug
    import neo4j
    import scipy

    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kb = int(line.split()[1])
    info: dict[str, Any] = {
        "date_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "host": platform.node(),
        "platform": platform.platform(),
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu,
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "loadavg_at_start": os.getloadavg(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "neo4j_driver": neo4j.__version__,
        "ladybug": getattr(ladybug, "__version__", "unknown"),
        "neo4j_server": None,
        "git": _git(),
    }
    if server is not None:
        info["neo4j_server"] = server.version()
        info["neo4j_heap"] = server.env.get("NEO4J_HEAP", "as configured")
        info["neo4j_pagecache"] = server.env.get("NEO4J_PAGECACHE", "as configured")
    return info


def _git() -> dict[str, Any]:
    """The commit measured, and any uncommitted change to the code it runs."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True)
        return done.stdout.strip()

    return {
        "commit": git("rev-parse", "HEAD"),
        "subject": git("log", "-1", "--format=%s"),
        "dirty": git("status", "--porcelain", "--", "graph", "loaders").splitlines(),
    }


# -- one case (child process) ---------------------------------------------------------------


def _open_store(kind: str, workdir: Path) -> tuple[Store, dict[str, Any]]:
    times: dict[str, Any] = {}
    store: Store
    if kind == "neo4j":
        from graph.stores.neo4j_store import Neo4jStore

        store = Neo4jStore.connect(
            os.environ["NEO4J_URI"],
            user=os.environ.get("NEO4J_USER", "neo4j"),
            password=os.environ["NEO4J_PASSWORD"],
        )
        times.update(clear_neo4j(store))
    else:
        from graph.stores.ladybug_store import LadybugStore

        store = LadybugStore.open(str(workdir / "graph"))
    started = _now()
    store.ensure_schema()
    times["ensure_schema_s"] = _now() - started
    return store, times


def run_case(size: str, kind: str, args: argparse.Namespace, outdir: Path) -> dict[str, Any]:
    case: dict[str, Any] = {
        "size": size,
        "store": kind,
        "git": _git(),  # per case: other engineers commit while a run goes on
        "loadavg_start": os.getloadavg(),
    }
    started = _now()
    shape = Shape(edges=parse_size(size), seed=args.seed)
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
    _log(f"{size}/{kind}: generated {len(batch.relationships)} relationships")

    workdir = Path(tempfile.mkdtemp(prefix=f"bench-{size}-{kind}-"))
    store, open_times = _open_store(kind, workdir)
    case["open"] = open_times
    try:
        loaded = load(store, batch, batch_size=BATCH_SIZE, step_cap=args.step_cap)
        case["load"] = loaded
        _log(
            f"{size}/{kind}: load {loaded['total_s']:.1f} s"
            + (" (capped)" if loaded["capped"] else "")
        )
        if loaded["capped"]:
            if kind != "neo4j":
                case["skipped"] = "load hit the step cap; later steps would run on partial data"
                return case
            loaded["fallback"] = finish_with_create(store, batch, loaded)
            case["loaded_by_fallback"] = True
            _log(
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
        _engine(case, store, kind, args, outdir)
    finally:
        store.close()
        shutil.rmtree(workdir, ignore_errors=True)
    case["loadavg_end"] = os.getloadavg()
    case["peak_rss_mb"] = _peak_rss_mb()
    return case


def _engine(
    case: dict[str, Any], store: Store, kind: str, args: argparse.Namespace, outdir: Path
) -> None:
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
    _log(f"{size}/{kind}: extract {ex['extract_s']:.1f} s")

    # Snapshot: build_network and propagate timed inside it
    parts: dict[str, float] = {}
    namespace = vars(analysis)  # graph.engine.snapshot calls these by module-level name
    namespace["build_network"] = _timed(build_network, parts, "build_network_s")
    namespace["propagate"] = _timed(propagate, parts, "propagate_s")
    try:
        started = _now()
        snapshot = Snapshot(data, store.graph_version())
        total = _now() - started
    finally:
        namespace["build_network"], namespace["propagate"] = build_network, propagate
    case["snapshot"] = {
        "build_supply_s": ex["build_supply_s"],
        **parts,
        "other_s": total - sum(parts.values()),
        "total_s": total,
        "positions": len(snapshot.network.positions),
        "network_edges": snapshot.network.edge_count,
        "countries": len(snapshot.propagation.countries),
        "products": len(snapshot.products),
        "warnings": len(data.warnings),
    }
    _log(f"{size}/{kind}: snapshot {total:.1f} s")

    # all products x all countries: solved by propagate (median of 5 warm runs on the built
    # network; the first, cold one is the snapshot's); read out as a matrix
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
    matrices = Path(args.matrix_dir)
    matrices.mkdir(parents=True, exist_ok=True)
    np.save(matrices / f"{size}-{kind}-{args.seed}-matrix.npy", matrix)
    (matrices / f"{size}-{kind}-{args.seed}-countries.json").write_text(json.dumps(prop.countries))
    readout = _pct(readouts, 50)
    propagate_p50 = _pct(solves, 50)
    case["all_products_x_countries"] = {
        "shape": list(matrix.shape),
        "propagate_s": propagate_p50,
        "propagate_runs_s": solves,
        "propagate_cold_s": parts["propagate_s"],
        "readout_p50_s": readout,
        "readout_p99_s": _pct(readouts, 99),
        "engine_s": propagate_p50 + readout,
        "end_to_end_s": ex["extract_s"] + total + readout,
        "matrix_sum": float(matrix.sum()),
    }

    # single product, snapshot warm
    rng = random.Random(args.seed)
    sample = rng.sample(snapshot.products, min(args.samples, len(snapshot.products)))
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
    _log(
        f"{size}/{kind}: single p50 {case['single_product']['p50_ms']:.2f} ms, "
        f"dependents p50 {case['dependents']['p50_ms']:.0f} ms"
    )

    # the path-enumeration baseline, capped
    if args.baseline_cap <= 0:
        case["baseline"] = {"skipped": "--baseline-cap 0"}
        return
    _log(f"{size}/{kind}: baseline (cap {args.baseline_cap:.0f} s)")
    if kind == "neo4j":
        run = baseline.run_neo4j(
            os.environ["NEO4J_URI"],
            os.environ.get("NEO4J_USER", "neo4j"),
            os.environ["NEO4J_PASSWORD"],
            args.baseline_cap,
        )
    else:
        # the store's own 1 GB buffer pool is too small for path enumeration (see
        # baseline.BASELINE_LADYBUG): reopen the file read-only with a larger one
        from graph.stores.ladybug_store import LadybugStore

        assert isinstance(store, LadybugStore)
        path = store._path
        store.close()
        reader = LadybugStore.open(
            path, read_only=True, buffer_pool_mb=baseline.LADYBUG_BASELINE_POOL_MB
        )
        try:
            run = baseline.run_ladybug(reader._db, args.baseline_cap)
            run.buffer_pool_mb = baseline.LADYBUG_BASELINE_POOL_MB
        finally:
            reader.close()
    case["baseline"] = run.summary()
    if run.seconds is not None and not run.capped:
        case["baseline_check"] = baseline.compare(run, snapshot, COUNTRY)
    _log(
        f"{size}/{kind}: baseline "
        + (f"capped at {run.cap_s:.0f} s" if run.capped else f"{run.seconds or 0:.1f} s")
        + (f" ({run.error})" if run.error else "")
    )


# -- parent: orchestration and report -------------------------------------------------------


def _child(
    size: str, kind: str, args: argparse.Namespace, server: Server | None, tmp: Path
) -> dict[str, Any]:
    out = tmp / f"{size}-{kind}.json"
    env = dict(os.environ)
    if server is not None:
        env.update(NEO4J_URI=server.uri, NEO4J_USER=server.user, NEO4J_PASSWORD=server.password)
    command = [
        sys.executable,
        "-m",
        "bench.run",
        "--case",
        f"{size}:{kind}",
        "--case-dir",
        str(tmp),
        "--baseline-cap",
        str(args.baseline_cap),
        "--step-cap",
        str(args.step_cap),
        "--seed",
        str(args.seed),
        "--samples",
        str(args.samples),
        "--matrix-dir",
        args.matrix_dir,
    ]
    started = _now()
    try:
        done = subprocess.run(command, env=env, cwd=REPO, timeout=args.case_timeout)
    except subprocess.TimeoutExpired:
        return {"size": size, "store": kind, "error": f"case passed {args.case_timeout} s"}
    if done.returncode != 0 or not out.exists():
        return {"size": size, "store": kind, "error": f"child exited {done.returncode}"}
    case: dict[str, Any] = json.loads(out.read_text())
    case["wall_s"] = _now() - started
    if server is not None and kind == "neo4j":
        case["neo4j_server_rss_mb"] = server.rss_mb()
    return case


def _growth(cases: dict[str, dict[str, Any]], sizes: list[str]) -> dict[str, Any]:
    metrics: dict[str, Callable[[dict[str, Any]], float | None]] = {
        "load_nodes_s": lambda c: c["load"]["nodes_s"],
        "load_relationships_s": lambda c: c["load"]["relationships_s"],
        "extract_s": lambda c: c["extract"]["extract_s"],
        "build_supply_s": lambda c: c["snapshot"]["build_supply_s"],
        "build_network_s": lambda c: c["snapshot"]["build_network_s"],
        "propagate_s": lambda c: c["snapshot"]["propagate_s"],
        "snapshot_other_s": lambda c: c["snapshot"]["other_s"],
        "readout_s": lambda c: c["all_products_x_countries"]["readout_p50_s"],
        "single_p50_ms": lambda c: c["single_product"]["p50_ms"],
        "dependents_p50_ms": lambda c: c["dependents"]["p50_ms"],
        "baseline_s": lambda c: None if c["baseline"].get("capped") else c["baseline"]["seconds"],
    }
    out: dict[str, Any] = {}
    for a, b in zip(sizes, sizes[1:], strict=False):
        ca, cb = cases.get(a), cases.get(b)
        if not ca or not cb or "snapshot" not in ca or "snapshot" not in cb:
            continue
        edge_ratio = cb["graph"]["relationships"] / ca["graph"]["relationships"]
        step: dict[str, Any] = {"edge_ratio": edge_ratio}
        for name, get in metrics.items():
            try:
                ta, tb = get(ca), get(cb)
            except KeyError:
                continue
            if ta is None or tb is None or ta <= 0:
                continue
            ratio = tb / ta
            step[name] = {
                "time_ratio": ratio,
                "exponent": math.log(ratio) / math.log(edge_ratio) if edge_ratio > 1 else None,
            }
        out[f"{b}/{a}"] = step
    return out


def _ratios(case: dict[str, Any]) -> dict[str, Any] | None:
    base = case.get("baseline", {})
    seconds = base.get("lower_bound_s") if base.get("capped") else base.get("seconds")
    if not seconds or "all_products_x_countries" not in case:
        return None
    allx = case["all_products_x_countries"]
    return {
        "baseline_s": seconds,
        "baseline_capped": bool(base.get("capped")),
        "vs_engine": seconds / allx["engine_s"],
        "vs_end_to_end": seconds / allx["end_to_end_s"],
        "note": "baseline answers one country; the engine all countries. '>=' when capped",
    }


def _cross_store(matrices: Path, sizes: list[str], seed: int) -> dict[str, Any]:
    """The products x countries matrices of the two stores, compared."""
    out: dict[str, Any] = {}
    for size in sizes:
        a = matrices / f"{size}-neo4j-{seed}-matrix.npy"
        b = matrices / f"{size}-embedded-{seed}-matrix.npy"
        if not (a.exists() and b.exists()):
            continue
        ca = json.loads((matrices / f"{size}-neo4j-{seed}-countries.json").read_text())
        cb = json.loads((matrices / f"{size}-embedded-{seed}-countries.json").read_text())
        ma, mb = np.load(a), np.load(b)
        same = ca == cb and ma.shape == mb.shape
        out[size] = {
            "same_shape_and_countries": same,
            "max_abs_diff": float(np.abs(ma - mb).max()) if same and ma.size else None,
        }
    return out


def _targets(cases: dict[str, dict[str, dict[str, Any]]], largest: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for kind, case in cases.get(largest, {}).items():
        allx = case.get("all_products_x_countries")
        if allx:
            value = allx["engine_s"]
            out.append(
                {
                    "target": f"all products x all countries at {largest} < {TARGET_ALL_S} s "
                    "(propagate + readout)",
                    "store": kind,
                    "value_s": value,
                    "met": value < TARGET_ALL_S,
                    "margin_s": TARGET_ALL_S - value,
                    "incl_build_network_s": value + case["snapshot"]["build_network_s"],
                }
            )
        single = case.get("single_product")
        if single:
            value = single["p50_ms"]
            out.append(
                {
                    "target": f"single-product p50 at {largest} < {TARGET_SINGLE_P50_MS} ms",
                    "store": kind,
                    "value_ms": value,
                    "met": value < TARGET_SINGLE_P50_MS,
                    "margin_ms": TARGET_SINGLE_P50_MS - value,
                }
            )
        ratios = case.get("ratios")
        if ratios:
            ratio = ratios["vs_engine"]
            out.append(
                {
                    "target": f">= {TARGET_BASELINE_RATIO:.0f}x faster than the baseline at "
                    f"{largest}",
                    "store": kind,
                    "ratio_vs_engine": ratio,
                    "ratio_vs_end_to_end": ratios["vs_end_to_end"],
                    "lower_bound": ratios["baseline_capped"],
                    "met": ratio >= TARGET_BASELINE_RATIO,
                    "met_end_to_end": ratios["vs_end_to_end"] >= TARGET_BASELINE_RATIO,
                }
            )
    return out


def _fmt(value: Any, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def summary_table(results: dict[str, Any]) -> str:
    header = (
        "| size | store | edges | load nodes/s | load rels/s | extract s | supply s | "
        "network s | propagate s | readout ms | all x all s | single p50/p99 ms | "
        "dependents p50 ms | baseline s | x faster | peak RSS MB |"
    )
    lines = [header, "|" + "---|" * 16]
    for size, by_store in results["cases"].items():
        for kind, c in by_store.items():
            if "snapshot" not in c:
                reason = c.get("error") or c.get("skipped") or "incomplete"
                lines.append(f"| {size} | {kind} | {reason} |" + " |" * 13)
                continue
            load, ex, sn = c["load"], c["extract"], c["snapshot"]
            allx, single, dep = c["all_products_x_countries"], c["single_product"], c["dependents"]
            base = c.get("baseline", {})
            if base.get("capped"):
                base_text = f">= {base['cap_s']:.0f} (capped)"
            else:
                base_text = _fmt(base.get("seconds"), ".2f")
            ratios = c.get("ratios")
            ratio_text = "-"
            if ratios:
                bound = ">= " if ratios["baseline_capped"] else ""
                ratio_text = f"{bound}{ratios['vs_engine']:.0f} ({ratios['vs_end_to_end']:.1f})"
            lines.append(
                f"| {size} | {kind} | {c['graph']['relationships']:,} | "
                f"{load['nodes_per_s']:,.0f} | {load['relationships_per_s']:,.0f} | "
                f"{ex['extract_s']:.2f} | {sn['build_supply_s']:.2f} | "
                f"{sn['build_network_s']:.2f} | {sn['propagate_s']:.2f} | "
                f"{allx['readout_p50_s'] * 1000:.1f} | {allx['engine_s']:.2f} | "
                f"{single['p50_ms']:.2f} / {single['p99_ms']:.2f} | {dep['p50_ms']:.0f} | "
                f"{base_text} | {ratio_text} | {c['peak_rss_mb']:.0f} |"
            )
    return "\n".join(lines)


def orchestrate(args: argparse.Namespace) -> int:
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    kinds = [k.strip() for k in args.stores.split(",") if k.strip()]
    # SIGTERM (or SIGINT, which background jobs ignore) ends the run through the finally
    # below, so a server this run started is stopped and the running case is killed
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    server = start_server() if "neo4j" in kinds else None
    tmp = Path(tempfile.mkdtemp(prefix="bench-run-"))
    reused: dict[str, dict[str, Any]] = (
        json.loads(Path(args.reuse).read_text()).get("cases", {}) if args.reuse else {}
    )
    started_at = datetime.now(UTC)
    results: dict[str, Any] = {}
    try:
        results["machine"] = machine(server)
        results["config"] = {
            "sizes": sizes,
            "stores": kinds,
            "batch_size": BATCH_SIZE,
            "baseline_cap_s": args.baseline_cap,
            "step_cap_s": args.step_cap,
            "seed": args.seed,
            "single_product_samples": args.samples,
            "country": COUNTRY,
            "neo4j_started_here": server.started_here if server else None,
        }
        cases: dict[str, dict[str, dict[str, Any]]] = {}
        for size in sizes:
            for kind in kinds:
                kept = reused.get(size, {}).get(kind)
                if kept and "snapshot" in kept and not kept.get("error"):
                    _log(f"case {size}/{kind}: reused from {args.reuse}")
                    case = {**kept, "reused_from": str(args.reuse)}
                else:
                    _log(f"case {size}/{kind}")
                    case = _child(size, kind, args, server, tmp)
                ratios = _ratios(case)
                if ratios:
                    case["ratios"] = ratios
                cases.setdefault(size, {})[kind] = case
                # keep partial results on disk as the run goes
                _write(results | {"cases": cases}, started_at, final=False)
        results["cases"] = cases
        results["cross_store"] = _cross_store(Path(args.matrix_dir), sizes, args.seed)
        results["growth"] = {
            kind: _growth({s: cases[s][kind] for s in sizes if kind in cases.get(s, {})}, sizes)
            for kind in kinds
        }
        results["targets"] = _targets(cases, sizes[-1])
        results["finished_utc"] = datetime.now(UTC).isoformat(timespec="seconds")
    finally:
        if server is not None:
            stop_server(server)
        shutil.rmtree(tmp, ignore_errors=True)
    path = _write(results, started_at, final=True)
    sys.stdout.write(summary_table(results) + "\n\n")
    for target in results["targets"]:
        sys.stdout.write(f"- {'MET ' if target['met'] else 'MISSED '}{json.dumps(target)}\n")
    checks = [
        (size, kind, c["baseline_check"])
        for size, by in results["cases"].items()
        for kind, c in by.items()
        if "baseline_check" in c
    ]
    for size, kind, chk in checks:
        sys.stdout.write(
            f"- baseline check {size}/{kind}: {'OK' if chk['ok'] else 'FAILED'} "
            f"(max |diff| {chk['max_abs_diff_checked']:.2e} at {chk['checked_stages']})\n"
        )
    sys.stdout.write(f"cross-store: {json.dumps(results['cross_store'])}\n")
    sys.stdout.write(f"results: {path}\n")
    return 0 if all(chk["ok"] for _, _, chk in checks) else 1


def _write(results: dict[str, Any], started_at: datetime, *, final: bool) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = started_at.strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / (f"{stamp}.json" if final else f"{stamp}.partial.json")
    path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    if final:
        shutil.copyfile(path, RESULTS / "latest.json")
        (RESULTS / f"{stamp}.partial.json").unlink(missing_ok=True)
    return path


def _watch_sigterm() -> None:
    """Log who sends SIGTERM to a case before exiting (a case was once killed by a process
    outside the benchmark): SIGTERM is blocked in every thread and taken by one waiter."""
    import threading

    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})

    def wait() -> None:
        info = signal.sigwaitinfo({signal.SIGTERM})
        try:
            sender = Path(f"/proc/{info.si_pid}/cmdline").read_bytes().replace(b"\0", b" ")
            who = sender.decode(errors="replace").strip()
        except OSError:
            who = "?"
        _log(f"case got SIGTERM from pid {info.si_pid} ({who[:300]}); exiting")
        os._exit(143)

    threading.Thread(target=wait, daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="supplygraph benchmark")
    parser.add_argument("--sizes", default="10k,100k,1m")
    parser.add_argument("--stores", default="neo4j,embedded")
    parser.add_argument("--baseline-cap", type=float, default=120.0)
    parser.add_argument("--step-cap", type=float, default=900.0)
    parser.add_argument("--case-timeout", type=float, default=7200.0)
    parser.add_argument("--seed", type=int, default=Shape.seed)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument(
        "--reuse",
        help="a results JSON whose complete cases are kept instead of run again",
    )
    parser.add_argument(
        "--matrix-dir",
        default=str(Path(tempfile.gettempdir()) / "supplygraph-bench-matrices"),
        help="where each case keeps its products x countries matrix for the cross-store check",
    )
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--case-dir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.case:
        _watch_sigterm()
        size, kind = args.case.split(":")
        outdir = Path(args.case_dir)
        case = run_case(size, kind, args, outdir)
        (outdir / f"{size}-{kind}.json").write_text(json.dumps(case, default=str))
        return 0
    return orchestrate(args)


if __name__ == "__main__":
    raise SystemExit(main())
