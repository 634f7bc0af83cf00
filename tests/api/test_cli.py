"""The real `supplygraph` command, run as a subprocess: exit codes and output."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.support import casebook
from tests.support.served import cli, store_env
from tests.support.stores import DATASET, STORE_KINDS


@pytest.fixture(params=STORE_KINDS)
def env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    return store_env(request, request.param, tmp_path)


def test_load_then_query_prints_json(env: dict[str, str]) -> None:
    loaded = cli("load", str(DATASET), env=env)
    assert loaded.returncode == 0, loaded.stderr
    assert "total" in loaded.stdout and "created" in loaded.stdout
    answer = cli("query", '{ dependents(country: "CN") { product { id } share } }', env=env)
    assert answer.returncode == 0, answer.stderr
    rows = json.loads(answer.stdout)["data"]["dependents"]
    assert "suzuki-swift" in {r["product"]["id"] for r in rows}


def test_a_bad_file_exits_2_lists_problems_and_writes_nothing(
    env: dict[str, str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad"
    shutil.copytree(DATASET, bad)
    with (bad / "market_shares.csv").open("a", encoding="utf-8") as f:
        f.write("ndpr-oxide,CN,2024,1.5,,oxide,iea-2025-10,medium,\n")
    line = len((bad / "market_shares.csv").read_text(encoding="utf-8").splitlines())
    result = cli("load", str(bad), "--quiet", env=env)
    assert result.returncode == 2
    assert f"market_shares.csv:{line}: share: Input should be less than or equal to 1" in (
        result.stderr
    )
    assert "nothing was written" in result.stderr
    info = cli("query", "{ graph { version } products { totalCount } }", env=env)
    assert json.loads(info.stdout)["data"] == {
        "graph": {"version": 0},
        "products": {"totalCount": 0},
    }


def test_a_query_with_errors_exits_1(env: dict[str, str], tmp_path: Path) -> None:
    loaded = cli("load", str(casebook.chain().write(tmp_path / "case")), "-q", env=env)
    assert loaded.returncode == 0, loaded.stderr
    result = cli("query", '{ exposure(product: "nope", country: "CN") { share } }', env=env)
    assert result.returncode == 1
    assert json.loads(result.stdout)["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_unreadable_variables_exit_2(env: dict[str, str]) -> None:
    result = cli("query", "{ graph { version } }", "--variables", "{not json", env=env)
    assert result.returncode == 2


@pytest.mark.neo4j
def test_an_unreachable_server_exits_3_with_advice(tmp_path: Path) -> None:
    env = {
        "SUPPLYGRAPH_STORE": "neo4j://127.0.0.1:1",
        "NEO4J_PASSWORD": "whatever-123",
        "PATH": "/usr/bin:/bin",
    }
    result = cli("info", env=env)
    assert result.returncode == 3
    assert "not reachable" in result.stderr


def test_a_missing_password_is_named(tmp_path: Path) -> None:
    result = cli(
        "info", env={"SUPPLYGRAPH_STORE": "neo4j://127.0.0.1:7687", "PATH": "/usr/bin:/bin"}
    )
    assert result.returncode == 3
    assert "NEO4J_PASSWORD" in result.stderr and "is missing" in result.stderr


def test_querying_an_embedded_store_never_loaded_says_what_to_do(tmp_path: Path) -> None:
    env = {"SUPPLYGRAPH_STORE": str(tmp_path / "graph"), "PATH": "/usr/bin:/bin"}
    result = cli("info", env=env)
    assert result.returncode == 3
    assert "load data into it first" in result.stderr


def test_question_commands_answer_as_json(env: dict[str, str]) -> None:
    assert cli("load", str(DATASET), "-q", env=env).returncode == 0
    exposure = json.loads(
        cli("exposure", "suzuki-swift", "--country", "CN", "--json", env=env).stdout
    )
    assert exposure["subject"]["id"] == "suzuki-swift" and exposure["stage"] == "metal"
    assert {s["stage"] for s in exposure["stages"]} >= {"mining", "separation", "magnet"}
    top = json.loads(cli("dependents", "--kind", "oem", "--limit", "2", "--json", env=env).stdout)
    assert len(top) == 2 and all(d["subject"]["label"] == "Company" for d in top)
    [mining] = json.loads(cli("concentration", "--stage", "mining", "--json", env=env).stdout)
    assert mining["item"]["id"] == "re-concentrate" and mining["flagged"] is True
    stall = json.loads(
        cli(
            "scenario",
            "--control",
            "cn-mofcom-18-2025",
            "--approval-rate",
            "0.25",
            "--as-of",
            "2025-06-15",
            "--json",
            env=env,
        ).stdout
    )
    assert stall["inForce"] and stall["products"][0]["shortfall"] > 0.5  # the GraphQL shape
    bad = cli("exposure", "no-such-product", env=env)
    assert bad.returncode == 2 and "no-such-product" in bad.stderr
    assert (
        cli("scenario", "--control", "cn-mofcom-18-2025", "--as-of", "June", env=env).returncode
        == 2
    )


def test_a_missing_query_file_exits_2(tmp_path: Path) -> None:
    result = cli(
        "query",
        "--file",
        str(tmp_path / "nope.graphql"),
        env={"SUPPLYGRAPH_STORE": str(tmp_path / "graph"), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 2 and "nope.graphql" in result.stderr


def test_serve_refuses_a_port_out_of_range(tmp_path: Path) -> None:
    env = {"SUPPLYGRAPH_STORE": str(tmp_path / "graph"), "PATH": "/usr/bin:/bin"}
    result = cli("serve", "--port", "70000", env=env)
    assert result.returncode == 2 and "--port" in result.stderr and "65535" in result.stderr
