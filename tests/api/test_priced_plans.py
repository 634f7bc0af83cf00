"""The planner's objective and costs at the edges, on each store: GraphQL in process and the
real CLI, on the hand-computed priced case (tests/support/casebook.py, priced_mitigation:
the cheapest plan moves 40 t to S2 for USD 240,000 a year, not 30 t to S1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support import casebook
from tests.support.asgi import ServeFolder, gql
from tests.support.served import cli, store_env
from tests.support.stores import STORE_KINDS


@pytest.mark.anyio
async def test_graphql_shows_the_objective_and_the_cost(
    api_on: ServeFolder, tmp_path: Path
) -> None:
    async with api_on(casebook.priced_mitigation().write(tmp_path / "case")) as client:
        body = await gql(
            client,
            """{ mitigate(subject: "p", country: "CN", target: 0.7) {
                   stages { stage after objective extraCost costUnit }
                   moves { supplier { id } to { id } tonnes usdPerKgFrom usdPerKgTo extraCost }
                   notes } }""",
        )
    plan = body["data"]["mitigate"]
    [stage] = plan["stages"]
    assert (stage["objective"], stage["costUnit"]) == ("cost", "USD a year")
    assert stage["extraCost"] == pytest.approx(240_000, rel=1e-9)
    assert plan["moves"] == [
        {
            "supplier": {"id": "c"},
            "to": {"id": "s2"},
            "tonnes": pytest.approx(40.0),
            "usdPerKgFrom": 50.0,
            "usdPerKgTo": 56.0,
            "extraCost": pytest.approx(240_000, rel=1e-9),
        }
    ]
    assert "least extra cost" in plan["notes"][0]


@pytest.mark.parametrize("kind", STORE_KINDS)
def test_the_cli_prints_the_objective_and_the_cost(
    request: pytest.FixtureRequest, kind: str, tmp_path: Path
) -> None:
    env = store_env(request, kind, tmp_path)
    case = casebook.priced_mitigation().write(tmp_path / "case")
    assert cli("load", str(case), "-q", env=env).returncode == 0
    table = cli("mitigate", "p", "--target", "0.7", env=env)
    assert table.returncode == 0, table.stderr
    assert "240,000 USD a year" in table.stdout and "50 -> 56" in table.stdout
    assert "note: the magnet plan is the least extra cost" in " ".join(table.stdout.split())
    plan = json.loads(cli("mitigate", "p", "--target", "0.7", "--json", env=env).stdout)
    assert plan["stages"][0]["objective"] == "cost"
    assert [m["to"]["id"] for m in plan["moves"]] == ["s2"]
