"""One settings object, read from the environment (or a mapping, in tests)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from graph.errors import SettingsError

NEO4J_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")
PLACEHOLDER_PASSWORDS = frozenset({"neo4j", "password", "changeme", "change-me", "secret"})
DEFAULT_STORE = ".state/graph"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    store: str = Field(
        default=DEFAULT_STORE,
        validation_alias=AliasChoices("SUPPLYGRAPH_STORE", "NEO4J_URI"),
        description="A neo4j:// or bolt:// URI for Neo4j, or the file of the embedded store.",
    )
    neo4j_user: str = Field(default="neo4j", validation_alias="NEO4J_USER")
    neo4j_password: SecretStr | None = Field(default=None, validation_alias="NEO4J_PASSWORD")
    neo4j_database: str = Field(default="neo4j", validation_alias="NEO4J_DATABASE")
    environment: Literal["development", "production"] = Field(
        default="development", validation_alias="SUPPLYGRAPH_ENV"
    )
    batch_size: int = Field(
        default=1000, ge=1, le=100_000, validation_alias="SUPPLYGRAPH_BATCH_SIZE"
    )
    host: str = Field(default="127.0.0.1", validation_alias="SUPPLYGRAPH_HOST")
    port: int = Field(default=8000, ge=1, le=65535, validation_alias="SUPPLYGRAPH_PORT")
    embedded_buffer_mb: int = Field(
        default=1024, ge=64, le=1_048_576, validation_alias="SUPPLYGRAPH_EMBEDDED_BUFFER_MB"
    )
    max_page_size: int = Field(
        default=500, ge=1, le=10_000, validation_alias="SUPPLYGRAPH_MAX_PAGE"
    )
    # Serving speed (api/serving.py, schema/caching.py, graph/versions.py).
    version_check_seconds: float = Field(
        default=2.0,
        ge=0,
        le=3600,
        validation_alias="SUPPLYGRAPH_VERSION_CHECK_SECONDS",
        description="How stale the served graph version may be when another process loads.",
    )
    response_cache_mb: float = Field(
        default=64, ge=0, le=65_536, validation_alias="SUPPLYGRAPH_RESPONSE_CACHE_MB"
    )
    document_cache_size: int = Field(
        default=1024, ge=1, le=1_000_000, validation_alias="SUPPLYGRAPH_DOCUMENT_CACHE_SIZE"
    )

    @property
    def uses_neo4j(self) -> bool:
        return self.store.startswith(NEO4J_SCHEMES)

    @model_validator(mode="after")
    def _check(self) -> Settings:
        if self.uses_neo4j:
            if self.neo4j_password is None:
                raise ValueError("Config 'NEO4J_PASSWORD' is missing, and has no default.")
            password = self.neo4j_password.get_secret_value()
            if self.environment == "production" and (
                password.lower() in PLACEHOLDER_PASSWORDS or len(password) < 8
            ):
                raise ValueError(
                    "NEO4J_PASSWORD is a placeholder or shorter than 8 characters; "
                    "set a real one for SUPPLYGRAPH_ENV=production."
                )
        elif "://" in self.store:
            scheme = self.store.split("://", 1)[0]
            raise ValueError(
                f"SUPPLYGRAPH_STORE scheme '{scheme}://' is not supported: use one of "
                f"{', '.join(NEO4J_SCHEMES)} or a file path for the embedded store."
            )
        return self


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Settings from ``env`` (default: the process environment); a clear error otherwise."""
    source = dict(os.environ if env is None else env)
    try:
        return Settings.model_validate(source)
    except ValidationError as e:
        messages = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg']}"
            for err in e.errors(include_url=False)
        )
        raise SettingsError(f"bad configuration: {messages}") from e
