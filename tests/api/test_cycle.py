"""A graph with a supply cycle still serves: analytics answer with a typed error naming
the nodes, entity queries work. (The loader refuses a cycle, so the test writes one through
the store.)"""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.support import casebook
from tests.support.served import cli, serving, store_env
from tests.support.stores import open_embedded


def test_a_cycle_is_reported_over_http(tmp_path: Path) -> None:
    env = store_env(None, "embedded", tmp_path)
    refused = cli("load", str(casebook.cycle().write(tmp_path / "refused")), "-q", env=env)
    assert refused.returncode == 2 and "supply cycle: a -> b -> a" in refused.stderr
    store = open_embedded(Path(env["SUPPLYGRAPH_STORE"]))
    try:
        casebook.load_cycle(store, tmp_path / "case")
    finally:
        store.close()
    with serving(env) as base:
        body = httpx.post(
            f"{base}/graphql",
            json={"query": '{ dependents(country: "CN") { share } products { totalCount } }'},
        ).json()
        [error] = body["errors"]
        assert error["extensions"]["code"] == "SUPPLY_CYCLE"
        assert "a -> b" in error["message"]
        assert "Traceback" not in str(body)
        listed = httpx.post(f"{base}/graphql", json={"query": "{ products { totalCount } }"})
        assert listed.json()["data"]["products"]["totalCount"] == 1
