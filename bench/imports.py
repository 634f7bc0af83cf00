"""Benchmark of the BACI importer: a generated 1M-row BACI file, filtered while streaming.

Each size runs in its own child process so its peak RSS is its own: a bounded-memory
reader peaks at about the same RSS at 100k and 1M rows. Measured per size: rows parsed a
second by ``loaders.formats.baci.read`` (CSV parsing, HS filtering, country resolution and
records for the rows kept) and the whole ``import_release`` into a fresh embedded store.
Target (issue 10): at least 100k rows/s parsed at 1M rows.

    .venv/bin/python -m bench.imports                 # 100k and 1M (make bench-imports)
    .venv/bin/python -m bench.imports --sizes 1m --keep /tmp/baci
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pycountry

from loaders.formats import baci
from loaders.formats.release import Countries, Intake, hs_items
from loaders.importer import ReleaseFormat, import_release

SIZES = {"100k": 100_000, "1m": 1_000_000}
TARGET_ROWS_PER_S = 100_000
IN_SCOPE = 0.001
"""Share of rows in the rare-earth codes: 5 of BACI's ~5,000 HS6 products."""
RESULTS = Path(__file__).resolve().parent / "results"


def generate(folder: Path, rows: int, *, seed: int = 10) -> Path:
    """A BACI year file of ``rows`` rows and its country-code file; returns the data file."""
    rng = random.Random(seed)
    countries = [c for c in pycountry.countries if getattr(c, "numeric", None)]
    with (folder / "country_codes_V202501.csv").open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["country_code", "country_name", "country_iso2", "country_iso3"])
        for c in countries:
            out.writerow([int(c.numeric), c.name, c.alpha_2, c.alpha_3])
    codes = [str(int(c.numeric)) for c in countries]
    wanted = sorted(hs_items())
    other = [f"{rng.randrange(10_000, 970_000):06d}" for _ in range(5_000)]
    other = [k for k in other if k not in wanted]
    pairs = [(i, j) for i in codes for j in codes if i != j]
    rng.shuffle(pairs)
    kept = iter((k, pair) for pair in pairs for k in wanted)
    path = folder / "BACI_HS22_Y2023_V202501.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["t", "i", "j", "k", "v", "q"])
        for _ in range(rows):
            value = f"{rng.uniform(0.001, 5000):.3f}"
            quantity = f"{rng.uniform(0.001, 900):.3f}" if rng.random() > 0.05 else "NA"
            if rng.random() < IN_SCOPE:
                k, (i, j) = next(kept)
            else:
                k, i, j = rng.choice(other), rng.choice(codes), rng.choice(codes)
            out.writerow(["2023", i, j, k, value, quantity])
    return path


def measure(size: str) -> dict[str, Any]:
    """One size, in this process: generate, parse, import; peak RSS of the process."""
    rows = SIZES[size]
    with tempfile.TemporaryDirectory(prefix="bench-imports-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        data = generate(folder, rows)
        generated_s = time.perf_counter() - started
        rss_before_mb = _peak_rss_mb()
        intake = Intake()
        started = time.perf_counter()
        scan = baci.read(data, intake=intake, countries=Countries(), codes=hs_items())
        parse_s = time.perf_counter() - started
        rss_after_parse_mb = _peak_rss_mb()
        from graph.stores import factory

        store = factory.open_embedded(str(folder / "graph"), buffer_pool_mb=256)
        try:
            started = time.perf_counter()
            report = import_release(ReleaseFormat.BACI, data, store=store, batch_size=1000)
            import_s = time.perf_counter() - started
            trades = store.counts()["TRADES"]
        finally:
            store.close()
        return {
            "size": size,
            "rows": scan.rows,
            "kept": scan.kept,
            "file_mb": round(data.stat().st_size / 1e6, 1),
            "generate_s": round(generated_s, 2),
            "parse_s": round(parse_s, 3),
            "rows_per_s_parsed": round(scan.rows / parse_s),
            "import_s": round(import_s, 3),
            "rows_per_s_imported": round(scan.rows / import_s),
            "trades_written": trades,
            "relationships_created": report.summary.total.created,
            "peak_rss_mb_before_parse": rss_before_mb,
            "peak_rss_mb_after_parse": rss_after_parse_mb,
            "peak_rss_mb": _peak_rss_mb(),
            "meets_target": scan.rows / parse_s >= TARGET_ROWS_PER_S,
        }


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def machine() -> dict[str, Any]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    git = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return {
        "date_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "host": platform.node(),
        "platform": platform.platform(),
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_model": cpu,
        "python": platform.python_version(),
        "loadavg_at_start": os.getloadavg(),
        "git": git or None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100k,1m")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, default=RESULTS / "imports.json")
    args = parser.parse_args(argv)
    if args.child:
        sys.stdout.write(json.dumps(measure(args.child)) + "\n")
        return 0
    cases = []
    for size in args.sizes.split(","):
        child = subprocess.run(
            [sys.executable, "-m", "bench.imports", "--child", size],
            capture_output=True,
            text=True,
            check=True,
        )
        case = json.loads(child.stdout.strip().splitlines()[-1])
        cases.append(case)
        sys.stdout.write(
            f"{size}: {case['rows_per_s_parsed']:,} rows/s parsed, {case['kept']:,} kept, "
            f"import {case['import_s']} s, peak RSS {case['peak_rss_mb']} MB\n"
        )
    result = {"benchmark": "bench.imports (BACI)", "machine": machine(), "cases": cases}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    sys.stdout.write(f"results: {args.output}\n")
    met = all(c["meets_target"] for c in cases if c["size"] == "1m")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
