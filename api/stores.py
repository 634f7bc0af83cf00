"""Open the configured store: Neo4j for a Bolt URI, the embedded store for a file path."""

from __future__ import annotations

from api.settings import Settings
from graph.errors import SettingsError
from graph.stores.base import Store
from graph.stores.factory import open_embedded, open_neo4j


def open_store(settings: Settings, *, read_only: bool = False) -> Store:
    """``read_only`` matters for the embedded store only: a read-only handle can be opened
    while another process (the API server) holds the store for writing."""
    if settings.uses_neo4j:
        if settings.neo4j_password is None:
            raise SettingsError("Config 'NEO4J_PASSWORD' is missing, and has no default.")
        return open_neo4j(
            settings.store,
            user=settings.neo4j_user,
            password=settings.neo4j_password.get_secret_value(),
            database=settings.neo4j_database,
        )
    return open_embedded(
        settings.store, read_only=read_only, buffer_pool_mb=settings.embedded_buffer_mb
    )
