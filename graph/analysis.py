"""Answers to the analysts' questions, from one solved snapshot of the graph.

``Snapshot`` is built once per graph version (see ``SnapshotCache``) and answers from
memory; the numbers come from graph.exposure, the facts from graph.supply.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from graph.errors import NotFound
from graph.exposure import BASES, STAGES, propagate, reachable, through_exposure, top_routes
from graph.model import Label, Stage
from graph.network import Basis, Network, Position, build_network
from graph.store import GraphVersion, Store
from graph.supply import ANALYSIS_LABELS, ANALYSIS_RELATIONSHIPS, SupplyData, build_supply

EPSILON = 1e-12


@dataclass(frozen=True)
class Named:
    id: str
    name: str
    label: str


@dataclass(frozen=True)
class SourceInfo:
    id: str
    title: str
    publisher: str | None
    date: str | None
    url: str | None


@dataclass(frozen=True)
class StageShare:
    stage: Stage
    share: float
    company_share: float
    market_share: float
    coverage: float
    """Fraction of the flow reaching this stage whose country is known."""
    basis: str
    """'company', 'market', 'mixed' (both kinds of fact), or 'none' (no origin known)."""


@dataclass(frozen=True)
class PathStep:
    item: Named
    supplier: Named | None


@dataclass(frozen=True)
class CarriedPath:
    steps: tuple[PathStep, ...]
    stage: Stage
    country: str
    basis: Basis
    share: float


@dataclass(frozen=True)
class Exposure:
    item: Named
    country: str
    share: float
    """The highest stage share: at least this fraction passes through the country."""
    stage: Stage | None
    stages: tuple[StageShare, ...]
    paths: tuple[CarriedPath, ...]
    sources: tuple[SourceInfo, ...]
    version: GraphVersion


@dataclass(frozen=True)
class Dependent:
    product: Named
    share: float
    stage: Stage
    oems: tuple[Named, ...]
    end_uses: tuple[Named, ...]


class Snapshot:
    def __init__(self, data: SupplyData, version: GraphVersion) -> None:
        self.data = data
        self.version = version
        self.network: Network = build_network(data)
        self.propagation = propagate(self.network)

    def named(self, node_id: str) -> Named:
        label = self.data.labels.get(node_id)
        return Named(node_id, self.data.names.get(node_id, node_id), label.value if label else "")

    def _country(self, country: str) -> int | None:
        if self.data.labels.get(country) is not Label.COUNTRY:
            raise NotFound(f"no country '{country}' in the graph; use an ISO 3166 alpha-2 code")
        return self.propagation.country_index(country)

    def _position(self, item: str) -> int:
        if item not in self.data.items:
            raise NotFound(f"no product, component, magnet type or material with id '{item}'")
        return self.network.index[Position(item)]

    def exposure(self, item: str, country: str, *, paths: int = 5) -> Exposure:
        c = self._country(country)
        v = self._position(item)
        prop = self.propagation
        stages: list[StageShare] = []
        for s, stage in enumerate(STAGES):
            by_basis = [
                float(prop.exposure[v, b, s, c]) if c is not None else 0.0
                for b in range(len(BASES))
            ]
            known = [float(prop.exposure[v, b, s, :].sum()) for b in range(len(BASES))]
            reach = float(prop.reach[v, s])
            stages.append(
                StageShare(
                    stage=stage,
                    share=sum(by_basis),
                    company_share=by_basis[0],
                    market_share=by_basis[1],
                    coverage=min(1.0, sum(known) / reach) if reach > EPSILON else 0.0,
                    basis=_basis(known),
                )
            )
        top = max(stages, key=lambda st: st.share)
        routes = top_routes(self.network, v, country, limit=paths) if c is not None else []
        return Exposure(
            item=self.named(item),
            country=country,
            share=top.share,
            stage=top.stage if top.share > EPSILON else None,
            stages=tuple(stages),
            paths=tuple(
                CarriedPath(
                    tuple(self._step(i) for i in route.positions),
                    route.stage,
                    country,
                    route.basis,
                    route.weight,
                )
                for route in routes
            ),
            sources=self.sources_behind(v),
            version=self.version,
        )

    def _step(self, i: int) -> PathStep:
        position = self.network.positions[i]
        supplier = self.named(position.supplier) if position.supplier else None
        return PathStep(self.named(position.item), supplier)

    def sources_behind(self, v: int) -> tuple[SourceInfo, ...]:
        ids: set[str] = set()
        for i in reachable(self.network, v):
            ids |= self.network.sources[i]
        return tuple(self.source(s) for s in sorted(ids))

    def source(self, source_id: str) -> SourceInfo:
        props = self.data.sources.get(source_id, {})
        return SourceInfo(
            source_id,
            str(props.get("title") or source_id),
            props.get("publisher"),
            props.get("date"),
            props.get("url"),
        )

    def item_targets(self, item: str) -> frozenset[int]:
        label = self.data.labels.get(item)
        if label is Label.ELEMENT:
            items = {i for i, elements in self.data.elements.items() if item in elements}
        elif item in self.data.items:
            items = {item}
            stack = [item]
            while stack:
                for grade in self.data.grades.get(stack.pop(), ()):
                    if grade not in items:
                        items.add(grade)
                        stack.append(grade)
        else:
            raise NotFound(f"no element, material, magnet type or component with id '{item}'")
        return frozenset(i for i, p in enumerate(self.network.positions) if p.item in items)

    def dependents(self, country: str, item: str | None = None) -> list[Dependent]:
        c = self._country(country)
        if c is None:
            return []
        prop = self.propagation
        if item is None:
            per_stage = prop.exposure[:, :, :, c].sum(axis=1)
        else:
            per_stage = through_exposure(prop, self.item_targets(item))[:, :, c]
        out = []
        for product_id, product in self.data.items.items():
            if product.label is not Label.PRODUCT:
                continue
            v = self.network.index[Position(product_id)]
            s = int(np.argmax(per_stage[v]))
            share = float(per_stage[v, s])
            if share <= EPSILON:
                continue
            out.append(
                Dependent(
                    product=self.named(product_id),
                    share=share,
                    stage=STAGES[s],
                    oems=tuple(self.named(o) for o in self.data.oems.get(product_id, [])),
                    end_uses=tuple(self._end_uses(v)),
                )
            )
        return sorted(out, key=lambda d: (-d.share, d.product.id))

    def _end_uses(self, v: int) -> list[Named]:
        """The product's own end uses, or else those of what it contains."""
        product = self.network.positions[v].item
        direct = self.data.end_uses.get(product, [])
        if direct:
            return [self.named(e) for e in direct]
        found = {
            e
            for i in reachable(self.network, v)
            for e in self.data.end_uses.get(self.network.positions[i].item, [])
        }
        return [self.named(e) for e in sorted(found)]


def _basis(known: list[float]) -> str:
    company, market = (k > EPSILON for k in known)
    if company and market:
        return "mixed"
    if company:
        return Basis.COMPANY.value
    if market:
        return Basis.MARKET.value
    return "none"


def extract(store: Store) -> SupplyData:
    return build_supply(
        store.extract_nodes(ANALYSIS_LABELS), store.extract_relationships(ANALYSIS_RELATIONSHIPS)
    )


class SnapshotCache:
    """One solved snapshot per graph version; rebuilt when a load bumps the version."""

    def __init__(self, builder: Callable[[Store], SupplyData] = extract) -> None:
        self._builder = builder
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()

    def get(self, store: Store) -> Snapshot:
        version = store.graph_version()
        with self._lock:
            if self._snapshot is None or self._snapshot.version != version:
                self._snapshot = Snapshot(self._builder(store), version)
            return self._snapshot
