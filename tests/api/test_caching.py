"""The serving caches over HTTP on each store: the real app, its lifespan running, the
bundled dataset. A repeated query is answered from the response cache with the same bytes;
anything that could change the answer (variables, role, graph version) misses; errors and
mutations of state are never kept. GraphiQL's files are served from the package."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio.to_thread
import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.types import ASGIApp, Receive, Scope, Send

from api.app import create_app
from api.graphiql import PAGE, STATIC
from schema.context import Context
from tests.support.asgi import Client, fresh_settings, gql, load_into
from tests.support.stores import DATASET, STORE_KINDS

pytestmark = pytest.mark.anyio

QUERY = """query($c: String!, $i: ID) { dependents(country: $c, item: $i) {
             product { id } share } }"""
CACHE = "x-supplygraph-cache"


@dataclass
class Served:
    client: Client
    states: list[dict[str, Any]] = field(default_factory=list)

    @property
    def context(self) -> Context:
        context: Context = self.states[-1]["context"]
        return context


class RoleFromHeader:
    """Stands where the authentication middleware will: sets ``request.state.role`` (here
    from a test header) and lets the test see the request's state."""

    def __init__(self, app: ASGIApp, states: list[dict[str, Any]]) -> None:
        self.app = app
        self.states = states

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for name, value in scope["headers"]:
                if name == b"x-test-role":
                    scope["state"]["role"] = value.decode()
            self.states.append(scope["state"])
        await self.app(scope, receive, send)


async def serve(request: pytest.FixtureRequest, tmp: Path, **env: str) -> AsyncIterator[Served]:
    settings = fresh_settings(request, request.param, tmp)
    settings = settings.model_copy(update=env)
    load_into(settings, DATASET)
    app = create_app(settings)
    served = Served(client=httpx.AsyncClient())
    app.add_middleware(RoleFromHeader, states=served.states)
    async with LifespanManager(app, startup_timeout=120) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://supplygraph.test", timeout=60
        ) as client:
            served.client = client
            yield served


@pytest.fixture(scope="module", params=STORE_KINDS)
async def cached(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Served]:
    """Versions re-checked at most hourly: a write by another process stays unseen."""
    async for served in serve(
        request, tmp_path_factory.mktemp("cached"), version_check_seconds=3600.0
    ):
        yield served


@pytest.fixture(params=STORE_KINDS)
async def rechecking(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Served]:
    """Versions re-checked on every request."""
    async for served in serve(request, tmp_path, version_check_seconds=0.0):
        yield served


async def post(served: Served, body: dict[str, Any], **headers: str) -> httpx.Response:
    response = await served.client.post("/graphql", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response


async def test_a_repeated_query_is_answered_from_the_cache_with_the_same_bytes(
    cached: Served,
) -> None:
    body = {"query": QUERY, "variables": {"c": "CN", "i": "ndfeb-sintered"}}
    first = await post(cached, body)
    second = await post(cached, body)
    reordered = await post(
        cached, {"variables": {"i": "ndfeb-sintered", "c": "CN"}, "query": QUERY}
    )
    assert first.headers[CACHE] == "miss"
    assert second.headers[CACHE] == "hit" and reordered.headers[CACHE] == "hit"
    assert second.content == first.content == reordered.content
    assert "suzuki-swift" in {r["product"]["id"] for r in first.json()["data"]["dependents"]}


async def test_other_variables_and_other_roles_miss(cached: Served) -> None:
    body = {"query": QUERY, "variables": {"c": "CN", "i": "dy-metal"}}
    assert (await post(cached, body)).headers[CACHE] == "miss"
    other = {"query": QUERY, "variables": {"c": "CN", "i": "ndfeb-bonded"}}
    assert (await post(cached, other)).headers[CACHE] == "miss"
    writer = await post(cached, body, **{"x-test-role": "writer"})
    assert writer.headers[CACHE] == "miss"
    assert (await post(cached, body, **{"x-test-role": "writer"})).headers[CACHE] == "hit"
    assert (await post(cached, body)).headers[CACHE] == "hit"


async def test_errors_are_never_kept(cached: Served) -> None:
    for body in (
        {"query": "{ noSuchField }"},
        {"query": '{ exposure(product: "nope", country: "CN") { share } }'},
    ):
        for _ in range(2):
            response = await cached.client.post("/graphql", json=body)
            assert response.json()["errors"] and response.headers.get(CACHE) != "hit"


async def test_bodies_the_cache_does_not_understand_reach_graphql_unchanged(
    cached: Served,
) -> None:
    not_json = await cached.client.post(
        "/graphql", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert not_json.status_code == 400 and CACHE not in not_json.headers
    answer = await cached.client.get("/graphql", params={"query": "{ graph { version } }"})
    assert answer.json()["data"]["graph"]["version"] >= 1 and CACHE not in answer.headers


async def test_a_write_by_another_process_is_unseen_until_the_recheck(cached: Served) -> None:
    body = {"query": "{ graph { version } }"}
    assert (await post(cached, body)).json()["data"]["graph"]["version"] == 1
    store = cached.context.store
    bumped = await anyio.to_thread.run_sync(lambda: store.bump_version("2026-01-01T00:00:00Z"))
    try:
        again = await post(cached, body)
        assert again.headers[CACHE] == "hit" and again.json()["data"]["graph"]["version"] == 1
        assert cached.context.versions is not None
        cached.context.versions.note_write(bumped)  # what a load through the server does
        after = await post(cached, body)
        assert after.headers[CACHE] == "miss"
        assert after.json()["data"]["graph"]["version"] == bumped.version
    finally:
        if cached.context.versions is not None:
            cached.context.versions.note_write(bumped)


async def test_a_new_graph_version_is_seen_by_the_next_request(rechecking: Served) -> None:
    body = {"query": QUERY, "variables": {"c": "CN", "i": "ndfeb-sintered"}}
    await post(rechecking, body)
    assert (await post(rechecking, body)).headers[CACHE] == "hit"
    store = rechecking.context.store
    await anyio.to_thread.run_sync(lambda: store.bump_version("2026-01-01T00:00:00Z"))
    after = await post(rechecking, body)
    assert after.headers[CACHE] == "miss"
    version = await gql(rechecking.client, "{ graph { version } }")
    assert version["data"]["graph"]["version"] == 2


async def test_nested_entity_fields_answer_through_the_loaders(cached: Served) -> None:
    nested = await gql(
        cached.client,
        "{ products(first: 50) { nodes { id cited { id } oems { id } endUses { id } } } }",
    )
    rows = {n["id"]: n for n in nested["data"]["products"]["nodes"]}
    one = await gql(
        cached.client,
        '{ product(id: "suzuki-swift") { cited { id } oems { id } endUses { id } } }',
    )
    assert {k: v for k, v in rows["suzuki-swift"].items() if k != "id"} == one["data"]["product"]
    assert rows["suzuki-swift"]["oems"] == [{"id": "suzuki-motor"}]


async def test_graphiql_is_served_from_the_package(cached: Served) -> None:
    page = await cached.client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.text == PAGE
    assert (
        "http://" not in page.text and "https://" not in page.text and "<script>" not in page.text
    )
    for name in (
        "graphiql/graphiql.min.js",
        "graphiql/graphiql.min.css",
        "graphiql/react.production.min.js",
        "graphiql/react-dom.production.min.js",
        "graphiql-start.js",
        "graphiql-page.css",
    ):
        assert f'"/static/{name}"' in page.text
        asset = await cached.client.get(f"/static/{name}")
        assert asset.status_code == 200 and asset.content == (STATIC / name).read_bytes()
    for licence in ("graphiql", "react", "react-dom"):
        text = (STATIC / "graphiql" / f"{licence}.LICENSE").read_text()
        assert "MIT License" in text or "Permission is hereby granted" in text
    sizes = {p.name: p.stat().st_size for p in STATIC.rglob("*") if p.is_file()}
    assert max(sizes.values()) < 1 << 20, sizes
    versions = (STATIC / "graphiql" / "VERSIONS").read_text()
    assert "graphiql 3.9.0" in versions and "react 18.3.1" in versions
