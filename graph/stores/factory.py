"""Open the store that the configuration names.

Each store module is imported when its store is opened: a process on the embedded store
does not load the Neo4j driver (which imports pandas when it is installed), nor the reverse.
"""

from __future__ import annotations

from graph.stores.base import Store


def open_neo4j(uri: str, *, user: str, password: str, database: str) -> Store:
    from graph.stores.neo4j_store import Neo4jStore

    return Neo4jStore.connect(uri, user=user, password=password, database=database)


def open_embedded(path: str, *, read_only: bool = False, buffer_pool_mb: int = 1024) -> Store:
    from graph.stores.ladybug_store import LadybugStore

    return LadybugStore.open(path, read_only=read_only, buffer_pool_mb=buffer_pool_mb)
