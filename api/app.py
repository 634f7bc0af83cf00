"""The Starlette application: GraphQL at /graphql (GraphiQL where settings allow it, its
files served from the package under /static), loads at /loads, company workbooks and AMRTs at
/imports/company and /imports/amrt (api/company_loads.py), Prometheus metrics at
/metrics, the exposure report at /report (api/report_web.py), the Neo4j Browser guide at
/guide (api/guide.py), /healthz and /readyz.

The edge (keys, limits, request ids, metrics) lives in api/gateway.py, api/middleware.py and
api/loads.py; docs/service.md describes it for operators."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TypedDict

import anyio.to_thread
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.websockets import WebSocket

from api.company_loads import post_amrt, post_company
from api.gateway import GraphQLGateway
from api.graphiql import static_mount
from api.guide import guide_endpoint
from api.loads import post_load
from api.middleware import RequestMiddleware
from api.refusals import Refusal, refusal_response
from api.report_web import report_endpoint
from api.service import Service
from api.serving import CachingGraphQL
from api.settings import Settings, load_settings
from api.stores import open_store
from graph.errors import SupplyGraphError
from graph.snapshots import SnapshotCache
from graph.versions import VersionTracker
from schema import build_schema
from schema.caching import AnswerMemo, ResponseCache
from schema.context import Context

log = logging.getLogger("supplygraph.api")


class State(TypedDict):
    context: Context
    responses: ResponseCache


class SupplyGraphQL(CachingGraphQL):
    """Hands every resolver the one store opened in the lifespan, never one per request
    (and the request's own DataLoaders)."""

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        context: Context = request.state.context
        return context.for_request()


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    context: Context = request.state.context
    try:
        await anyio.to_thread.run_sync(context.store.ping)
        version = await anyio.to_thread.run_sync(context.store.graph_version)
    except SupplyGraphError as e:
        return JSONResponse(
            {"status": "unavailable", "store": context.store.kind, "error": str(e)}, status_code=503
        )
    return JSONResponse(
        {
            "status": "ready",
            "store": context.store.kind,
            "graph_version": version.version,
            "loaded_at": version.loaded_at,
            "incomplete_load": version.incomplete,
        }
    )


def create_app(settings: Settings | None = None) -> Starlette:
    config = settings or load_settings()
    schema = build_schema(document_cache_size=config.document_cache_size)
    service = Service.build(config, schema._schema)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[State]:
        store = await anyio.to_thread.run_sync(open_store, config)
        try:
            await anyio.to_thread.run_sync(store.ensure_schema)
            snapshots = SnapshotCache()
            versions = VersionTracker(
                store.graph_version, recheck_seconds=config.version_check_seconds
            )
            try:
                began = time.perf_counter()
                version = await anyio.to_thread.run_sync(versions.refresh)
                snapshot = await anyio.to_thread.run_sync(
                    lambda: snapshots.get(store, version=version)
                )
                service.metrics.snapshot_build.observe(time.perf_counter() - began)
                service.metrics.graph_version.set(snapshot.version.version)
            except SupplyGraphError as e:
                log.warning("no analysis snapshot at start-up (queries will say why): %s", e)
            context = Context(
                store,
                snapshots,
                config.max_page_size,
                versions=versions,
                answers=AnswerMemo(size=config.answer_memo_size),
            )
            responses = ResponseCache(max_bytes=int(config.response_cache_mb * 2**20))
            yield {"context": context, "responses": responses}
        finally:
            await anyio.to_thread.run_sync(store.close)

    graphql = SupplyGraphQL(schema, graphql_ide="graphiql" if config.serves_graphiql else None)

    async def loads(request: Request) -> Response:
        return await post_load(request, service)

    async def company(request: Request) -> Response:
        return await post_company(request, service)

    async def amrt(request: Request) -> Response:
        return await post_amrt(request, service)

    async def metrics(request: Request) -> Response:
        try:
            service.authorize(request.headers.get("authorization"), write=False)
        except Refusal as refusal:
            return refusal_response(refusal)
        return await service.metrics.endpoint(request)

    async def report(request: Request) -> Response:
        return await report_endpoint(request, service)

    return Starlette(
        routes=[
            Route("/graphql", GraphQLGateway(graphql, service), methods=["GET", "POST"]),
            Route("/loads", loads, methods=["POST"]),
            Route("/imports/company", company, methods=["POST"]),
            Route("/imports/amrt", amrt, methods=["POST"]),
            Route("/metrics", metrics),
            Route("/report", report),
            Route("/guide", guide_endpoint, methods=["GET", "OPTIONS"]),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            static_mount(),
        ],
        middleware=[Middleware(RequestMiddleware, metrics=service.metrics)],
        lifespan=lifespan,
    )
