"""Ids and names built to break a query that splices values into its text, and stores that
record every statement they send so a test can see where each value went.

The recorders are spies on the real thing, not stand-ins: every statement still runs on the
real driver or the real Ladybug connection.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ladybug
import pytest
from neo4j import GraphDatabase

from graph.stores.base import Store
from graph.stores.ladybug_store import LadybugStore
from graph.stores.neo4j_store import Neo4jStore
from tests.support.neo4j_server import Neo4jServer

HOSTILE_IDS = (
    "o'brien",
    'say "hi"',
    "back`tick",
    "`}) DETACH DELETE n //",
    "}) DETACH DELETE n //",
    "x' OR 1=1 RETURN 1 //",
    "\\'; MATCH (n) DETACH DELETE n; //",
    "{id: 'x'}",
    "Nd–Fe–B 磁石 ✓ ﷽",
    "line\nbreak\ttab",
)
"""Quotes, backticks, a Cypher break-out, a map literal, non-ASCII text and control
characters: none may appear in a statement's text, and each must come back unchanged."""


@dataclass
class Sent:
    """Every (statement, parameters) a recorded store sent, in order."""

    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def add(self, statement: object, params: Mapping[str, Any] | None) -> None:
        self.calls.append((str(statement), dict(params or {})))

    def statements(self) -> list[str]:
        return [s for s, _ in self.calls]

    def parameter_values(self) -> Iterator[Any]:
        def walk(value: Any) -> Iterator[Any]:
            if isinstance(value, Mapping):
                for v in value.values():
                    yield from walk(v)
            elif isinstance(value, list | tuple):
                for v in value:
                    yield from walk(v)
            else:
                yield value

        for _, params in self.calls:
            yield from walk(params)


class _RecordingDriver:
    """A real neo4j.Driver whose execute_query calls are written down first."""

    def __init__(self, driver: Any, sent: Sent) -> None:
        self._driver = driver
        self._sent = sent

    def execute_query(self, query: Any, parameters: Any = None, **kwargs: Any) -> Any:
        self._sent.add(query, parameters)
        return self._driver.execute_query(query, parameters, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._driver, name)


def recorded_store(
    request: pytest.FixtureRequest,
    kind: str,
    tmp: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[Store, Sent]:
    """An empty store of ``kind`` with its schema, and the log of what it sends."""
    sent = Sent()
    store: Store
    if kind == "neo4j":
        server: Neo4jServer = request.getfixturevalue("neo4j_server")
        driver = GraphDatabase.driver(server.uri, auth=(server.user, server.password))
        store = Neo4jStore(_RecordingDriver(driver, sent))  # type: ignore[arg-type]
        store.clear()
    else:

        class RecordingConnection(ladybug.Connection):
            def execute(self, query: Any, parameters: Any = None) -> Any:
                sent.add(query, parameters)
                return super().execute(query, parameters)

        monkeypatch.setattr(ladybug, "Connection", RecordingConnection)
        store = LadybugStore.open(str(tmp / "graph"), buffer_pool_mb=256)
    store.ensure_schema()
    sent.calls.clear()
    return store, sent
