"""Session fixtures: a real Neo4j server and the store parametrisation of the conformance suite.

Neo4j: when NEO4J_URI is set, that server is used (with NEO4J_USER / NEO4J_PASSWORD);
otherwise scripts/neo4j provisions a private test server (its own home and ports, so a
developer's `make run` data is never touched), starts it, and stops it at the end if this
session started it.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from graph import factory
from graph.neo4j_store import Neo4jStore
from graph.store import Store

REPO = Path(__file__).resolve().parent.parent
DATASET = REPO / "dataset"
SCRIPT = REPO / "scripts" / "neo4j"
TEST_HOME = REPO / ".state" / "neo4j-test"


@dataclass(frozen=True)
class Neo4jServer:
    uri: str
    user: str
    password: str
    http_port: int | None = None

    def env(self) -> dict[str, str]:
        return {
            "SUPPLYGRAPH_STORE": self.uri,
            "NEO4J_USER": self.user,
            "NEO4J_PASSWORD": self.password,
        }


@pytest.fixture(scope="session")
def neo4j_server() -> Iterator[Neo4jServer]:
    if os.environ.get("NEO4J_URI"):
        yield Neo4jServer(
            os.environ["NEO4J_URI"],
            os.environ.get("NEO4J_USER", "neo4j"),
            os.environ["NEO4J_PASSWORD"],
        )
        return
    bolt = int(os.environ.get("SUPPLYGRAPH_TEST_BOLT_PORT", "17687"))
    http = int(os.environ.get("SUPPLYGRAPH_TEST_HTTP_PORT", "17474"))
    env = {
        **os.environ,
        "NEO4J_HOME": str(TEST_HOME),
        "NEO4J_BOLT_PORT": str(bolt),
        "NEO4J_HTTP_PORT": str(http),
    }
    env.pop("NEO4J_PASSWORD", None)
    running = subprocess.run([str(SCRIPT), "status"], env=env, capture_output=True).returncode == 0
    if not running:
        started = subprocess.run([str(SCRIPT), "start"], env=env, capture_output=True, text=True)
        if started.returncode != 0:
            pytest.fail(f"could not start the test Neo4j server:\n{started.stderr}")
    password = (TEST_HOME / "password").read_text().strip()
    try:
        yield Neo4jServer(f"neo4j://127.0.0.1:{bolt}", "neo4j", password, http)
    finally:
        if not running:
            subprocess.run([str(SCRIPT), "stop"], env=env, capture_output=True)


def open_neo4j(server: Neo4jServer) -> Neo4jStore:
    return Neo4jStore.connect(server.uri, user=server.user, password=server.password)


def open_embedded(path: Path) -> Store:
    return factory.open_embedded(str(path), buffer_pool_mb=256)


STORE_KINDS = [pytest.param("neo4j", marks=pytest.mark.neo4j), "embedded"]


def make_store(request: pytest.FixtureRequest, kind: str, tmp: Path) -> Store:
    if kind == "neo4j":
        server: Neo4jServer = request.getfixturevalue("neo4j_server")
        store: Store = open_neo4j(server)
        store.clear()
    else:
        store = open_embedded(tmp / "graph")
    store.ensure_schema()
    return store


@pytest.fixture(params=STORE_KINDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty store of each kind, fresh for each test."""
    s = make_store(request, request.param, tmp_path)
    try:
        yield s
    finally:
        s.close()


@pytest.fixture(scope="module", params=STORE_KINDS)
def loaded_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    """A store of each kind holding the bundled dataset, fresh for each test module."""
    from loaders.load import load

    s = make_store(request, request.param, tmp_path_factory.mktemp("loaded"))
    load(store=s, path=str(DATASET), batch_size=50)
    try:
        yield s
    finally:
        s.close()


STORE_FIXTURES = ("store", "loaded_store", "env", "api")
"""Fixtures parametrised over STORE_KINDS; their parameter says which store a test ran on."""
_STORE_OF: dict[str, str] = {}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        kinds = {params[f] for f in STORE_FIXTURES if f in params}
        if len(kinds) == 1:
            _STORE_OF[item.nodeid] = kinds.pop()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """How many store-parametrised tests ran on each store: the conformance suite must run
    in full against both."""
    counts: dict[str, dict[str, int]] = {}
    for outcome in ("passed", "failed", "error", "skipped"):
        for report in terminalreporter.stats.get(outcome, []):
            kind = _STORE_OF.get(getattr(report, "nodeid", ""))
            if kind is not None and getattr(report, "when", "call") in ("call", "setup"):
                if outcome == "passed" and report.when != "call":
                    continue
                per = counts.setdefault(kind, {})
                per[outcome] = per.get(outcome, 0) + 1
    if counts:
        terminalreporter.section("stores")
        for kind, per in sorted(counts.items()):
            summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(per.items()))
            terminalreporter.write_line(f"{kind}: {summary}")
