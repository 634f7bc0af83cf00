"""Open the store that the configuration names."""

from __future__ import annotations

from graph.neo4j_store import Neo4jStore
from graph.store import Store


def open_neo4j(uri: str, *, user: str, password: str, database: str) -> Store:
    return Neo4jStore.connect(uri, user=user, password=password, database=database)
