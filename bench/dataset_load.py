"""`make run` to the first answer, for the bundled dataset before issue 15 and now.

For each dataset tree, each run times `supplygraph load DIR` into a fresh embedded store
plus one `supplygraph dependents --country CN --json`, both as subprocesses through the real
CLI (what `make run` does before `serve`). Runs alternate between the trees so drift in the
machine's load hits both alike. Medians go to bench/results/dataset-load.json with the
machine (bench/machine.py).

    .venv/bin/python -m bench.dataset_load                 # 5 runs each
    .venv/bin/python -m bench.dataset_load --runs 3 --before 5a1408b^
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path
from typing import Any

from bench.machine import REPO, machine

BEFORE = "5a1408b^"
"""The parent of the first commit of issue 15 that touched dataset/ (`git log -- dataset/`)."""
RESULTS = REPO / "bench" / "results" / "dataset-load.json"
CLI = str(Path(sys.executable).with_name("supplygraph"))


def checkout_dataset(rev: str, into: Path) -> Path:
    """dataset/ as of ``rev``, written under ``into`` (the working tree is not touched)."""
    archive = subprocess.run(
        ["git", "archive", rev, "dataset"], cwd=REPO, check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "dataset"


def one_run(dataset: Path, scratch: Path) -> dict[str, float]:
    env = {**os.environ, "SUPPLYGRAPH_STORE": str(scratch)}
    t0 = time.perf_counter()
    subprocess.run([CLI, "load", str(dataset)], env=env, check=True, capture_output=True)
    t1 = time.perf_counter()
    answer = subprocess.run(
        [CLI, "dependents", "--country", "CN", "--json"],
        env=env,
        check=True,
        capture_output=True,
    )
    t2 = time.perf_counter()
    json.loads(answer.stdout)
    return {"load_s": t1 - t0, "answer_s": t2 - t1, "total_s": t2 - t0}


def _rounded(run: dict[str, float]) -> dict[str, float]:
    return {key: round(value, 3) for key, value in run.items()}


def medians(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: round(statistics.median(r[key] for r in runs), 3) for key in runs[0]}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before", default=BEFORE, help="git revision of the older dataset")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    info = machine(None)
    with tempfile.TemporaryDirectory(prefix="dataset-load-") as tmp:
        root = Path(tmp)
        trees = {
            "before": checkout_dataset(args.before, root / "before"),
            "now": REPO / "dataset",
        }
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
        for i in range(args.runs):
            for name, tree in trees.items():
                runs[name].append(one_run(tree, root / f"store-{name}-{i}"))
    result: dict[str, Any] = {
        "what": "supplygraph load DIR into a fresh embedded store + one dependents --country CN",
        "runs": args.runs,
        "before_rev": args.before,
        "machine": info,
        "cases": {
            name: {"median": medians(r), "runs": [_rounded(x) for x in r]}
            for name, r in runs.items()
        },
    }
    before = result["cases"]["before"]["median"]["total_s"]
    now = result["cases"]["now"]["median"]["total_s"]
    result["ratio_now_over_before"] = round(now / before, 3)
    result["target"] = "ratio <= 1.20"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    summary = {k: result[k] for k in ("ratio_now_over_before", "target")}
    summary["medians"] = {name: result["cases"][name]["median"] for name in runs}
    sys.stdout.write(json.dumps(summary) + "\n")
    return result


if __name__ == "__main__":
    main()
