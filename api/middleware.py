"""Every HTTP request: a request id (the client's X-Request-Id when plain, else a new one),
echoed in the response; one JSON log line with its status and time; and for an unexpected
error a fixed 500 answer with that id, the traceback in the log only."""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.logging import new_request_id, request_id
from api.metrics import Metrics
from api.refusals import Refusal, refusal_response

log = logging.getLogger("supplygraph.api")
access = logging.getLogger("supplygraph.access")
ROUTES = frozenset({"/graphql", "/loads", "/metrics", "/healthz", "/readyz"})


class RequestMiddleware:
    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        offered = None
        for key, value in scope.get("headers", ()):
            if key == b"x-request-id":
                offered = value.decode("latin-1")
        rid = new_request_id(offered)
        token = request_id.set(rid)
        started = False
        status = 500
        begun = time.perf_counter()

        async def sending(message: Message) -> None:
            nonlocal started, status
            if message["type"] == "http.response.start":
                started = True
                status = int(message["status"])
                message = {
                    **message,
                    "headers": [*message.get("headers", []), (b"x-request-id", rid.encode())],
                }
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception:
            log.exception("unexpected error answering %s %s", scope["method"], scope["path"])
            if not started:
                refusal = Refusal(
                    500, "INTERNAL", "Internal error; quote the request id to the operator."
                )
                await refusal_response(refusal, request_id=rid)(scope, receive, sending)
        finally:
            elapsed = time.perf_counter() - begun
            route = scope["path"] if scope["path"] in ROUTES else "other"
            self.metrics.latency.labels(route).observe(elapsed)
            access.info(
                "%s %s %s",
                scope["method"],
                scope["path"],
                status,
                extra={"status": status, "ms": round(elapsed * 1000, 2), "path": scope["path"]},
            )
            request_id.reset(token)
