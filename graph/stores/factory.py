"""Open the store that the configuration names."""

from __future__ import annotations

from graph.stores.base import Store
from graph.stores.ladybug_store import LadybugStore
from graph.stores.neo4j_store import Neo4jStore


def open_neo4j(uri: str, *, user: str, password: str, database: str) -> Store:
    return Neo4jStore.connect(uri, user=user, password=password, database=database)


def open_embedded(path: str, *, read_only: bool = False, buffer_pool_mb: int = 1024) -> Store:
    return LadybugStore.open(path, read_only=read_only, buffer_pool_mb=buffer_pool_mb)
