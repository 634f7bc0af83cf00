"""What a new user meets first in the real `supplygraph` command: its version, the variables
behind its options, and tables that read at 80 columns on each store."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.support.served import BIN, cli, store_env
from tests.support.stores import DATASET, STORE_KINDS

NARROW = {"COLUMNS": "80", "LINES": "50"}


@pytest.fixture(params=STORE_KINDS)
def env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    return {**store_env(request, request.param, tmp_path), **NARROW}


def test_version_prints_the_package_version() -> None:
    result = subprocess.run([str(BIN), "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"supplygraph \d+\.\d+\.\d+\S*\n", result.stdout)


@pytest.mark.parametrize(
    ("command", "variables"),
    [
        ("load", ["SUPPLYGRAPH_BATCH_SIZE"]),
        ("serve", ["SUPPLYGRAPH_HOST", "SUPPLYGRAPH_PORT"]),
        ("import baci", ["SUPPLYGRAPH_BATCH_SIZE"]),
    ],
)
def test_options_show_their_environment_variables(command: str, variables: list[str]) -> None:
    env = {**os.environ, "COLUMNS": "120"}
    result = subprocess.run(
        [str(BIN), *command.split(), "--help"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    for variable in variables:
        assert f"[env var: {variable}]" in result.stdout


def _row_ids(question: str, answer: object) -> set[str]:
    """The ids each table leads its rows with, from the JSON answer to the same question."""
    if question == "scenario":
        assert isinstance(answer, dict)
        return {p["product"]["id"] for p in answer["products"]} | {
            g["entity"]["id"] for g in answer["oems"] + answer["endUses"]
        }
    assert isinstance(answer, list)
    key = {"dependents": "subject", "concentration": "item", "controls": "control"}[question]
    return {row[key]["id"] for row in answer}


@pytest.mark.parametrize(
    "question",
    [
        ["dependents", "--kind", "product"],
        ["dependents", "--kind", "oem"],
        ["concentration"],
        ["controls", "--as-of", "2025-06-01"],
        ["scenario", "--control", "cn-mofcom-18-2025", "--as-of", "2025-06-01"],
    ],
)
def test_tables_fit_80_columns_with_every_id_whole(
    env: dict[str, str], question: list[str]
) -> None:
    """A reader copies ids from a table into the next command: none may be cut or folded."""
    assert cli("load", str(DATASET), "-q", env=env).returncode == 0
    table = cli(*question, env=env)
    answer = cli(*question, "--json", env=env)
    assert table.returncode == 0 and answer.returncode == 0, table.stderr + answer.stderr
    lines = table.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "…" not in table.stdout
    leading = {line.split()[0] for line in lines if line.strip()}
    ids = _row_ids(question[0], json.loads(answer.stdout))
    assert ids and ids <= leading, sorted(ids - leading)


def test_load_and_info_tables_fit_80_columns(env: dict[str, str]) -> None:
    loaded = cli("load", str(DATASET), env=env)
    info = cli("info", env=env)
    assert loaded.returncode == 0 and info.returncode == 0, loaded.stderr + info.stderr
    for text in (loaded.stdout, info.stdout):
        lines = text.splitlines()
        assert max(len(line) for line in lines) <= 80
        assert lines[0].startswith(("Loaded ", "embedded store", "neo4j store"))
        assert "graph version 1" in lines[0]


def test_a_reload_of_identical_data_says_unchanged_and_each_phase_is_named(
    env: dict[str, str],
) -> None:
    first = cli("load", str(DATASET), env=env)
    again = cli("load", str(DATASET), "-q", env=env)
    assert first.returncode == 0 and again.returncode == 0, first.stderr + again.stderr
    phases = [line.removeprefix("load: ") for line in first.stderr.splitlines() if "load: " in line]
    assert phases == [
        "validating",
        "schema set-up",
        "writing nodes",
        "writing relationships",
        "committing",
    ]
    created = re.search(r"^total +(\d+) +0 +0$", first.stdout, re.MULTILINE)
    assert created is not None, first.stdout
    assert again.stdout.startswith(f"loaded 0 created, 0 updated, {created.group(1)} unchanged")
    assert "property does not exist" not in first.stderr + again.stderr
