"""What tests share besides fixtures: the bundled dataset's path and the stores under test."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.model import Label, RelType
from graph.stores import factory
from graph.stores.base import Store
from tests.support.neo4j_server import Neo4jServer

REPO = Path(__file__).resolve().parents[2]
DATASET = REPO / "dataset"

STORE_KINDS = [pytest.param("neo4j", marks=pytest.mark.neo4j), "embedded"]
"""The conformance parametrisation: every store-facing test runs on each."""


def open_embedded(path: Path) -> Store:
    return factory.open_embedded(str(path), buffer_pool_mb=256)


def make_store(request: pytest.FixtureRequest, kind: str, tmp: Path) -> Store:
    """An empty store of ``kind`` with its schema in place."""
    if kind == "neo4j":
        server: Neo4jServer = request.getfixturevalue("neo4j_server")
        store: Store = server.open()
        store.clear()
    else:
        store = open_embedded(tmp / "graph")
    store.ensure_schema()
    return store


def contents(store: Store) -> tuple[list[tuple[str, str, tuple[tuple[str, object], ...]]], ...]:
    """Every node and relationship with its properties, sorted: two stores holding the same
    graph give equal contents."""
    nodes = sorted(
        (n.label.value, n.id, tuple(sorted((k, repr(v)) for k, v in n.properties.items())))
        for n in store.extract_nodes(list(Label))
    )
    rels = sorted(
        (
            r.type.value,
            f"{r.start}>{r.end}",
            tuple(sorted((k, repr(v)) for k, v in r.properties.items())),
        )
        for r in store.extract_relationships(list(RelType))
    )
    return nodes, rels
