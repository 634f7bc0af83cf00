"""The embedded store belongs to one writing process: a second writer is told what to do,
and read-only commands work beside a running server."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from tests.support.served import cli, serving, store_env
from tests.support.stores import DATASET


def test_a_load_while_serving_is_refused_with_advice(tmp_path: Path) -> None:
    env = store_env(None, "embedded", tmp_path)
    assert cli("load", str(DATASET), "-q", env=env).returncode == 0
    with serving(env, tmp_path) as base:
        again = cli("load", str(DATASET), "-q", env=env)
        assert again.returncode == 3
        assert "in use by another process" in again.stderr
        assert "supplygraph serve" in again.stderr
        assert "Traceback" not in again.stderr
        read = cli("query", "{ products { totalCount } }", env=env)
        assert read.returncode == 0, read.stderr
        total = json.loads(read.stdout)["data"]["products"]["totalCount"]
        assert httpx.get(f"{base}/readyz").json()["graph_version"] == 1
        served = httpx.post(f"{base}/graphql", json={"query": "{ products { totalCount } }"})
        assert served.json()["data"]["products"]["totalCount"] == total
