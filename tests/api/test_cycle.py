"""A graph with a supply cycle still serves: analytics answer with a typed error naming
the nodes, entity queries work."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.support import casebook
from tests.support.served import cli, serving, store_env


def test_a_cycle_is_reported_over_http(tmp_path: Path) -> None:
    env = store_env(None, "embedded", tmp_path)
    assert (
        cli("load", str(casebook.cycle().write(tmp_path / "case")), "-q", env=env).returncode == 0
    )
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
