"""What the HTTP edge needs beside the store: keys, limits, persisted queries, the
read/write gate and the metrics, built once from the settings in create_app()."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import anyio
from graphql import GraphQLSchema

from api.gate import ReadWriteGate
from api.keys import ANONYMOUS, KeyRing, Principal
from api.limits import Limits, QueryGuard
from api.metrics import Metrics
from api.persisted import PersistedQueries, read_known
from api.refusals import forbidden, unauthenticated
from api.settings import Settings


@dataclass
class Service:
    settings: Settings
    keys: KeyRing
    guard: QueryGuard
    persisted: PersistedQueries
    metrics: Metrics = field(default_factory=Metrics)
    gate: ReadWriteGate = field(default_factory=ReadWriteGate)
    loading: anyio.Lock = field(default_factory=anyio.Lock)

    @classmethod
    def build(cls, settings: Settings, schema: GraphQLSchema) -> Service:
        limits = Limits(
            max_depth=settings.max_depth,
            max_aliases=settings.max_aliases,
            max_tokens=settings.max_tokens,
            max_cost=settings.max_cost,
            max_string_length=settings.max_string_length,
            max_page_size=settings.max_page_size,
            introspection=settings.allows_introspection,
        )
        known = read_known(Path(settings.persisted_queries)) if settings.persisted_queries else {}
        return cls(
            settings=settings,
            keys=KeyRing(Path(settings.keys_file)),
            guard=QueryGuard(schema, limits),
            persisted=PersistedQueries(known=known, only_known=settings.persisted_only),
        )

    def authorize(self, authorization: str | None, *, write: bool) -> Principal:
        """Who is asking, or a Refusal: 401 without a usable key, 403 for a reader's write."""
        if authorization is None:
            if write:
                raise unauthenticated("Loads need a writer key: Authorization: Bearer <key>.")
            if not self.settings.allows_anonymous_reads:
                raise unauthenticated("This server needs a key: Authorization: Bearer <key>.")
            return ANONYMOUS
        scheme, _, key = authorization.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise unauthenticated("Send the key as Authorization: Bearer <key>.")
        principal = self.keys.authenticate(key.strip())
        if principal is None:
            raise unauthenticated("Unknown or revoked key.")
        if write and not principal.can_write:
            raise forbidden(f"Key {principal.name!r} is a reader; loads need a writer key.")
        return principal
