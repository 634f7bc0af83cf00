"""The GraphQL schema (strawberry)."""

from __future__ import annotations

from graphql import GraphQLError
from strawberry import Schema
from strawberry.types import ExecutionContext

from schema.caching import document_caches
from schema.entities import ENTITY_TYPES
from schema.errors import TypedErrors
from schema.query import Query


class SupplyGraphSchema(Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Expected errors (unknown ids, bad arguments) are answers, not incidents; the
        TypedErrors extension logs the unexpected ones with their traceback."""


def build_schema(*, document_cache_size: int = 1024) -> Schema:
    return SupplyGraphSchema(
        query=Query,
        types=list(ENTITY_TYPES.values()),
        extensions=[*document_caches(document_cache_size), TypedErrors],
    )
