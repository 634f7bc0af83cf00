"""What only the Neo4j store can get wrong: credentials and reachability."""

from __future__ import annotations

import pytest

from graph.errors import StoreUnavailable
from graph.stores.neo4j_store import Neo4jStore
from tests.support.neo4j_server import Neo4jServer


@pytest.mark.neo4j
def test_a_wrong_password_is_named(neo4j_server: Neo4jServer) -> None:
    with pytest.raises(StoreUnavailable, match="refused the credentials.*NEO4J_PASSWORD"):
        Neo4jStore.connect(neo4j_server.uri, user="neo4j", password="not-the-password")


def test_an_unreachable_server_says_what_to_do() -> None:
    with pytest.raises(StoreUnavailable, match="not reachable.*make neo4j-start"):
        Neo4jStore.connect("neo4j://127.0.0.1:1", user="neo4j", password="whatever-123")
