"""Loader benchmark: time and peak memory to validate large dataset files.

For each size it writes a dataset whose ``products.csv`` has that many rows (each a product
node and a MAKES link to one of 1,000 OEMs), with a bad last row, as the worst case the loader
must stream through before it can refuse. Each size is validated in a fresh process against
an empty embedded store (Ladybug, 256 MB buffer pool), so its peak resident memory
(``ru_maxrss``) is its own, and once more against no store at all (``without_store``: the
loader's own time and memory). A valid
copy at the smallest size is also loaded for real, to time a whole load.

    python -m bench.loader [--sizes 100k,1M] [--out bench/results/loader.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.generate import parse_size

OEMS = 1000
SOURCE = "bench-source"


def write_dataset(folder: Path, rows: int, *, bad_last: bool) -> int:
    """Write the dataset; return the size of products.csv in bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sources.csv").write_text(f"id,title\n{SOURCE},Benchmark\n", encoding="utf-8")
    (folder / "countries.csv").write_text("id,name\nCN,China\n", encoding="utf-8")
    with (folder / "companies.csv").open("w", encoding="utf-8") as f:
        f.write("id,name,country,roles,source,confidence\n")
        for i in range(OEMS):
            f.write(f"oem-{i},OEM {i},CN,oem,{SOURCE},high\n")
    with (folder / "products.csv").open("w", encoding="utf-8") as f:
        f.write("id,name,oem,source,confidence,note\n")
        for i in range(rows - 1):
            f.write(f"product-{i:07d},Product number {i},oem-{i % OEMS},{SOURCE},high,bench row\n")
        last = "product-last,,oem-0" if bad_last else "product-last,Last,oem-0"
        f.write(f"{last},{SOURCE},high,bench row\n")
    return (folder / "products.csv").stat().st_size


def _child(path: str, store_path: str, mode: str) -> None:
    """Validate (or load) ``path`` and print timings and peak memory as JSON."""
    from graph.errors import LoadError
    from graph.stores import factory
    from loaders.formats import dataset
    from loaders.load import load, plan
    from loaders.validate import NothingStored, validate

    store = None if mode == "alone" else factory.open_embedded(store_path, buffer_pool_mb=256)
    started = time.perf_counter()
    problems: list[str] = []
    try:
        if store is None:
            validate(lambda: dataset.read(path), store=NothingStored())
        elif mode == "load":
            load(store=store, path=path, batch_size=10_000)
        else:
            plan(store=store, path=path)
    except LoadError as e:
        problems = [str(p) for p in e.problems]
    elapsed = time.perf_counter() - started
    if store is not None:
        store.close()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    json.dump(
        {
            "seconds": round(elapsed, 2),
            "peak_rss_mb": round(peak_kib / 1024, 1),
            "problems": problems,
        },
        sys.stdout,
    )


def _run(path: Path, store: Path, mode: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.loader", "--child", str(path), str(store), mode],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(out.stdout)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100k,1M")
    parser.add_argument("--out", default="bench/results/loader.json")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(*args.child)
        return
    sizes = [parse_size(s) for s in args.sizes.split(",")]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for rows in sizes:
            folder = root / f"bad-{rows}"
            size = write_dataset(folder, rows, bad_last=True)
            run = _run(folder, root / f"store-{rows}", "validate")
            problems = run.pop("problems")
            assert isinstance(problems, list)
            alone = _run(folder, root / "unused", "alone")
            alone.pop("problems")
            results.append(
                {
                    "rows": rows,
                    "file_mb": round(size / 1e6, 1),
                    "refused": problems,
                    **run,
                    "without_store": alone,
                }
            )
            sys.stderr.write(f"validate {rows} rows ({size / 1e6:.0f} MB): {run}\n")
        rows = min(sizes)
        folder = root / f"good-{rows}"
        size = write_dataset(folder, rows, bad_last=False)
        run = _run(folder, root / f"store-good-{rows}", "load")
        run.pop("problems")
        sys.stderr.write(f"load {rows} rows into embedded: {run}\n")
    report = {
        "benchmark": "loader: validate a products.csv with a bad last row (fresh process each)",
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
        },
        "validate": results,
        "load_embedded": {"rows": rows, "file_mb": round(size / 1e6, 1), **run},
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    sys.stderr.write(f"wrote {args.out}\n")


if __name__ == "__main__":
    main()
