"""Every shared fixture: a real Neo4j server, the stores under test, and the HTTP API in
process on each store. Test modules take fixtures from here and helpers from tests/support,
never from each other.

Neo4j: when NEO4J_URI is set, that server is used (with NEO4J_USER / NEO4J_PASSWORD);
otherwise scripts/neo4j provisions a private test server (its own home and ports, so a
developer's `make run` data is never touched), starts it, and stops it at the end if this
session started it.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import pytest

from graph.stores.base import Store
from tests.support import neo4j_server as provisioning
from tests.support.asgi import Client, ServeFolder, fresh_settings, in_process, load_into
from tests.support.neo4j_server import Neo4jServer
from tests.support.stores import DATASET, REPO, STORE_KINDS, make_store

TEST_HOME = REPO / ".state" / "neo4j-test"


@pytest.fixture(scope="session")
def neo4j_server() -> Iterator[Neo4jServer]:
    try:
        server = provisioning.start(
            home=TEST_HOME,
            bolt_port=int(os.environ.get("SUPPLYGRAPH_TEST_BOLT_PORT", "17687")),
            http_port=int(os.environ.get("SUPPLYGRAPH_TEST_HTTP_PORT", "17474")),
            port_variables=("SUPPLYGRAPH_TEST_BOLT_PORT", "SUPPLYGRAPH_TEST_HTTP_PORT"),
        )
    except provisioning.ServerFailed as e:
        pytest.fail(str(e))
    try:
        yield server
    finally:
        provisioning.stop(server)


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


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    """The in-process API tests run on asyncio, one event loop for the session, so a
    module-scoped app (its lifespan) outlives each test."""
    return "asyncio"


@pytest.fixture(scope="module", params=STORE_KINDS)
async def api(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Client]:
    """The app in process, lifespan running, serving the bundled dataset; one per module."""
    settings = fresh_settings(request, request.param, tmp_path_factory.mktemp("api"))
    load_into(settings, DATASET)
    async with in_process(settings) as client:
        yield client


@pytest.fixture(params=STORE_KINDS)
def api_on(request: pytest.FixtureRequest, tmp_path: Path) -> ServeFolder:
    """Load a dataset folder into a fresh store of each kind and serve it in process:
    ``async with api_on(folder) as client: ...``."""
    settings = fresh_settings(request, request.param, tmp_path)

    def serve(folder: Path) -> AbstractAsyncContextManager[Client]:
        load_into(settings, folder)
        return in_process(settings)

    return serve


STORE_FIXTURES = ("store", "loaded_store", "env", "api", "api_on", "recorded", "store_kind")
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
