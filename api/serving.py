"""The GraphQL endpoint's fast path: answer a repeated query from the response cache before
strawberry sees it, and keep what strawberry answers for the next caller.

The gateway (api/gateway.py) reads and checks a POST's JSON body once. It looks the request
up by (document, variables, operation name, graph version, role) in the lifespan's
ResponseCache (schema/caching.py, ``look_up``): a hit is sent as the stored bytes. A miss is
handed on as an ``Admitted`` request in the scope's state, with its cache key, so nothing
parses the body or computes the key again. ``CachingGraphQL`` runs an admitted query (or
mutation) through strawberry's own steps (context, ``execute_single``, ``process_result``,
``create_response``) without re-reading the body, and keeps a 200 answer without errors
of a query if the graph version has not moved meanwhile. Everything else (GET, GraphiQL,
documents that do not parse, an unknown operation name) goes to strawberry's view untouched.

The role is ``request.state.role`` (``scope["state"]["role"]``) as the authentication
middleware sets it, ``"anonymous"`` when nothing does, so a response one role may see is
never served to another.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cross_web import HTTPException
from graphql import DocumentNode, GraphQLError, OperationType, get_operation_ast, parse
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import Message, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData

from api import graphiql
from schema.caching import ResponseCache, response_key
from schema.context import Context

CACHE_HEADER = "x-supplygraph-cache"
ANONYMOUS = "anonymous"
ADMITTED = "graphql_admitted"
"""The scope state's key for the request the gateway admitted."""


def role_of(scope: Scope) -> str:
    state = scope.get("state") or {}
    role = state.get("role")
    return ANONYMOUS if role is None else str(role)


@dataclass(frozen=True, slots=True)
class Admitted:
    """A POST request the gateway has decoded and checked: its fields (``query`` a
    string, ``variables`` and ``extensions`` dicts or None, ``operationName`` a string or
    None), and its response-cache key and graph version (None when the cache is off)."""

    request: dict[str, Any]
    key: bytes | None = None
    version: int | None = None


@lru_cache(maxsize=1024)
def _parsed(document: str) -> DocumentNode | None:
    try:
        return parse(document)
    except GraphQLError:
        return None


def _operation(request: dict[str, Any]) -> OperationType | None:
    """The kind of operation ``request`` runs; None when its document does not parse or
    names no operation it has (strawberry answers those itself)."""
    parsed = _parsed(request["query"])
    if parsed is None:
        return None
    operation = get_operation_ast(parsed, request.get("operationName"))
    return None if operation is None else operation.operation


async def look_up(scope: Scope, request: dict[str, Any]) -> tuple[Admitted, bytes | None]:
    """``request`` admitted with its cache key, and the kept answer to it at the current
    graph version, if there is one.

    The gateway asks this before its query guard, read gate and time budget: an entry exists
    only for a query document that already passed them under the same settings, so a hit
    can skip them (a mutation never has an entry)."""
    state = scope.get("state") or {}
    cache: ResponseCache | None = state.get("responses")
    context: Context | None = state.get("context")
    if cache is None or context is None or not cache.enabled:
        return Admitted(request), None
    version = (await context.graph_version()).version
    key = response_key(
        document=request["query"],
        variables=request.get("variables"),
        operation_name=request.get("operationName"),
        role=role_of(scope),
    )
    return Admitted(request, key, version), cache.get(key, version=version)


async def send_cached(scope: Scope, receive: Receive, send: Send, body: bytes) -> None:
    response = Response(body, media_type="application/json", headers={CACHE_HEADER: "hit"})
    await response(scope, receive, send)


class _Capture:
    """Passes a response on while keeping its body, up to ``limit`` bytes."""

    def __init__(self, send: Send, *, limit: int) -> None:
        self._send = send
        self._limit = limit
        self.status = 0
        self.chunks: list[bytes] = []
        self.size = 0

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            message = {
                **message,
                "headers": [*message.get("headers", ()), (CACHE_HEADER.encode(), b"miss")],
            }
        elif message["type"] == "http.response.body":
            chunk = message.get("body", b"")
            self.size += len(chunk)
            if self.size <= self._limit:
                self.chunks.append(chunk)
        await self._send(message)

    def keepable(self) -> bytes | None:
        if self.status != 200 or self.size > self._limit:
            return None
        body = b"".join(self.chunks)
        return None if b'"errors"' in body else body


class CachingGraphQL(GraphQL[Context, None]):
    """strawberry's ASGI view with the response cache in front and GraphiQL served from the
    package (api/graphiql.py)."""

    async def render_graphql_ide(self, request: Request) -> Response:
        return graphiql.page()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = scope.get("state") or {}
        admitted = state.get(ADMITTED)
        operation = _operation(admitted.request) if isinstance(admitted, Admitted) else None
        if scope["type"] != "http" or scope["method"] != "POST" or operation is None:
            await super().__call__(scope, receive, send)
            return
        assert isinstance(admitted, Admitted)
        cache: ResponseCache | None = state.get("responses")
        context: Context | None = state.get("context")
        if (
            operation is not OperationType.QUERY
            or admitted.key is None
            or cache is None
            or context is None
        ):
            await self._answer(scope, receive, send, admitted.request)
            return
        capture = _Capture(send, limit=cache.max_entry_bytes)
        await self._answer(scope, receive, capture.send, admitted.request)
        kept = capture.keepable()
        now = context.versions.known if context.versions is not None else None
        if kept is not None and now is not None and now.version == admitted.version:
            cache.put(admitted.key, kept, version=admitted.version)

    async def _answer(
        self, scope: Scope, receive: Receive, send: Send, data: dict[str, Any]
    ) -> None:
        """What strawberry's ``run`` does for a POST whose JSON body it has been given
        decoded (no batch, no upload, no stream, no IDE): the same hooks, so the same bytes."""
        request = Request(scope, receive)
        adapter = self.request_adapter_class(request)
        try:
            root_value = await self.get_root_value(request)  # type: ignore[func-returns-value]
            sub_response = await self.get_sub_response(request)
            context = await self.get_context(request, response=sub_response)
            result = await self.execute_single(
                request=request,
                request_adapter=adapter,
                sub_response=sub_response,
                context=context,
                root_value=root_value,
                request_data=GraphQLRequestData(
                    query=data["query"],
                    variables=data.get("variables"),
                    operation_name=data.get("operationName"),
                    extensions=data.get("extensions"),
                ),
            )
            response_data = await self.process_result(request=request, result=result)
            if result.errors:
                self._handle_errors(result.errors, response_data)
            response = self.create_response(response_data=response_data, sub_response=sub_response)
        except HTTPException as e:
            response = PlainTextResponse(e.reason, status_code=e.status_code)
        await response(scope, receive, send)
