"""The HTTP API in process: the real Starlette app with its lifespan running (asgi-lifespan),
requests over httpx's ASGI transport. No server process, no port.

The lifespan's state (the store, the snapshot cache) reaches each request through
``LifespanManager.app``, as uvicorn hands it on.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from api.app import create_app
from api.settings import Settings, load_settings
from api.stores import open_store
from loaders.load import load
from tests.support.served import store_env

Client = httpx.AsyncClient

ServeFolder = Callable[[Path], AbstractAsyncContextManager[Client]]
"""What the ``api_on`` fixture gives: load a dataset folder, then serve it in process."""


def fresh_settings(request: pytest.FixtureRequest, kind: str, tmp: Path) -> Settings:
    """Settings naming a fresh, empty store of ``kind`` (the Neo4j test server is cleared)."""
    env = store_env(request, kind, tmp)
    env["SUPPLYGRAPH_EMBEDDED_BUFFER_MB"] = "256"
    return load_settings(env)


def load_into(settings: Settings, folder: Path) -> None:
    """Load a dataset folder as `supplygraph load` does: the configured store, its batch size."""
    store = open_store(settings)
    try:
        load(store=store, path=str(folder), batch_size=settings.batch_size)
    finally:
        store.close()


@asynccontextmanager
async def in_process(settings: Settings) -> AsyncIterator[Client]:
    """A client of ``create_app(settings)``; the lifespan runs on entry and on exit, so the
    store is opened, its snapshot built, and closed exactly as under uvicorn."""
    app = create_app(settings)
    async with LifespanManager(app, startup_timeout=120, shutdown_timeout=60) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://supplygraph.test", timeout=60
        ) as client:
            yield client


async def gql(client: Client, query: str, **variables: Any) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    assert "Traceback" not in response.text
    body: dict[str, Any] = response.json()
    return body
