"""A graph with a supply cycle still serves: analytics answer with a typed error naming
the nodes, entity queries work."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import casebook
from tests.support.asgi import ServeFolder

pytestmark = pytest.mark.anyio


async def test_a_cycle_is_reported_over_http(api_on: ServeFolder, tmp_path: Path) -> None:
    async with api_on(casebook.cycle().write(tmp_path / "case")) as client:
        response = await client.post(
            "/graphql",
            json={"query": '{ dependents(country: "CN") { share } products { totalCount } }'},
        )
        body = response.json()
        [error] = body["errors"]
        assert error["extensions"]["code"] == "SUPPLY_CYCLE"
        assert "a -> b" in error["message"]
        assert "Traceback" not in str(body)
        listed = await client.post("/graphql", json={"query": "{ products { totalCount } }"})
        assert listed.json()["data"]["products"]["totalCount"] == 1
