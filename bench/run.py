"""End-to-end benchmark: load, extract, solve and query synthetic graphs on both stores.

    .venv/bin/python -m bench.run [--sizes 10k,100k,1m] [--stores neo4j,embedded]
                                  [--baseline-cap 120] [--step-cap 900] [--seed N]

Each (size, store) case runs in its own child process (so its peak RSS is its own):
bench.cases generates the graph (bench.generate), loads it into an empty store with
``loaders.writer.write_batch`` (batches of 10,000), extracts it, builds the snapshot step
by step, times the engine's answers and runs the path-enumeration baseline under a cap.
This module is the command line: it starts a private Neo4j server through the provisioning
the tests use (tests/support/neo4j_server.py) unless NEO4J_URI is set, runs the cases, and
bench.report writes bench/results/<UTC timestamp>.json and bench/results/latest.json. See
bench/README.md for what every number means.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import report
from bench.cases import BATCH_SIZE, COUNTRY, CaseOptions, log, run_case
from bench.generate import Shape
from bench.machine import machine, server_rss_mb
from tests.support import neo4j_server as provisioning
from tests.support.neo4j_server import Neo4jServer

REPO = Path(__file__).resolve().parent.parent
BENCH_HOME = REPO / ".state" / "neo4j-bench"
BOLT_PORT = int(os.environ.get("SUPPLYGRAPH_BENCH_BOLT_PORT", "27687"))
HTTP_PORT = int(os.environ.get("SUPPLYGRAPH_BENCH_HTTP_PORT", "27474"))


def start_server() -> Neo4jServer:
    """The server named by NEO4J_URI, or the private bench server (started if needed), with
    a 2 GB heap and a 1 GB page cache unless NEO4J_HEAP / NEO4J_PAGECACHE say otherwise."""
    settings = {
        "NEO4J_HEAP": os.environ.get("NEO4J_HEAP", "2g"),
        "NEO4J_PAGECACHE": os.environ.get("NEO4J_PAGECACHE", "1g"),
    }
    if not os.environ.get("NEO4J_URI"):
        log(f"Neo4j in {BENCH_HOME} (heap {settings['NEO4J_HEAP']})")
    try:
        return provisioning.start(
            home=BENCH_HOME,
            bolt_port=BOLT_PORT,
            http_port=HTTP_PORT,
            settings=settings,
            port_variables=("SUPPLYGRAPH_BENCH_BOLT_PORT", "SUPPLYGRAPH_BENCH_HTTP_PORT"),
        )
    except provisioning.ServerFailed as e:
        raise SystemExit(str(e)) from e


def stop_server(server: Neo4jServer) -> None:
    if server.started:
        log("stopping the Neo4j server this run started")
    provisioning.stop(server)


def _child(
    size: str, kind: str, args: argparse.Namespace, server: Neo4jServer | None, tmp: Path
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
    started = time.perf_counter()
    try:
        done = subprocess.run(command, env=env, cwd=REPO, timeout=args.case_timeout)
    except subprocess.TimeoutExpired:
        return {"size": size, "store": kind, "error": f"case passed {args.case_timeout} s"}
    if done.returncode != 0 or not out.exists():
        return {"size": size, "store": kind, "error": f"child exited {done.returncode}"}
    case: dict[str, Any] = json.loads(out.read_text())
    case["wall_s"] = time.perf_counter() - started
    if server is not None and kind == "neo4j":
        case["neo4j_server_rss_mb"] = server_rss_mb(server)
    return case


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
            "neo4j_started_here": server.started if server else None,
        }
        cases: dict[str, dict[str, dict[str, Any]]] = {}
        for size in sizes:
            for kind in kinds:
                kept = reused.get(size, {}).get(kind)
                if kept and "snapshot" in kept and not kept.get("error"):
                    log(f"case {size}/{kind}: reused from {args.reuse}")
                    case = {**kept, "reused_from": str(args.reuse)}
                else:
                    log(f"case {size}/{kind}")
                    case = _child(size, kind, args, server, tmp)
                ratios = report.ratios(case)
                if ratios:
                    case["ratios"] = ratios
                cases.setdefault(size, {})[kind] = case
                # keep partial results on disk as the run goes
                report.write(results | {"cases": cases}, started_at, final=False)
        results["cases"] = cases
        results["cross_store"] = report.cross_store(Path(args.matrix_dir), sizes, args.seed)
        results["growth"] = {
            kind: report.growth(
                {s: cases[s][kind] for s in sizes if kind in cases.get(s, {})}, sizes
            )
            for kind in kinds
        }
        results["targets"] = report.targets(cases, sizes[-1])
        results["finished_utc"] = datetime.now(UTC).isoformat(timespec="seconds")
    finally:
        if server is not None:
            stop_server(server)
        shutil.rmtree(tmp, ignore_errors=True)
    path = report.write(results, started_at, final=True)
    sys.stdout.write(report.summary_table(results) + "\n\n")
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
        log(f"case got SIGTERM from pid {info.si_pid} ({who[:300]}); exiting")
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
        options = CaseOptions(
            baseline_cap=args.baseline_cap,
            step_cap=args.step_cap,
            seed=args.seed,
            samples=args.samples,
            matrix_dir=Path(args.matrix_dir),
        )
        case = run_case(size, kind, options)
        (outdir / f"{size}-{kind}.json").write_text(json.dumps(case, default=str))
        return 0
    return orchestrate(args)


if __name__ == "__main__":
    raise SystemExit(main())
