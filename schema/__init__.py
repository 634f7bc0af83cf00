"""The GraphQL schema (strawberry)."""

from __future__ import annotations

import strawberry

from schema.entities import ENTITY_TYPES
from schema.errors import TypedErrors
from schema.query import Query


def build_schema() -> strawberry.Schema:
    return strawberry.Schema(
        query=Query, types=list(ENTITY_TYPES.values()), extensions=[TypedErrors]
    )
