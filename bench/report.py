"""The benchmark's report: growth between sizes, ratios to the baseline, the cross-store
check, the targets, the summary table, and the results files."""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"

TARGET_ALL_S = 2.0
TARGET_SINGLE_P50_MS = 20.0
TARGET_BASELINE_RATIO = 100.0


def growth(cases: dict[str, dict[str, Any]], sizes: list[str]) -> dict[str, Any]:
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


def ratios(case: dict[str, Any]) -> dict[str, Any] | None:
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


def cross_store(matrices: Path, sizes: list[str], seed: int) -> dict[str, Any]:
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


def targets(cases: dict[str, dict[str, dict[str, Any]]], largest: str) -> list[dict[str, Any]]:
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


def write(results: dict[str, Any], started_at: datetime, *, final: bool) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = started_at.strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / (f"{stamp}.json" if final else f"{stamp}.partial.json")
    path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    if final:
        shutil.copyfile(path, RESULTS / "latest.json")
        (RESULTS / f"{stamp}.partial.json").unlink(missing_ok=True)
    return path
