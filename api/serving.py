"""The GraphQL endpoint's fast path: answer a repeated query from the response cache before
strawberry sees it, and keep what strawberry answers for the next caller.

A POST with a JSON body naming a query operation is looked up by (document, variables,
operation name, graph version, role) in the lifespan's ResponseCache (schema/caching.py).
A hit is sent as the stored bytes; a miss is handed to strawberry with the body replayed, and
a 200 answer without errors is kept if the graph version has not moved meanwhile.
Everything else (GET, GraphiQL, multipart uploads, mutations, persisted-query hashes without
a document, bodies that are not JSON objects) goes to strawberry untouched.

The role is ``request.state.role`` (``scope["state"]["role"]``) as the authentication
middleware sets it, ``"anonymous"`` when nothing does, so a response one role may see is
never served to another.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from graphql import DocumentNode, GraphQLError, OperationType, get_operation_ast, parse
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send
from strawberry.asgi import GraphQL

from api import graphiql
from schema.caching import ResponseCache, response_key
from schema.context import Context

CACHE_HEADER = "x-supplygraph-cache"
ANONYMOUS = "anonymous"


def role_of(scope: Scope) -> str:
    state = scope.get("state") or {}
    role = state.get("role")
    return ANONYMOUS if role is None else str(role)


@lru_cache(maxsize=1024)
def _parsed(document: str) -> DocumentNode | None:
    try:
        return parse(document)
    except GraphQLError:
        return None


def _query_request(body: bytes) -> tuple[str, dict[str, Any] | None, str | None] | None:
    """(document, variables, operation name) when ``body`` asks a query; None otherwise."""
    try:
        request = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(request, dict):
        return None
    document, variables, name = (
        request.get("query"),
        request.get("variables"),
        request.get("operationName"),
    )
    if not isinstance(document, str) or not isinstance(variables, dict | None):
        return None
    if not isinstance(name, str | None):
        return None
    parsed = _parsed(document)
    if parsed is None:
        return None
    operation = get_operation_ast(parsed, name)
    if operation is None or operation.operation is not OperationType.QUERY:
        return None
    return document, variables, name


def _is_json(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            return bool(value.split(b";", 1)[0].strip().lower() == b"application/json")
    return False


async def _read_body(receive: Receive) -> bytes | None:
    """The whole request body, or None when the client left before sending it."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


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


async def cached_answer(scope: Scope, request: dict[str, Any]) -> bytes | None:
    """The kept answer to ``request`` at the current graph version, if there is one.

    The gateway asks this before its query guard, read gate and time budget: an entry exists
    only for a query document that already passed them under the same settings, so a hit
    can skip them (a mutation never has an entry)."""
    state = scope.get("state") or {}
    cache: ResponseCache | None = state.get("responses")
    context: Context | None = state.get("context")
    document, variables, name = (
        request.get("query"),
        request.get("variables"),
        request.get("operationName"),
    )
    if cache is None or context is None or not cache.enabled or not isinstance(document, str):
        return None
    if not isinstance(variables, dict | None) or not isinstance(name, str | None):
        return None
    version = (await context.graph_version()).version
    key = response_key(
        document=document, variables=variables, operation_name=name, role=role_of(scope)
    )
    return cache.get(key, version=version)


async def send_cached(scope: Scope, receive: Receive, send: Send, body: bytes) -> None:
    response = Response(body, media_type="application/json", headers={CACHE_HEADER: "hit"})
    await response(scope, receive, send)


class CachingGraphQL(GraphQL[Context, None]):
    """strawberry's ASGI view with the response cache in front and GraphiQL served from the
    package (api/graphiql.py)."""

    async def render_graphql_ide(self, request: Request) -> Response:
        return graphiql.page()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = scope.get("state") or {}
        cache: ResponseCache | None = state.get("responses")
        context: Context | None = state.get("context")
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or cache is None
            or context is None
            or not cache.enabled
            or not _is_json(scope)
        ):
            await super().__call__(scope, receive, send)
            return
        body = await _read_body(receive)
        if body is None:
            return
        replay = _replay(body, receive)
        asked = _query_request(body)
        if asked is None:
            await super().__call__(scope, replay, send)
            return
        document, variables, name = asked
        version = (await context.graph_version()).version
        key = response_key(
            document=document, variables=variables, operation_name=name, role=role_of(scope)
        )
        hit = cache.get(key, version=version)
        if hit is not None:
            response = Response(hit, media_type="application/json", headers={CACHE_HEADER: "hit"})
            await response(scope, replay, send)
            return
        capture = _Capture(send, limit=cache.max_entry_bytes)
        await super().__call__(scope, replay, capture.send)
        kept = capture.keepable()
        now = context.versions.known if context.versions is not None else None
        if kept is not None and now is not None and now.version == version:
            cache.put(key, kept, version=version)
