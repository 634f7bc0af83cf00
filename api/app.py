"""The Starlette application: GraphQL (with GraphiQL, served offline) at /graphql, /healthz
and /readyz, GraphiQL's files under /static."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TypedDict

import anyio.to_thread
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.websockets import WebSocket

from api.graphiql import static_mount
from api.serving import CachingGraphQL
from api.settings import Settings, load_settings
from api.stores import open_store
from graph.errors import SupplyGraphError
from graph.snapshots import SnapshotCache
from graph.versions import VersionTracker
from schema import build_schema
from schema.caching import ResponseCache
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
        }
    )


def create_app(settings: Settings | None = None) -> Starlette:
    config = settings or load_settings()

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
                version = await anyio.to_thread.run_sync(versions.refresh)
                await anyio.to_thread.run_sync(lambda: snapshots.get(store, version=version))
            except SupplyGraphError as e:
                log.warning("no analysis snapshot at start-up (queries will say why): %s", e)
            context = Context(store, snapshots, config.max_page_size, versions=versions)
            responses = ResponseCache(max_bytes=int(config.response_cache_mb * 2**20))
            yield {"context": context, "responses": responses}
        finally:
            await anyio.to_thread.run_sync(store.close)

    graphql = SupplyGraphQL(
        build_schema(document_cache_size=config.document_cache_size), graphql_ide="graphiql"
    )
    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            static_mount(),
        ],
        lifespan=lifespan,
    )
