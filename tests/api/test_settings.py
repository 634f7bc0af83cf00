"""Configuration is read from a mapping, and refused with a message that names the setting."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from api.settings import load_settings
from graph.errors import SettingsError
from tests.support.served import BIN


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


def test_a_dotenv_file_and_a_secrets_directory_are_read(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        "SUPPLYGRAPH_STORE=neo4j://db:7687\nSUPPLYGRAPH_BATCH_SIZE=250\n", encoding="utf-8"
    )
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "NEO4J_PASSWORD").write_text("from-a-secret-file", encoding="utf-8")
    settings = load_settings({"SUPPLYGRAPH_SECRETS_DIR": str(secrets)}, env_file=dotenv)
    assert settings.uses_neo4j and settings.batch_size == 250
    assert settings.neo4j_password is not None
    assert settings.neo4j_password.get_secret_value() == "from-a-secret-file"


def test_the_environment_wins_over_dotenv_and_dotenv_over_secrets(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("SUPPLYGRAPH_BATCH_SIZE=250\nSUPPLYGRAPH_PORT=9000\n", encoding="utf-8")
    (tmp_path / "SUPPLYGRAPH_PORT").write_text("9100", encoding="utf-8")
    (tmp_path / "SUPPLYGRAPH_MAX_PAGE").write_text("77", encoding="utf-8")
    settings = load_settings(
        {"SUPPLYGRAPH_BATCH_SIZE": "10"}, env_file=dotenv, secrets_dir=tmp_path
    )
    assert (settings.batch_size, settings.port, settings.max_page_size) == (10, 9000, 77)


def test_bad_values_in_dotenv_and_a_missing_secrets_directory_are_named(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("SUPPLYGRAPH_BATCH_SIZE=0\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="SUPPLYGRAPH_BATCH_SIZE"):
        load_settings({}, env_file=dotenv)
    with pytest.raises(SettingsError, match="SUPPLYGRAPH_SECRETS_DIR: .*nowhere is not a dir"):
        load_settings({"SUPPLYGRAPH_SECRETS_DIR": str(tmp_path / "nowhere")})


def test_the_cli_reads_dotenv_in_its_working_directory(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SUPPLYGRAPH_STORE=elsewhere/graph\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "SUPPLYGRAPH_"))}
    result = subprocess.run(
        [str(BIN), "info"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 3
    assert "no embedded store at elsewhere/graph" in result.stderr
