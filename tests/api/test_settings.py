"""Configuration is read from a mapping, and refused with a message that names the setting."""

from __future__ import annotations

import pytest

from api.settings import load_settings
from graph.errors import SettingsError


def test_defaults_to_the_embedded_store() -> None:
    settings = load_settings({})
    assert settings.store == ".state/graph" and not settings.uses_neo4j


def test_a_neo4j_uri_needs_a_password() -> None:
    with pytest.raises(SettingsError, match="Config 'NEO4J_PASSWORD' is missing"):
        load_settings({"SUPPLYGRAPH_STORE": "neo4j+s://example.invalid"})
    assert load_settings({"NEO4J_URI": "bolt://h:7687", "NEO4J_PASSWORD": "x"}).uses_neo4j


@pytest.mark.parametrize("password", ["neo4j", "password", "short"])
def test_production_refuses_placeholder_passwords(password: str) -> None:
    env = {"SUPPLYGRAPH_STORE": "neo4j://h:7687", "NEO4J_PASSWORD": password}
    assert load_settings(env).neo4j_password is not None  # fine in development
    with pytest.raises(SettingsError, match="placeholder or shorter than 8"):
        load_settings({**env, "SUPPLYGRAPH_ENV": "production"})


def test_unknown_schemes_and_bad_numbers_are_named() -> None:
    with pytest.raises(SettingsError, match="scheme 'http://' is not supported"):
        load_settings({"SUPPLYGRAPH_STORE": "http://h:7474"})
    with pytest.raises(SettingsError, match="SUPPLYGRAPH_BATCH_SIZE"):
        load_settings({"SUPPLYGRAPH_BATCH_SIZE": "0"})
