"""Serving benchmark: requests per second of the GraphQL API against a bare Starlette route
returning the same bytes, measured in the same run, and a soak test.

    .venv/bin/python -m bench.serving [--seconds 8] [--soak 60] [--baseline-tree DIR]

Every server is a separate process on 127.0.0.1 (bench/serving_target.py, one uvicorn
process, no access log) serving the bundled dataset from the embedded store; the load
generator is this process: ``clients`` keep-alive HTTP/1.1 connections, each sending its
next request when the last answer is in, for ``seconds`` (bounded: never more than
``clients`` requests in flight, at most 1,000,000 requests). Cases:

- ``bare``: the bare route, answering the repeated query's bytes;
- ``repeated``: one query, the same variables every time (the response cache answers);
- ``varying``: one query whose variables differ on every request (``limit: n``), so every
  request is parsed from cache, validated from cache and executed;
- each at 1 and 8 clients, every server up at once and measured in ``--rounds`` slices taken
  in turn, so the load other work puts on the machine falls on all alike; the ratios use
  each target's median slice. ``--baseline-tree DIR`` (a checkout of an older commit, e.g.
  ``git archive cac8c2b^ | tar -x -C DIR``) runs the API cases against that tree too, so
  "before" and "after" are measured side by side; the baseline serves this tree's dataset
  cut to the files its own dataset folder has (an older loader refuses files added since),
  run with this tree's venv.

The soak: ``--soak`` seconds, 8 clients, repeated, varying and nested queries mixed, every
answer checked (status 200, no ``errors``), the server's RSS sampled every 2 s, with a 4 MB
response cache (full within the warm-up, so a flat RSS shows the cache's bound holds). Results:
bench/results/serving-<UTC timestamp>.json and serving-latest.json, with the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.machine import git_state, machine

REPO = Path(__file__).resolve().parent.parent
DATASET = REPO / "dataset"
RESULTS = REPO / "bench" / "results"
TARGET = Path(__file__).resolve().parent / "serving_target.py"
MAX_REQUESTS = 1_000_000

REPEATED = {
    "query": "query($c: String!, $i: ID) { dependents(country: $c, item: $i) "
    "{ product { id name } share stage } }",
    "variables": {"c": "CN", "i": "ndfeb-sintered"},
}
VARYING = 'query($n: Int) { dependents(country: "CN", limit: $n) { product { id } share } }'
NESTED = (
    "query($n: Int!) { products(first: $n) { totalCount nodes { id name cited { id } "
    "oems { id name } endUses { id } } } }"
)

Body = Callable[[int], bytes]


def repeated(_: int) -> bytes:
    return json.dumps(REPEATED).encode()


UNIQUE = itertools.count(1)
"""Shared by every run, so no two varying requests of one benchmark carry the same n."""


def varying(_: int) -> bytes:
    return json.dumps({"query": VARYING, "variables": {"n": next(UNIQUE)}}).encode()


def mixed(n: int) -> bytes:
    if n % 3 == 0:
        return repeated(n)
    if n % 3 == 1:
        return varying(n)
    return json.dumps({"query": NESTED, "variables": {"n": 1 + n % 50}}).encode()


@dataclass
class Run:
    requests: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    first_error: str | None = None


async def _client(
    *, host: str, port: int, body: Body, counter: Iterator[int], until: float, run: Run
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    head = f"POST /graphql HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
    try:
        while time.perf_counter() < until:
            n = next(counter, None)
            if n is None:
                return
            payload = body(n)
            started = time.perf_counter()
            writer.write(f"{head}Content-Length: {len(payload)}\r\n\r\n".encode() + payload)
            status_line = await reader.readline()
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            answer = await reader.readexactly(length)
            run.latencies.append(time.perf_counter() - started)
            run.requests += 1
            if b" 200 " not in status_line or b'"errors"' in answer:
                run.errors += 1
                run.first_error = run.first_error or (status_line + answer[:300]).decode()
    finally:
        writer.close()


def _run(*, port: int, body: Body, clients: int, seconds: float) -> tuple[Run, float]:
    run = Run()
    counter = iter(range(MAX_REQUESTS))

    async def main() -> float:
        until = time.perf_counter() + seconds
        started = time.perf_counter()
        await asyncio.gather(
            *(
                _client(
                    host="127.0.0.1", port=port, body=body, counter=counter, until=until, run=run
                )
                for _ in range(clients)
            )
        )
        return time.perf_counter() - started

    return run, asyncio.run(main())


def summarise(runs: list[tuple[Run, float]], *, clients: int) -> dict[str, Any]:
    requests = sum(r.requests for r, _ in runs)
    elapsed = sum(e for _, e in runs)
    ordered = sorted(x for r, _ in runs for x in r.latencies) or [0.0]

    def pct(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 3)

    return {
        "clients": clients,
        "seconds": round(elapsed, 2),
        "requests": requests,
        "errors": sum(r.errors for r, _ in runs),
        "first_error": next((r.first_error for r, _ in runs if r.first_error), None),
        "rps": round(requests / elapsed, 1) if elapsed else 0.0,
        "rps_by_round": [round(r.requests / e, 1) for r, e in runs],
        "rps_median": round(statistics.median(r.requests / e for r, e in runs), 1),
        "p50_ms": pct(0.5),
        "p99_ms": pct(0.99),
    }


def load(*, port: int, body: Body, clients: int, seconds: float) -> dict[str, Any]:
    """``clients`` connections for ``seconds``; requests per second and latency percentiles."""
    return summarise(
        [_run(port=port, body=body, clients=clients, seconds=seconds)], clients=clients
    )


def interleaved(
    targets: dict[str, int], *, body: Body, clients: int, seconds: float, rounds: int
) -> dict[str, dict[str, Any]]:
    """Each target (name: port) for ``seconds`` in all, in ``rounds`` slices taken in turn
    (the order alternating), so a change in the machine's load falls on every target alike."""
    runs: dict[str, list[tuple[Run, float]]] = {name: [] for name in targets}
    for n in range(rounds):
        order = list(targets) if n % 2 == 0 else list(reversed(targets))
        for name in order:
            runs[name].append(
                _run(port=targets[name], body=body, clients=clients, seconds=seconds / rounds)
            )
    return {name: summarise(r, clients=clients) for name, r in runs.items()}


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int


@contextmanager
def server(*args: str, tree: Path, env: dict[str, str], work: Path) -> Iterator[Server]:
    port_file = work / f"port-{time.monotonic_ns()}"
    log = (work / "server.log").open("ab")
    child_env = {**env, "PYTHONPATH": str(tree)}
    process = subprocess.Popen(
        [sys.executable, str(TARGET), args[0], str(port_file), *args[1:]],
        env=child_env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=work,
    )
    try:
        deadline = time.monotonic() + 120
        while not port_file.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"server {args[0]} did not start; see {work / 'server.log'}")
            time.sleep(0.1)
        port = int(port_file.read_text())
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"server {args[0]} is not listening; see the log") from None
                time.sleep(0.1)
        warm = repeated(0) if args[0] == "api" else b"{}"
        for _ in range(3):
            load(port=port, body=lambda _: warm, clients=1, seconds=0.2)
        yield Server(process, port)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def load_dataset(*, tree: Path, env: dict[str, str], dataset: Path = DATASET) -> None:
    subprocess.run(
        [sys.executable, "-c", "from api.cli import main; main()", "load", str(dataset), "-q"],
        env={**env, "PYTHONPATH": str(tree)},
        check=True,
    )


def store_env(work: Path, name: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "SUPPLYGRAPH_"))}
    env["SUPPLYGRAPH_STORE"] = str(work / name / "graph")
    env["SUPPLYGRAPH_EMBEDDED_BUFFER_MB"] = "256"
    env.update(extra)
    return env


def cases(
    *, work: Path, seconds: float, rounds: int, body: bytes, baseline: Path | None
) -> dict[str, Any]:
    """Every server up at once (bare, this tree, the baseline tree), measured interleaved."""
    body_file = work / "bare-body.json"
    body_file.write_bytes(body)
    env = store_env(work, "api")
    load_dataset(tree=REPO, env=env)
    out: dict[str, Any] = {}
    with ExitStack() as stack:
        ports = {
            "bare": stack.enter_context(
                server("bare", str(body_file), tree=REPO, env=dict(os.environ), work=work)
            ).port,
            "api": stack.enter_context(server("api", tree=REPO, env=env, work=work)).port,
        }
        if baseline is not None:
            base_env = store_env(work, "baseline")
            load_dataset(tree=baseline, env=base_env, dataset=baseline_dataset(baseline, work))
            ports["baseline"] = stack.enter_context(
                server("api", tree=baseline, env=base_env, work=work)
            ).port
        apis = {k: v for k, v in ports.items() if k != "bare"}
        for case, body_of, targets in (
            ("repeated", repeated, ports),
            ("varying", varying, apis),
        ):
            for clients in (1, 8):
                found = interleaved(
                    targets, body=body_of, clients=clients, seconds=seconds, rounds=rounds
                )
                out[f"{case}_c{clients}"] = found
                line = ", ".join(f"{k} {v['rps_median']:.1f}" for k, v in found.items())
                log(f"{case:8} c={clients}: {line} req/s")
    return out


def baseline_dataset(tree: Path, work: Path) -> Path:
    """This tree's dataset as the baseline tree can load it: only the files and folders its
    own dataset has (an older loader refuses files added since, e.g. control_acts.csv), with
    this tree's content, so both serve the same facts as far as the older code knows them."""
    own = tree / "dataset"
    if not own.is_dir():
        return DATASET
    folder = work / "baseline-dataset"
    folder.mkdir(exist_ok=True)
    for entry in own.iterdir():
        current = DATASET / entry.name
        if current.is_dir():
            shutil.copytree(current, folder / entry.name, dirs_exist_ok=True)
        elif current.is_file():
            shutil.copy2(current, folder / entry.name)
    return folder


def answer_bytes(*, work: Path) -> bytes:
    """The API's answer to the repeated query: what the bare route returns."""
    env = store_env(work, "answer")
    load_dataset(tree=REPO, env=env)
    with server("api", tree=REPO, env=env, work=work) as s:
        reader_body = repeated(0)

        async def ask() -> bytes:
            reader, writer = await asyncio.open_connection("127.0.0.1", s.port)
            writer.write(
                b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + f"Content-Length: {len(reader_body)}\r\nConnection: close\r\n\r\n".encode()
                + reader_body
            )
            raw = await reader.read()
            writer.close()
            return raw.split(b"\r\n\r\n", 1)[1]

        return asyncio.run(ask())


SOAK_CACHE_MB = "4"
"""The soak's response cache: small enough to fill in its warm-up, so "flat" tests the bound
(the default 64 MB fills over about 10^5 distinct answers, RSS rising until then)."""


def soak(*, work: Path, seconds: float) -> dict[str, Any]:
    env = store_env(work, "soak", SUPPLYGRAPH_RESPONSE_CACHE_MB=SOAK_CACHE_MB)
    load_dataset(tree=REPO, env=env)
    samples: list[tuple[float, float]] = []
    with server("api", tree=REPO, env=env, work=work) as s:
        started = time.monotonic()
        done = False

        async def sample() -> None:
            while not done:
                samples.append((round(time.monotonic() - started, 1), rss_mb(s.process.pid)))
                await asyncio.sleep(2)

        def sampler() -> None:
            asyncio.run(sample())

        thread = threading.Thread(target=sampler, daemon=True)
        thread.start()
        result = load(port=s.port, body=mixed, clients=8, seconds=seconds)
        done = True
        thread.join()
    settled = [rss for at, rss in samples if at >= min(15.0, seconds / 4)]
    third = max(1, len(settled) // 3)
    early, late = settled[:third], settled[-third:]
    growth = round(max(late) - max(early), 1) if settled else 0.0
    result.update(
        {
            "rss_mb": samples,
            "rss_growth_mb_after_warmup": growth,
            "memory_flat": growth <= 16.0,
            "response_cache_mb": float(SOAK_CACHE_MB),
        }
    )
    log(
        f"soak {seconds:.0f}s c=8: {result['requests']} requests, {result['errors']} errors, "
        f"RSS growth after warm-up {growth} MB"
    )
    return result


def ratios(results: dict[str, Any]) -> dict[str, Any]:
    c = results["cases"]

    def rps(case: str, target: str) -> float:
        value: float = c[case][target]["rps_median"]
        return value

    out: dict[str, Any] = {
        "repeated_vs_bare_c1": round(rps("repeated_c1", "api") / rps("repeated_c1", "bare"), 3),
        "repeated_vs_bare_c8": round(rps("repeated_c8", "api") / rps("repeated_c8", "bare"), 3),
        "repeated_c8_vs_c1": round(rps("repeated_c8", "api") / rps("repeated_c1", "api"), 3),
        "varying_c8_vs_c1": round(rps("varying_c8", "api") / rps("varying_c1", "api"), 3),
    }
    has_baseline = "baseline" in c["varying_c1"]
    if has_baseline:
        for case in ("varying_c1", "varying_c8", "repeated_c1", "repeated_c8"):
            out[f"{case}_vs_baseline"] = round(rps(case, "api") / rps(case, "baseline"), 2)
    errors = sum(t["errors"] for case in c.values() for t in case.values())
    targets = {
        "no errors in any case": errors == 0,
        "repeated >= 50% of bare (c=1)": out["repeated_vs_bare_c1"] >= 0.5,
        "repeated >= 50% of bare (c=8)": out["repeated_vs_bare_c8"] >= 0.5,
        "concurrency 8 no slower than 1 (repeated)": out["repeated_c8_vs_c1"] >= 1.0,
        "concurrency 8 no slower than 1 (varying)": out["varying_c8_vs_c1"] >= 1.0,
    }
    if has_baseline:
        targets["varying >= 4x baseline (c=1)"] = out["varying_c1_vs_baseline"] >= 4
        targets["varying >= 4x baseline (c=8)"] = out["varying_c8_vs_baseline"] >= 4
    if "soak" in results:
        targets["soak: 0 errors"] = results["soak"]["errors"] == 0
        targets["soak: flat memory"] = results["soak"]["memory_flat"]
    out["targets"] = targets
    return out


def log(message: str) -> None:
    sys.stderr.write(f"[serving] {message}\n")
    sys.stderr.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="per case [8]")
    parser.add_argument("--rounds", type=int, default=8, help="slices per case [8]")
    parser.add_argument("--soak", type=float, default=60.0, help="soak seconds, 0 skips [60]")
    parser.add_argument("--baseline-tree", type=Path, help="an older tree to compare against")
    args = parser.parse_args()
    started = datetime.now(UTC)
    work = Path(tempfile.mkdtemp(prefix="supplygraph-serving-"))
    try:
        results: dict[str, Any] = {
            "benchmark": "serving",
            "machine": machine(None),
            "git": git_state(),
            "seconds_per_case": args.seconds,
            "rounds": args.rounds,
        }
        body = answer_bytes(work=work)
        results["answer_bytes"] = len(body)
        baseline = args.baseline_tree.resolve() if args.baseline_tree else None
        results["baseline_tree"] = str(baseline) if baseline else None
        if baseline is not None:
            results["baseline_dataset_files"] = (
                sorted(p.name for p in (baseline / "dataset").iterdir())
                if (baseline / "dataset").is_dir()
                else None
            )
        results["cases"] = cases(
            work=work, seconds=args.seconds, rounds=args.rounds, body=body, baseline=baseline
        )
        if args.soak > 0:
            results["soak"] = soak(work=work, seconds=args.soak)
        results["ratios"] = ratios(results)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    RESULTS.mkdir(exist_ok=True)
    text = json.dumps(results, indent=2) + "\n"
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"serving-{stamp}.json").write_text(text)
    (RESULTS / "serving-latest.json").write_text(text)
    log(json.dumps(results["ratios"], indent=2))
    failed = [name for name, ok in results["ratios"]["targets"].items() if not ok]
    if failed:
        log(f"targets missed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
