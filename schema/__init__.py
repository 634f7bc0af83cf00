"""The GraphQL schema (strawberry)."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLObjectType
from graphql.error import GraphQLError
from graphql.execution.middleware import MiddlewareManager
from strawberry import Schema
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types import ExecutionContext
from strawberry.types.field import StrawberryField

from schema.caching import document_caches
from schema.entities import ENTITY_TYPES
from schema.errors import TypedErrors
from schema.query import Query


class _Middleware(MiddlewareManager):
    """False when it holds no middleware, so graphql-core skips it on every field."""

    def __bool__(self) -> bool:
        return bool(self.middlewares)


def _attribute(name: str) -> Any:
    def resolve(source: Any, info: Any) -> Any:
        return getattr(source, name)

    resolve._is_default = True  # type: ignore[attr-defined]  # strawberry's own marker
    return resolve


class SupplyGraphSchema(Schema):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plain_fields_read_directly()

    def _plain_fields_read_directly(self) -> None:
        """A field with no resolver, permission or field extension is one attribute read;
        strawberry still wraps it in three calls per value (``_get_basic_result``, its
        fast path for such fields). Each such field reads its attribute directly, which is
        all that wrapper does with the default resolver."""
        if self.config.default_resolver is not getattr:
            return
        backref = GraphQLCoreConverter.DEFINITION_BACKREF
        for named in self._schema.type_map.values():
            if not isinstance(named, GraphQLObjectType) or named.name.startswith("__"):
                continue
            for graphql_field in named.fields.values():
                field = (graphql_field.extensions or {}).get(backref)
                if (
                    isinstance(field, StrawberryField)
                    and field.is_basic_field
                    and not field.is_subscription
                    and getattr(graphql_field.resolve, "__name__", "") == "_get_basic_result"
                ):
                    graphql_field.resolve = _attribute(field.python_name)

    def _get_middleware_manager(self, extensions: list[SchemaExtension]) -> MiddlewareManager:
        return _Middleware(*(ext for ext in extensions if ext._implements_resolve()))

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
