"""Open the configured store: Neo4j for a Bolt URI, the embedded store for a path."""

from __future__ import annotations

from api.settings import Settings, SettingsError
from graph.factory import open_neo4j
from graph.store import Store


def open_store(settings: Settings) -> Store:
    if settings.uses_neo4j:
        if settings.neo4j_password is None:
            raise SettingsError("Config 'NEO4J_PASSWORD' is missing, and has no default.")
        return open_neo4j(
            settings.store,
            user=settings.neo4j_user,
            password=settings.neo4j_password.get_secret_value(),
            database=settings.neo4j_database,
        )
    raise SettingsError(
        f"SUPPLYGRAPH_STORE={settings.store!r}: the embedded store is not available yet; "
        "use a neo4j:// URI"
    )
