"""Answers that hold, at the edges, on each store: partial answers in GraphQL, ``paths: 0``,
``controls(asOf:)``, one JSON shape for the CLI's ``--json`` and GraphQL, and CLI tables
that say what they do not know and why nothing is blocked."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from graphql import GraphQLObjectType, get_named_type

from api.stores import open_store
from schema import build_schema
from tests.support import casebook
from tests.support.asgi import ServeFolder, fresh_settings, gql, in_process
from tests.support.served import cli, store_env
from tests.support.stores import STORE_KINDS


def selection(type_name: str) -> str:
    """Every field of a GraphQL type, nested: what a query asking for all of it selects."""
    named = build_schema()._schema.type_map[type_name]
    assert isinstance(named, GraphQLObjectType)
    parts = []
    for name, field in named.fields.items():
        inner = get_named_type(field.type)
        parts.append(
            f"{name} {selection(inner.name)}" if isinstance(inner, GraphQLObjectType) else name
        )
    return "{ " + " ".join(parts) + " }"


@pytest.mark.anyio
@pytest.mark.parametrize("store_kind", STORE_KINDS)
async def test_a_failing_question_does_not_null_the_rest(
    request: pytest.FixtureRequest, store_kind: str, tmp_path: Path
) -> None:
    """Before: a supply cycle made the whole ``data`` null, concentration included. (The
    loader refuses a cycle, so the case writes its closing edge through the store.)"""
    settings = fresh_settings(request, store_kind, tmp_path)
    store = open_store(settings)
    try:
        casebook.load_cycle(store, tmp_path / "case")
    finally:
        store.close()
    async with in_process(settings) as client:
        body = await gql(
            client,
            """{ exposure(product: "p", country: "CN") { share }
                 concentration(item: "a") { top1 hhi }
                 products { totalCount } }""",
        )
    assert body["data"]["exposure"] is None
    assert body["data"]["concentration"] == [{"top1": 1.0, "hhi": pytest.approx(10000.0)}]
    assert body["data"]["products"] == {"totalCount": 1}
    [error] = body["errors"]
    assert error["path"] == ["exposure"] and error["extensions"]["code"] == "SUPPLY_CYCLE"


@pytest.mark.anyio
async def test_paths_zero_and_controls_on_a_day(api_on: ServeFolder, tmp_path: Path) -> None:
    """Before: ``paths: 0`` answered INTERNAL; ``controls`` did not exist."""
    async with api_on(casebook.export_control().write(tmp_path / "case")) as client:
        none = await gql(
            client, '{ exposure(product: "p", country: "CN", paths: 0) { share paths { share } } }'
        )
        assert "errors" not in none
        assert none["data"]["exposure"]["paths"] == []
        too_many = await gql(
            client, '{ exposure(product: "p", country: "CN", paths: 51) { share } }'
        )
        assert too_many["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
        body = await gql(
            client,
            """{ controls(asOf: "2026-01-01") { control { id } inForce state status
                   act { kind start until } inForceFrom } }""",
        )
    by_id = {c["control"]["id"]: c for c in body["data"]["controls"]}
    assert by_id["y"] == {
        "control": {"id": "y"},
        "inForce": False,
        "state": "suspended",
        "status": "suspended until 2026-11-10",
        "act": {"kind": "suspend", "start": "2025-11-10", "until": "2026-11-10"},
        "inForceFrom": "2026-11-10",
    }
    assert by_id["x"]["inForce"] and by_id["x"]["inForceFrom"] == "2025-04-04"
    assert by_id["z"]["inForceFrom"] == "2025-04-01"


@pytest.fixture(params=STORE_KINDS)
def env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    return store_env(request, request.param, tmp_path)


def _graphql(env: dict[str, str], field: str, type_name: str) -> Any:
    answer = cli("query", "{ " + field + " " + selection(type_name) + " }", env=env)
    assert answer.returncode == 0, answer.stdout + answer.stderr
    return json.loads(answer.stdout)["data"][field.split("(")[0]]


def _json(env: dict[str, str], *args: str) -> Any:
    answer = cli(*args, "--json", env=env)
    assert answer.returncode == 0, answer.stderr
    return json.loads(answer.stdout)


def test_cli_json_is_the_graphql_answer(env: dict[str, str], tmp_path: Path) -> None:
    """Before: ``--json`` printed snake_case names and another structure."""
    loaded = cli("load", str(casebook.export_control().write(tmp_path / "case")), "-q", env=env)
    assert loaded.returncode == 0, loaded.stderr
    assert _json(env, "exposure", "p", "--country", "CN") == _graphql(
        env, 'exposure(product: "p", country: "CN")', "Exposure"
    )
    assert _json(env, "dependents", "--country", "CN", "--item", "Dy") == _graphql(
        env, 'dependents(country: "CN", item: "Dy")', "Dependent"
    )
    assert _json(env, "concentration") == _graphql(env, "concentration", "Concentration")
    scenario = _json(env, "scenario", "--control", "x", "--as-of", "2025-06-01")
    assert scenario == _graphql(env, 'scenario(control: "x", asOf: "2025-06-01")', "Scenario")
    assert scenario["countedFrom"] == "2025-04-04" and "counted_from" not in scenario
    assert _json(env, "controls", "--as-of", "2026-01-01") == _graphql(
        env, 'controls(asOf: "2026-01-01")', "ControlStatus"
    )


def test_cli_tables_say_what_is_unknown_and_why_nothing_is_blocked(
    env: dict[str, str], tmp_path: Path
) -> None:
    """Before: ``--paths 0`` gave a traceback; the scenario table dropped OEMs and end
    uses and a suspended control printed an empty table; unknown stages printed 0.0%."""
    loaded = cli("load", str(casebook.export_control().write(tmp_path / "case")), "-q", env=env)
    assert loaded.returncode == 0, loaded.stderr
    exposure = cli("exposure", "p", "--country", "CN", "--paths", "0", env=env)
    assert exposure.returncode == 0 and "Traceback" not in exposure.stderr
    [metal] = [line for line in exposure.stdout.splitlines() if line.startswith("metal ")]
    assert re.search(r"^metal\s+-\s+-\s+-\s+-\s+0%\s+none", metal), metal
    bad = cli("exposure", "p", "--paths", "51", env=env)
    assert bad.returncode == 2 and "paths must be between 0 and 50" in bad.stderr
    dependents = cli("dependents", "--country", "CN", env=env)
    assert "basis" in dependents.stdout and "market" in dependents.stdout
    suspended = cli("scenario", "--control", "y", "--as-of", "2026-01-01", env=env)
    assert suspended.returncode == 0, suspended.stderr
    text = " ".join(suspended.stdout.split())
    assert "nothing is blocked on 2026-01-01: the control is suspended until 2026-11-10" in text
    assert "binds again on 2026-11-10" in text
    blocked = cli("scenario", "--control", "x", "--approval-rate", "0.25", env=env)
    text = " ".join(blocked.stdout.split())
    assert (
        "OEMs" in text
        and re.search(r"^o\s+O\s+13\.5%", blocked.stdout, re.M)
        and "end uses" in text
        and "auto" in text
    )
    assert "stock-outs counted from 2025-04-04" in text
    for output in (exposure.stdout, dependents.stdout, blocked.stdout):
        assert not re.search(r"\d\.\d{5,}", output), output
