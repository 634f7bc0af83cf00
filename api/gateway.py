"""The front door of /graphql: everything refused here is refused before a resolver runs.

In order: the key (401/403), the body (413 over the limit; 400 for a body that is not UTF-8
JSON of one request object, however deep), persisted queries, then the query limits
(api/limits.py). What passes runs under the read gate (api/gate.py) with a time budget; the
work is cancelled when the budget runs out or the client goes away.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlencode

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.logging import request_id
from api.refusals import Refusal, refusal_response
from api.service import Service
from api.serving import ADMITTED, look_up, send_cached
from schema.errors import error_codes

REQUEST_FIELDS = {"query": str, "variables": dict, "operationName": str, "extensions": dict}


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None


async def read_body(receive: Receive, *, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise Refusal(400, "BAD_REQUEST_BODY", "The client went away mid-body.")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise Refusal(
                413, "REQUEST_TOO_LARGE", f"The request body is larger than {limit} bytes."
            )
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def decode_request(body: bytes) -> dict[str, Any]:
    """One GraphQL request object from a JSON body, or a 400 that says what is wrong."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Refusal(400, "BAD_REQUEST_BODY", f"The body is not UTF-8 ({e.reason}).") from e
    try:
        data = json.loads(text)
    except RecursionError as e:
        raise Refusal(400, "BAD_REQUEST_BODY", "The JSON body is nested too deeply.") from e
    except ValueError as e:
        raise Refusal(400, "BAD_REQUEST_BODY", f"The body is not JSON: {e}.") from e
    return check_shape(data)


def check_shape(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise Refusal(
            400,
            "BAD_REQUEST_BODY",
            'The body must be one JSON object: {"query": ..., "variables": {...}}.',
        )
    for name, kind in REQUEST_FIELDS.items():
        value = data.get(name)
        if value is not None and not isinstance(value, kind):
            raise Refusal(400, "BAD_REQUEST_BODY", f"'{name}' must be a {kind.__name__} or null.")
    return data


def _from_query_string(raw: bytes) -> dict[str, Any] | None:
    params = {k: v[-1] for k, v in parse_qs(raw.decode("latin-1")).items()}
    if "query" not in params and "extensions" not in params:
        return None  # the GraphiQL page, or strawberry's own 404
    data: dict[str, Any] = {
        "query": params.get("query"),
        "operationName": params.get("operationName"),
    }
    for name in ("variables", "extensions"):
        if name in params:
            try:
                data[name] = json.loads(params[name])
            except (ValueError, RecursionError) as e:
                raise Refusal(400, "BAD_REQUEST_BODY", f"'{name}' is not JSON.") from e
    return check_shape(data)


class GraphQLGateway:
    def __init__(self, app: ASGIApp, service: Service) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        metrics = self.service.metrics
        try:
            data, body, kept = await self._admit(scope, receive)
        except Refusal as refusal:
            outcome = "refused" if refusal.status != 200 else "not_found"
            metrics.requests.labels("anonymous", outcome).inc()
            response = refusal_response(refusal, request_id=request_id.get())
            await response(scope, receive, send)
            return
        if data is None:
            await self.app(scope, receive, send)
            return
        operation = metrics.operation(data.get("operationName"))
        if kept is not None:
            await send_cached(scope, receive, send, kept)
            metrics.requests.labels(operation, "ok").inc()
            return
        codes: list[str] = []
        token = error_codes.set(codes)
        try:
            outcome = await self._run(scope, receive, send, body=body)
        finally:
            error_codes.reset(token)
        if outcome == "ok" and codes:
            outcome = "error"
        metrics.requests.labels(operation, outcome).inc()

    async def _admit(
        self, scope: Scope, receive: Receive
    ) -> tuple[dict[str, Any] | None, Callable[[], bytes] | None, bytes | None]:
        """The checked request, the body to hand on (None: pass the request through) and,
        for a query answered before at this graph version, its kept answer.

        A POST's request goes on decoded, in the scope's state (api/serving.py, ``Admitted``),
        with its cache key; the body is encoded again only if strawberry's own view asks for
        it (a document that does not parse)."""
        service = self.service
        method = scope["method"]
        if method == "GET":
            data = _from_query_string(scope.get("query_string", b""))
            if data is None:
                return None, None, None
            principal = service.authorize(_header(scope, b"authorization"), write=False)
        elif method == "POST":
            principal = service.authorize(_header(scope, b"authorization"), write=False)
            limit = service.settings.max_body_bytes
            length = _header(scope, b"content-length")
            if length and length.isdigit() and int(length) > limit:
                raise Refusal(
                    413, "REQUEST_TOO_LARGE", f"The request body is larger than {limit} bytes."
                )
            content_type = (_header(scope, b"content-type") or "").split(";")[0].strip().lower()
            if content_type != "application/json":
                raise Refusal(
                    415, "UNSUPPORTED_MEDIA_TYPE", "Send the request as application/json."
                )
            data = decode_request(await read_body(receive, limit=limit))
        else:
            return None, None, None
        if principal.role is not None:  # the response cache's key (api/serving.py)
            scope.setdefault("state", {})["role"] = principal.role.value
        resolved, hit = service.persisted.resolve(data)
        if hit:
            service.metrics.cache_hits.labels("persisted_query").inc()
        query = resolved.get("query")
        if not isinstance(query, str) or not query.strip():
            raise Refusal(400, "BAD_REQUEST_BODY", "The request has no query.")
        if method == "GET":
            service.guard.check(query, resolved.get("variables"))
            service.persisted.register(resolved)
            if resolved is not data:
                fields = {
                    k: v if isinstance(v, str) else json.dumps(v)
                    for k, v in resolved.items()
                    if v is not None
                }
                scope["query_string"] = urlencode(fields).encode("latin-1")
            return resolved, None, None
        admitted, kept = await look_up(scope, resolved)
        if kept is not None:
            return resolved, None, kept
        service.guard.check(query, resolved.get("variables"))
        service.persisted.register(resolved)
        scope.setdefault("state", {})[ADMITTED] = admitted
        return resolved, lambda: json.dumps(resolved).encode("utf-8"), None

    async def _run(
        self, scope: Scope, receive: Receive, send: Send, *, body: Callable[[], bytes] | None
    ) -> str:
        """Run the request under the gate and the time budget; its outcome for the metrics.

        For a POST (its body already read), a watcher task waits for the client to hang up
        and cancels the work if it does. It is a plain asyncio task, not an anyio task group:
        the server runs on asyncio, and a task group per request cost more than the rest of
        the request's bookkeeping together."""
        service = self.service
        started = False
        finished = False
        status = 0
        gone = asyncio.Event()
        delivered = body is None

        async def replay() -> Message:
            nonlocal delivered
            if not delivered and body is not None:
                delivered = True
                return {"type": "http.request", "body": body(), "more_body": False}
            await gone.wait()
            return {"type": "http.disconnect"}

        async def sending(message: Message) -> None:
            nonlocal started, finished, status
            if message["type"] == "http.response.start":
                started = True
                status = int(message["status"])
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                finished = True
            await send(message)

        budget = service.settings.request_timeout_s
        begun = time.perf_counter()
        with anyio.move_on_after(budget) as timer:

            async def watch() -> None:
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        if finished:
                            return
                        gone.set()
                        timer.cancel()
                        return

            watcher = asyncio.ensure_future(watch()) if body is not None else None
            try:
                async with service.gate.read():
                    await self.app(scope, replay if body is not None else receive, sending)
            finally:
                if watcher is not None:
                    watcher.cancel()
        if gone.is_set():
            return "client_gone"
        if timer.cancelled_caught:
            if not started:
                elapsed = time.perf_counter() - begun
                refusal = Refusal(
                    503,
                    "TIMEOUT",
                    f"The query ran out of its {budget:g} s budget after {elapsed:.1f} s and "
                    "was stopped; ask for less.",
                )
                await refusal_response(refusal, request_id=request_id.get())(scope, receive, send)
            return "timeout"
        return "ok" if status < 400 else "error"
