"""One settings object, read by pydantic-settings' own sources: the environment (or a
mapping, in tests), a ``.env`` file and a secrets directory (one file per setting, named
like its variable: ``$SUPPLYGRAPH_SECRETS_DIR/NEO4J_PASSWORD``), in that order of precedence.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)
from pydantic_settings.sources.utils import parse_env_vars

from graph.errors import SettingsError

NEO4J_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")
PLACEHOLDER_PASSWORDS = frozenset({"neo4j", "password", "changeme", "change-me", "secret"})
DEFAULT_STORE = ".state/graph"
DEFAULT_KEYS_FILE = ".state/keys.json"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
ENV_FILE = ".env"
SECRETS_DIR_VARIABLE = "SUPPLYGRAPH_SECRETS_DIR"

_ENVIRON: ContextVar[Mapping[str, str] | None] = ContextVar("_ENVIRON", default=None)
"""The mapping load_settings reads instead of os.environ, while it builds one Settings."""


class _MappingEnv(EnvSettingsSource):
    """pydantic-settings' environment source over a given mapping instead of os.environ."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return parse_env_vars(
            self._environ, self.case_sensitive, self.env_ignore_empty, self.env_parse_none_str
        )


@contextmanager
def _reading(environ: Mapping[str, str] | None) -> Iterator[None]:
    token = _ENVIRON.set(environ)
    try:
        yield
    finally:
        _ENVIRON.reset(token)


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
    client_key: SecretStr | None = Field(
        default=None,
        validation_alias="SUPPLYGRAPH_KEY",
        description="The writer key `load --server` and `import ... --server` send as a client.",
    )
    chromium: str | None = Field(
        default=None,
        validation_alias="SUPPLYGRAPH_CHROMIUM",
        description="The Chromium that prints PDF reports (default: chromium on PATH).",
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
    answer_memo_size: int = Field(
        default=1024,
        ge=0,
        le=1_000_000,
        validation_alias="SUPPLYGRAPH_ANSWER_MEMO_SIZE",
        description="Answers kept per snapshot by question and arguments (0: none).",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        environ = _ENVIRON.get()
        env = env_settings if environ is None else _MappingEnv(settings_cls, environ)
        return init_settings, env, dotenv_settings, file_secret_settings

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


def load_settings(
    env: Mapping[str, str] | None = None,
    *,
    env_file: str | Path | None = None,
    secrets_dir: str | Path | None = None,
) -> Settings:
    """Settings from ``env`` (default: the process environment); a clear error otherwise.

    The process reads ``.env`` in the working directory unless ``env_file`` names another;
    a mapping (tests) reads only the ``env_file`` passed. The secrets directory is
    ``secrets_dir`` or the one ``SUPPLYGRAPH_SECRETS_DIR`` names, if any.
    """
    environ = os.environ if env is None else env
    dotenv = env_file if env_file is not None else (ENV_FILE if env is None else None)
    secrets = secrets_dir if secrets_dir is not None else environ.get(SECRETS_DIR_VARIABLE)
    if secrets is not None and not Path(secrets).is_dir():
        raise SettingsError(
            f"bad configuration: {SECRETS_DIR_VARIABLE}: {secrets} is not a directory "
            "(one file per setting, named like its variable)"
        )
    try:
        with _reading(None if env is None else env):
            return Settings(_env_file=dotenv, _secrets_dir=secrets)
    except ValidationError as e:
        messages = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg']}"
            for err in e.errors(include_url=False)
        )
        raise SettingsError(f"bad configuration: {messages}") from e
