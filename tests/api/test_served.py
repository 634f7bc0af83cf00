"""The one test of a real server: `supplygraph serve` under uvicorn, on a port the OS chose,
answering over real HTTP. Everything else about the API is tested in process."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.support.served import cli, serving, store_env
from tests.support.stores import DATASET


def test_a_real_server_serves_health_graphiql_and_graphql(tmp_path: Path) -> None:
    env = store_env(None, "embedded", tmp_path)
    loaded = cli("load", str(DATASET), "--quiet", env=env)
    assert loaded.returncode == 0, loaded.stderr
    with serving(env, tmp_path) as base:
        assert not base.endswith(":0") and not base.endswith(":8000")
        assert httpx.get(f"{base}/healthz").json() == {"status": "ok"}
        ready = httpx.get(f"{base}/readyz").json()
        assert ready["status"] == "ready" and ready["store"] == "embedded"
        assert ready["graph_version"] == 1
        page = httpx.get(f"{base}/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 200 and "graphiql" in page.text.lower()
        answer = httpx.post(
            f"{base}/graphql",
            json={"query": '{ product(id: "suzuki-swift") { oems { id } } }'},
            timeout=30,
        )
        assert answer.json()["data"]["product"]["oems"] == [{"id": "suzuki-motor"}]
