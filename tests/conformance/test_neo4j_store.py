"""What only the Neo4j store can get wrong: credentials and reachability."""

from __future__ import annotations

import logging
import uuid

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


@pytest.mark.neo4j
def test_unknown_property_notifications_are_not_logged(
    neo4j_server: Neo4jServer, caplog: pytest.LogCaptureFixture
) -> None:
    """A fresh database knows none of the model's properties: reads named them by the dozen
    as "property does not exist" warnings on stderr during a user's first load."""
    store = neo4j_server.open()
    unseen = f"never_{uuid.uuid4().hex}"
    try:
        with caplog.at_level(logging.INFO, logger="neo4j.notifications"):
            store._run(f"MATCH (n:Product) RETURN n.`{unseen}` AS x LIMIT 1", read=True)
    finally:
        store.close()
    assert [r.getMessage() for r in caplog.records if r.name == "neo4j.notifications"] == []
