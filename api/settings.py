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
DEFAULT_KEYS_FILE = ".state/keys.json"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


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
    keys_file: str = Field(
        default=DEFAULT_KEYS_FILE,
        validation_alias="SUPPLYGRAPH_KEYS_FILE",
        description="Where `supplygraph keys` keeps the hashes of the API keys (mode 600).",
    )
    anonymous_reads: bool | None = Field(
        default=None,
        validation_alias="SUPPLYGRAPH_ANONYMOUS_READS",
        description="Queries without a key; default: allowed in development on a loopback "
        "address, refused otherwise.",
    )
    introspection: bool | None = Field(
        default=None,
        validation_alias="SUPPLYGRAPH_INTROSPECTION",
        description="Schema introspection; default: on in development, off in production.",
    )
    graphiql: bool | None = Field(
        default=None,
        validation_alias="SUPPLYGRAPH_GRAPHIQL",
        description="The GraphiQL page at /graphql; default: on in development only.",
    )
    max_depth: int = Field(default=8, ge=1, le=100, validation_alias="SUPPLYGRAPH_MAX_DEPTH")
    max_aliases: int = Field(
        default=30, ge=1, le=10_000, validation_alias="SUPPLYGRAPH_MAX_ALIASES"
    )
    max_tokens: int = Field(
        default=2000, ge=10, le=1_000_000, validation_alias="SUPPLYGRAPH_MAX_TOKENS"
    )
    max_cost: int = Field(
        default=50_000,
        ge=1,
        le=10**9,
        validation_alias="SUPPLYGRAPH_MAX_COST",
        description="Fields a query may touch, each list counted at its page size.",
    )
    max_string_length: int = Field(
        default=1000, ge=1, le=1_000_000, validation_alias="SUPPLYGRAPH_MAX_STRING"
    )
    max_body_bytes: int = Field(
        default=100_000, ge=1000, le=100_000_000, validation_alias="SUPPLYGRAPH_MAX_BODY"
    )
    max_upload_bytes: int = Field(
        default=200_000_000, ge=1000, le=10**11, validation_alias="SUPPLYGRAPH_MAX_UPLOAD"
    )
    request_timeout_s: float = Field(
        default=30.0, gt=0, le=3600, validation_alias="SUPPLYGRAPH_REQUEST_TIMEOUT"
    )
    persisted_only: bool = Field(
        default=False,
        validation_alias="SUPPLYGRAPH_PERSISTED_ONLY",
        description="Accept only the documents in SUPPLYGRAPH_PERSISTED_QUERIES.",
    )
    persisted_queries: str | None = Field(
        default=None,
        validation_alias="SUPPLYGRAPH_PERSISTED_QUERIES",
        description="A JSON file mapping sha256 hashes to known documents.",
    )
    log_format: Literal["json", "text"] = Field(
        default="json", validation_alias="SUPPLYGRAPH_LOG_FORMAT"
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

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @property
    def allows_anonymous_reads(self) -> bool:
        if self.anonymous_reads is not None:
            return self.anonymous_reads
        return not self.production and self.host in LOOPBACK_HOSTS

    @property
    def allows_introspection(self) -> bool:
        return not self.production if self.introspection is None else self.introspection

    @property
    def serves_graphiql(self) -> bool:
        return not self.production if self.graphiql is None else self.graphiql

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
        if self.persisted_only and self.persisted_queries is None:
            raise ValueError(
                "SUPPLYGRAPH_PERSISTED_ONLY needs SUPPLYGRAPH_PERSISTED_QUERIES "
                "(a JSON file of the known documents)."
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
