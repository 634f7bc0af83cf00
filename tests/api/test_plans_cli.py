"""`supplygraph mitigate`, `watch` and `audit --compare`: the real command on each store,
serving the bundled dataset."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.served import cli, store_env
from tests.support.stores import DATASET, STORE_KINDS


@pytest.fixture(scope="module", params=STORE_KINDS)
def env(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    env = store_env(request, request.param, tmp_path_factory.mktemp("plans"))
    assert cli("load", str(DATASET), "-q", env=env).returncode == 0
    return env


def test_watch_as_of_2026_11_01_lists_the_end_of_the_october_suspension(
    env: dict[str, str],
) -> None:
    result = cli("watch", "--within", "30d", "--as-of", "2026-11-01", "--json", env=env)
    assert result.returncode == 0, result.stderr
    [event] = json.loads(result.stdout)
    assert (event["control"]["id"], event["day"], event["change"]) == (
        "cn-mofcom-2025-oct",
        "2026-11-10",
        "suspension_ends",
    )
    assert (event["before"], event["after"], event["act"]["id"]) == (
        "suspended",
        "in_force",
        "cn-mofcom-70-2025",
    )
    # No. 57's elements (Ho, Er, Tm, Eu, Yb) reach only concentrate, not a controlled form;
    # No. 61 reaches magnets made outside China from Chinese inputs (GM's, the Indian MRI's).
    assert event["covered"] == []
    assert "ndfeb-sintered" in {c["id"] for c in event["coveredAbroad"]}
    products = [p["product"]["id"] for p in event["products"]]
    assert {"cadillac-lyriq", "india-indigenous-mri"} <= set(products)
    shortfalls = [p["shortfall"] for p in event["products"]]
    assert shortfalls == sorted(shortfalls, reverse=True)
    table = cli("watch", "--within", "5w", "--as-of", "2026-11-01", env=env)
    assert "2026-11-10  cn-mofcom-2025-oct: suspension ends (cn-mofcom-70-2025)" in table.stdout
    assert "cadillac-lyriq" in table.stdout and "reaches no product" not in table.stdout
    assert "2026-12-02  cn-mofcom-18-2025: licence expires" in table.stdout
    listed = json.loads(
        cli("watch", "--within", "365d", "--as-of", "2025-03-01", "--json", env=env).stdout
    )
    effect = next(e for e in listed if e["control"]["id"] == "cn-mofcom-18-2025")
    assert effect["day"] == "2025-04-04" and effect["change"] == "takes_effect"
    shortfalls = [p["shortfall"] for p in effect["products"]]
    assert shortfalls and shortfalls == sorted(shortfalls, reverse=True)
    assert "maruti-suzuki-cars" in {p["product"]["id"] for p in effect["products"]}
    bad = cli("watch", "--within", "a month", env=env)
    assert bad.returncode == 2 and "--within 'a month'" in bad.stderr


def test_mitigate_plans_the_bundled_tesla_supply_in_shares(env: dict[str, str]) -> None:
    result = cli("mitigate", "tesla", "--country", "CN", "--target", "0.5", "--json", env=env)
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["feasible"] and plan["bestShare"] == pytest.approx(0.5, abs=1e-7)
    assert {s["stage"] for s in plan["stages"]} == {"mining", "separation", "metal", "magnet"}
    assert all(s["before"] > 0.5 and s["tonnes"] is None for s in plan["stages"])
    assert plan["moves"] and all(m["tonnes"] is None for m in plan["moves"])
    assert plan["notes"]  # no tonnes for Tesla in the graph: the plan is in shares
    table = cli("mitigate", "tesla", "--target", "0.5", "--stage", "magnet", env=env)
    assert table.returncode == 0 and "target met" in table.stdout
    bad = cli("mitigate", "tesla", "--target", "2", env=env)
    assert bad.returncode == 2 and "target must be between 0 and 1" in bad.stderr


def test_audit_compare_reports_new_and_resolved_breaches(
    env: dict[str, str], tmp_path: Path
) -> None:
    now = cli("audit", "--country", "CN", "--format", "json", env=env)
    report = json.loads(now.stdout)
    rows = report["rows"]
    breach = next(r for r in rows if r["breach"])
    calm = next(r for r in rows if not r["breach"])
    earlier = [
        {**r, "breach": False, "value": 0.5}
        if r is breach
        else {**r, "breach": True, "value": 0.7}
        if r is calm
        else r
        for r in rows
    ]
    previous = tmp_path / "previous.json"
    previous.write_text(json.dumps({**report, "rows": earlier}), encoding="utf-8")
    result = cli(
        "audit", "--country", "CN", "--format", "json", "--compare", str(previous), env=env
    )
    assert result.returncode == 1, result.stderr
    comparison = json.loads(result.stdout)["comparison"]
    key = ["subject", "stage", "country"]
    assert [[f[k] for k in key] for f in comparison["new_breaches"]] == [[breach[k] for k in key]]
    assert [[f[k] for k in key] for f in comparison["resolved"]] == [[calm[k] for k in key]]
    assert {(m["before"], m["after"]) for m in comparison["moves"]} == {
        (0.5, breach["value"]),
        (0.7, calm["value"]),
    }
    assert "1 new breaches, 1 resolved, 2 shares moved" in result.stderr
    assert f"NEW BREACH dependence / {breach['subject']}" in result.stderr
    same = tmp_path / "same.json"
    same.write_text(now.stdout, encoding="utf-8")
    unchanged = cli("audit", "--country", "CN", "--compare", str(same), env=env)
    assert unchanged.returncode == 0, unchanged.stderr  # breaches, but none new
    assert "0 new breaches, 0 resolved, 0 shares moved" in unchanged.stderr


def test_audit_compare_refuses_a_file_that_is_not_a_report(
    env: dict[str, str], tmp_path: Path
) -> None:
    broken = tmp_path / "previous.json"
    broken.write_text('{"rows": [{"check": "dependence", "value": "high"}]}', encoding="utf-8")
    result = cli("audit", "--compare", str(broken), env=env)
    assert result.returncode == 2
    assert "previous.json:1: value: Input should be a valid number" in result.stderr
    assert "previous.json:1: subject: Field required" in result.stderr
    other = tmp_path / "other.json"
    other.write_text("[1, 2]", encoding="utf-8")
    refused = cli("audit", "--compare", str(other), env=env)
    assert refused.returncode == 2 and "other.json:0: rows: not an audit report" in refused.stderr
