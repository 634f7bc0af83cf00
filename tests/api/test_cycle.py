"""A graph with a supply cycle still serves: analytics answer with a typed error naming
the nodes, entity queries work. (The loader refuses a cycle, so the test writes one through
the store, as another tool could have.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from api.stores import open_store
from loaders.load import load
from tests.support import casebook
from tests.support.asgi import fresh_settings, in_process
from tests.support.stores import STORE_KINDS

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("store_kind", STORE_KINDS)
async def test_a_cycle_is_reported_over_http(
    request: pytest.FixtureRequest, store_kind: str, tmp_path: Path
) -> None:
    settings = fresh_settings(request, store_kind, tmp_path)
    store = open_store(settings)
    try:
        with pytest.raises(Exception, match=r"supply cycle: a -> b -> a"):
            load(store=store, path=str(casebook.cycle().write(tmp_path / "refused")))
        casebook.load_cycle(store, tmp_path / "case")
    finally:
        store.close()
    async with in_process(settings) as client:
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
