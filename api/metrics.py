"""Prometheus metrics, one registry per app (so two apps in one process never collide)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from starlette.requests import Request
from starlette.responses import Response

MAX_OPERATION_NAMES = 200
"""Operation names come from clients; past this many distinct ones they count as 'other'."""


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "supplygraph_requests",
            "GraphQL requests by operation name and outcome.",
            ["operation", "outcome"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "supplygraph_request_seconds",
            "Time to answer a request, by route.",
            ["route"],
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            registry=self.registry,
        )
        self.cache_hits = Counter(
            "supplygraph_cache_hits",
            "Cache hits by cache (documents, persisted queries, responses).",
            ["cache"],
            registry=self.registry,
        )
        self.snapshot_build = Histogram(
            "supplygraph_snapshot_build_seconds",
            "Time to extract and solve an analysis snapshot.",
            registry=self.registry,
        )
        self.graph_version = Gauge(
            "supplygraph_graph_version", "The graph version being served.", registry=self.registry
        )
        self.load_seconds = Histogram(
            "supplygraph_load_seconds",
            "Loads through the server, by outcome.",
            ["outcome"],
            buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600),
            registry=self.registry,
        )
        self._names: set[str] = set()

    def operation(self, name: object) -> str:
        if not isinstance(name, str) or not name:
            return "anonymous"
        if name in self._names:
            return name
        if len(self._names) >= MAX_OPERATION_NAMES or len(name) > 100:
            return "other"
        self._names.add(name)
        return name

    async def endpoint(self, request: Request) -> Response:
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)
