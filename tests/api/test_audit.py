"""`supplygraph audit` as a CI job would run it: output formats and exit codes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.support.served import cli, store_env
from tests.support.stores import DATASET, STORE_KINDS


@pytest.fixture(scope="module", params=STORE_KINDS)
def env(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    env = store_env(request, request.param, tmp_path_factory.mktemp("audit"))
    assert cli("load", str(DATASET), "-q", env=env).returncode == 0
    return env


def test_a_breach_exits_1_and_csv_lists_it(env: dict[str, str]) -> None:
    result = cli("audit", "--country", "CN", "--format", "csv", env=env)
    assert result.returncode == 1, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    swift = {r["stage"]: r for r in rows if r["subject"] == "suzuki-swift"}
    assert swift["magnet"]["breach"] == "True"
    assert float(swift["magnet"]["value"]) == pytest.approx(0.94)
    assert swift["magnet"]["threshold"] == "0.65"
    assert "above the threshold" in result.stderr


def test_no_breach_exits_0(env: dict[str, str]) -> None:
    """Nothing is above 1 (the Tesla models, whose named magnet maker is Chinese, reach it)."""
    result = cli("audit", "--country", "CN", "--fail-above", "1", "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["breaches"] == 0 and report["findings"] > 0


def test_a_yaml_audit_runs_every_check(env: dict[str, str], tmp_path: Path) -> None:
    spec = tmp_path / "audit.yaml"
    spec.write_text(
        """
name: licence stall
fail_above: 0.65
checks:
  - concentration: {stage: separation}
  - scenario: {control: cn-mofcom-18-2025, approval_rate: 0.25, duration_weeks: 12,
               as_of: 2025-06-15}
  - scenario: {control: cn-mofcom-2025-oct, as_of: 2026-01-01}
""",
        encoding="utf-8",
    )
    out = tmp_path / "report.md"
    result = cli("audit", "--file", str(spec), "--format", "md", "--output", str(out), env=env)
    assert result.returncode == 1, result.stderr
    report = out.read_text(encoding="utf-8")
    assert report.startswith("# licence stall")
    assert any(
        line.startswith("| concentration |") and "(`ndpr-oxide`)" in line
        for line in report.splitlines()
    )
    maruti = next(line for line in report.splitlines() if "maruti-suzuki-cars" in line)
    assert "stock out in 8.4-11.2 weeks" in maruti and "**yes**" in maruti


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("checks: []", "audit.yaml:1: checks: List should have at least 1 item"),
        (
            "name: x\nchecks:\n  - dependence: {colour: red}",
            "audit.yaml:3: checks.0.dependence.colour: Extra inputs",
        ),
        ("checks:\n  - {}", "give exactly one of dependence, concentration, scenario"),
        ("name: x\nchecks: [", "audit.yaml:2: file: while parsing"),
    ],
)
def test_a_bad_audit_file_exits_2(
    env: dict[str, str], tmp_path: Path, text: str, message: str
) -> None:
    spec = tmp_path / "audit.yaml"
    spec.write_text(text, encoding="utf-8")
    result = cli("audit", "--file", str(spec), env=env)
    assert result.returncode == 2
    assert message in result.stderr


def test_unknown_ids_exit_2(env: dict[str, str]) -> None:
    assert cli("audit", "--country", "XX", env=env).returncode == 2
    result = cli("audit", "--control", "no-such-control", env=env)
    assert result.returncode == 2 and "no-such-control" in result.stderr
