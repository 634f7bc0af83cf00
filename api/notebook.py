"""The notebook API: one import, one call, pandas DataFrames.

    from api.notebook import explore
    frames = explore("suzuki-swift", country="CN", control="cn-mofcom-18-2025")
    frames.stages          # exposure by stage: share by basis, coverage
    frames.paths, frames.dependents, frames.concentration, frames.scenario

With no ``server`` it reads the configured store (``SUPPLYGRAPH_STORE`` / ``NEO4J_*``, or
``store=`` a path of the embedded store), read-only, so it works while the server runs.
With ``server="http://host:8000", key="sg_..."`` it asks a running server's
``/report?format=json``. Both give the report's JSON (api/report.py), so the frames are the
same either way.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pandas as pd

from api.report import DEFAULT_THRESHOLD, ReportRequest, build_report
from api.settings import load_settings
from api.stores import open_store
from graph.errors import NotebookError
from graph.snapshots import SnapshotCache


@dataclass(frozen=True)
class Frames:
    stages: pd.DataFrame
    paths: pd.DataFrame
    dependents: pd.DataFrame
    concentration: pd.DataFrame
    scenario: pd.DataFrame
    """One row per product under the scenario; empty without ``control``."""
    report: dict[str, Any]
    """The report's JSON, in the GraphQL API's shape."""


def explore(
    subject: str,
    *,
    country: str = "CN",
    control: str | None = None,
    approval_rate: float = 0.0,
    duration_weeks: float = 8.0,
    store: str | None = None,
    server: str | None = None,
    key: str | None = None,
) -> Frames:
    wanted = ReportRequest(
        subject=subject,
        country=country.upper(),
        control=control,
        approval_rate=approval_rate,
        duration_weeks=duration_weeks,
        threshold=DEFAULT_THRESHOLD,
    )
    report = _remote(server, wanted, key) if server else _local(store, wanted)
    return frames_of(report)


def _local(path: str | None, wanted: ReportRequest) -> dict[str, Any]:
    env = dict(os.environ)
    if path is not None:
        env["SUPPLYGRAPH_STORE"] = path
    handle = open_store(load_settings(env), read_only=True)
    try:
        return build_report(SnapshotCache().get(handle), wanted, today=date.today())
    finally:
        handle.close()


def _remote(server: str, wanted: ReportRequest, key: str | None) -> dict[str, Any]:
    params = {
        "subject": wanted.subject,
        "country": wanted.country,
        "approval": str(wanted.approval_rate),
        "weeks": str(wanted.duration_weeks),
        "format": "json",
    }
    if wanted.control:
        params["control"] = wanted.control
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    try:
        response = httpx.get(
            server.rstrip("/") + "/report", params=params, headers=headers, timeout=120
        )
    except httpx.HTTPError as e:
        raise NotebookError(f"cannot reach {server}: {e}") from e
    body: dict[str, Any] = response.json()
    if response.status_code != 200:
        message = (body.get("errors") or [{}])[0].get("message", "")
        raise NotebookError(f"{server} answered {response.status_code}: {message}")
    return body


def frames_of(report: dict[str, Any]) -> Frames:
    exposure = report["exposure"]
    stages = pd.DataFrame(exposure["stages"]).set_index("stage")
    paths = pd.DataFrame(
        [
            {
                "share": p["share"],
                "stage": p["stage"],
                "basis": p["basis"],
                "route": " > ".join(s["item"]["id"] for s in p["steps"]),
            }
            for p in exposure["paths"]
        ],
        columns=["share", "stage", "basis", "route"],
    )
    dependents = pd.DataFrame(
        [
            {
                "product": d["subject"]["id"],
                "share": d["share"],
                "stage": d["stage"],
                "basis": d["basis"],
            }
            for d in report["dependents"]
        ],
        columns=["product", "share", "stage", "basis"],
    )
    concentration = pd.DataFrame(
        [
            {
                "item": c["item"]["id"],
                "stage": c["stage"],
                "top_country": c["shares"][0]["country"] if c["shares"] else None,
                "top1": c["top1"],
                "hhi": c["hhi"],
                "coverage": c["coverage"],
                "flagged": c["flagged"],
            }
            for c in report["concentration"]
        ],
        columns=["item", "stage", "top_country", "top1", "hhi", "coverage", "flagged"],
    )
    impacts = (report["scenario"] or {}).get("products", [])
    scenario = pd.DataFrame(
        [
            {
                "product": p["product"]["id"],
                "controlled": p["controlled"],
                "shortfall": p["shortfall"],
                "weeks_low": p["weeksToStockout"][0] if p["weeksToStockout"] else None,
                "weeks_high": p["weeksToStockout"][1] if p["weeksToStockout"] else None,
                "stockout_from": p["stockoutDates"][0] if p["stockoutDates"] else None,
            }
            for p in impacts
        ],
        columns=[
            "product",
            "controlled",
            "shortfall",
            "weeks_low",
            "weeks_high",
            "stockout_from",
        ],
    )
    return Frames(stages, paths, dependents, concentration, scenario, report)
