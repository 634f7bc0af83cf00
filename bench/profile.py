"""Profile the engine on a synthetic graph without a store: where does the time go?

    .venv/bin/python -m bench.profile [--size 1m] [--top 25] [--out bench/results/profile-1m.txt]

The generated batch is turned into the NodeRefs/RelRefs a store would return
(``bench.generate.as_refs``), then build_supply, build_network, propagate (with its own
steps timed one by one), Snapshot and dependents run under cProfile, one section each.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np

from bench.generate import Shape, as_refs, generate, parse_size
from graph.engine import propagation as ex
from graph.engine.facts import build_supply
from graph.engine.network import build_network
from graph.engine.snapshot import Snapshot
from graph.records import GraphVersion

T = TypeVar("T")


def _profiled(title: str, fn: Callable[[], T], top: int, out: list[str]) -> T:
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    result = fn()
    profiler.disable()
    took = time.perf_counter() - started
    buffer = io.StringIO()
    stats = pstats.Stats(profiler, stream=buffer)
    stats.sort_stats("cumulative").print_stats(top)
    out.append(f"=== {title}: {took:.3f} s (under cProfile) ===\n{buffer.getvalue()}")
    return result


def _timed(label: str, fn: Callable[[], T], out: list[str]) -> T:
    started = time.perf_counter()
    result = fn()
    out.append(f"  {label}: {time.perf_counter() - started:.3f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description="profile the engine on synthetic data")
    parser.add_argument("--size", default="1m")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    out: list[str] = []
    batch = generate(Shape(edges=parse_size(args.size)))
    nodes, rels = as_refs(batch)
    out.append(f"# {args.size}: {len(nodes)} nodes, {len(rels)} relationships\n")

    data = _profiled("build_supply", lambda: build_supply(nodes, rels), args.top, out)
    net = _profiled("build_network", lambda: build_network(data), args.top, out)
    _profiled("propagate", lambda: ex.propagate(net), args.top, out)

    out.append("=== propagate, step by step (no profiler) ===")
    weights = _timed("weight_matrix", lambda: ex.weight_matrix(net), out)
    _timed("find_cycles", lambda: ex.find_cycles(net, weights), out)
    levels = _timed("topological_levels", lambda: ex.topological_levels(weights), out)
    countries = sorted({o.country for origins in net.origins for o in origins})
    width = len(ex.BASES) * len(ex.STAGES) * len(countries) + len(ex.STAGES)
    origin = np.zeros((len(net.positions), width))
    _timed("solve (levels)", lambda: ex.solve(weights, origin, levels), out)
    out.append(
        f"  positions {len(net.positions)}, network edges {net.edge_count}, "
        f"levels {len(levels)}, origin matrix {origin.shape} ({origin.nbytes / 1e6:.0f} MB)\n"
    )

    snapshot = _profiled(
        "Snapshot(data, version)", lambda: Snapshot(data, GraphVersion(1, None)), args.top, out
    )
    _profiled("dependents('CN')", lambda: snapshot.dependents("CN"), args.top, out)
    sample = snapshot.products[:: max(1, len(snapshot.products) // 200)][:200]
    _profiled(
        f"exposure(product, 'CN') x {len(sample)}",
        lambda: [snapshot.exposure(p, "CN") for p in sample],
        args.top,
        out,
    )
    text = "\n".join(out)
    if args.out:
        Path(args.out).write_text(text)
    sys.stdout.write(text + "\n")


if __name__ == "__main__":
    main()
