"""GraphQL errors with a machine-readable code and no internals.

Every error leaves with ``extensions.code``. Errors we raise on purpose keep their message;
anything else is logged with its traceback and answered as ``INTERNAL`` with a fixed text.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextvars import ContextVar

from graphql.error import GraphQLError
from strawberry.extensions import SchemaExtension

from graph.errors import CycleError, NotFound, QueryError, StoreUnavailable, SupplyGraphError

log = logging.getLogger("supplygraph.api")

error_codes: ContextVar[list[str] | None] = ContextVar("supplygraph_error_codes", default=None)
"""The HTTP edge sets a list here per request; the codes of the errors answered are added."""

CODES: tuple[tuple[type[Exception], str], ...] = (
    (NotFound, "NOT_FOUND"),
    (QueryError, "BAD_REQUEST"),
    (StoreUnavailable, "STORE_UNAVAILABLE"),
    (CycleError, "SUPPLY_CYCLE"),
    (SupplyGraphError, "STORE_ERROR"),
)


def error_code(error: GraphQLError) -> tuple[str, str]:
    original = error.original_error
    if original is None:
        code = (error.extensions or {}).get("code")
        return (code if isinstance(code, str) else "GRAPHQL_VALIDATION"), error.message
    for kind, code in CODES:
        if isinstance(original, kind):
            return code, str(original)
    log.error("unexpected error in a resolver", exc_info=original)
    return "INTERNAL", "Internal error; the server log has the details."


class TypedErrors(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not getattr(result, "errors", None):
            return
        typed = []
        for error in result.errors or []:
            code, message = error_code(error)
            typed.append(
                GraphQLError(
                    message,
                    nodes=error.nodes,
                    source=error.source,
                    positions=error.positions,
                    path=error.path,
                    extensions={**(error.extensions or {}), "code": code},
                )
            )
        result.errors = typed
        noted = error_codes.get()
        if noted is not None:
            noted.extend(str((e.extensions or {})["code"]) for e in typed)
