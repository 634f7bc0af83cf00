"""The propagation network: a DAG whose nodes are supply positions.

A position is an item on the world market (``supplier`` None: its origin is the market-level
country mix) or an item as made by one company (its origin is that company's sites). An edge
``parent -> child`` carries the fraction of the parent's rare-earth content that flows from
that position; a bill-of-materials share is split between named suppliers (company-level
links) and the market for whatever those links leave uncovered.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from enum import StrEnum

from graph.model import Stage
from graph.supply import SupplierLink, SupplyData


class Basis(StrEnum):
    COMPANY = "company"
    MARKET = "market"


@dataclass(frozen=True)
class Position:
    item: str
    supplier: str | None = None
    context: str | None = None
    """The nearest consumer above whose sourcing links still apply below (None: none)."""


@dataclass(frozen=True)
class OriginShare:
    country: str
    share: float
    basis: Basis
    sources: tuple[str, ...]


@dataclass
class Network:
    positions: list[Position] = field(default_factory=list)
    index: dict[Position, int] = field(default_factory=dict)
    stages: list[Stage | None] = field(default_factory=list)
    children: list[dict[int, float]] = field(default_factory=list)
    origins: list[list[OriginShare]] = field(default_factory=list)
    sources: list[set[str]] = field(default_factory=list)
    """Sources of the facts used at each position: its origin and its outgoing edges."""

    def add(self, position: Position, stage: Stage | None) -> tuple[int, bool]:
        existing = self.index.get(position)
        if existing is not None:
            return existing, False
        i = len(self.positions)
        self.positions.append(position)
        self.index[position] = i
        self.stages.append(stage)
        self.children.append({})
        self.origins.append([])
        self.sources.append(set())
        return i, True

    @property
    def edge_count(self) -> int:
        return sum(len(c) for c in self.children)


def split_links(links: list[SupplierLink]) -> tuple[list[tuple[SupplierLink, float]], float]:
    """Each named supplier's part of an input, and what is left for the market.

    A link without a share takes an equal part of what the known shares leave; the market
    then gets nothing. Known shares above 1 in total are scaled down to 1.
    """
    known = sum(link.share for link in links if link.share is not None)
    scale = 1.0 / known if known > 1.0 else 1.0
    unknown = [link for link in links if link.share is None]
    rest = max(0.0, 1.0 - known * scale)
    parts = [(link, link.share * scale) for link in links if link.share is not None]
    if unknown:
        parts += [(link, rest / len(unknown)) for link in unknown]
        rest = 0.0
    return parts, rest


def build_network(data: SupplyData) -> Network:
    """Positions reachable from every item on the market, expanded breadth-first.

    A consumer's sourcing link for an item applies wherever that item occurs in the
    consumer's supply tree, unless a nearer consumer names its own suppliers. Subtrees
    under such a consumer are therefore positions of their own (``context``); everything
    else is shared.
    """
    net = Network()
    below = _items_below(data)
    rules: dict[str, set[str]] = {}
    for consumer, item in data.sourcing:
        rules.setdefault(consumer, set()).add(item)
    queue: deque[int] = deque()
    for item_id in sorted(data.items):
        i, _ = net.add(Position(item_id), data.items[item_id].stage)
        queue.append(i)
    while queue:
        i = queue.popleft()
        position = net.positions[i]
        _set_origin(net, data, i)
        own = position.supplier or position.item
        context = own if own in rules else position.context
        for edge in data.bom.get(position.item, []):
            child = data.items.get(edge.child)
            if child is None:
                continue
            links = data.sourcing.get((own, edge.child)) or (
                data.sourcing.get((position.context, edge.child), []) if position.context else []
            )
            inherited = context if context and rules[context] & below[edge.child] else None
            parts, rest = split_links(links)
            targets = [
                (Position(edge.child, link.supplier, inherited), w, link.fact.source)
                for link, w in parts
            ]
            targets.append((Position(edge.child, None, inherited), rest, None))
            for target, weight, link_source in targets:
                if weight <= 0.0:
                    continue
                j, new = net.add(target, child.stage)
                if new:
                    queue.append(j)
                net.children[i][j] = net.children[i].get(j, 0.0) + edge.share * weight
                net.sources[i].update(s for s in (edge.fact.source, link_source) if s)
    return net


def _items_below(data: SupplyData) -> dict[str, frozenset[str]]:
    """Every item strictly below each item in the bill of materials (cycle-safe)."""
    out: dict[str, frozenset[str]] = {}
    for root in data.items:
        seen: set[str] = set()
        stack = [e.child for e in data.bom.get(root, [])]
        while stack:
            item = stack.pop()
            if item in seen:
                continue
            seen.add(item)
            stack.extend(e.child for e in data.bom.get(item, []))
        out[root] = frozenset(seen)
    return out


def _set_origin(net: Network, data: SupplyData, i: int) -> None:
    position = net.positions[i]
    stage = net.stages[i]
    if stage is None:
        return
    if position.supplier is None:
        mix = data.market.get(position.item)
        if mix is None:
            return
        src = (mix.fact.source,) if mix.fact.source else ()
        net.origins[i] = [
            OriginShare(country, share, Basis.MARKET, src)
            for country, share in sorted(mix.shares.items())
        ]
    else:
        site = data.sites.get((position.supplier, stage))
        if site is not None:
            net.origins[i] = [
                OriginShare(country, weight, Basis.COMPANY, site.sources)
                for country, weight in sorted(site.countries.items())
            ]
        elif position.supplier in data.headquarters:
            country, source = data.headquarters[position.supplier]
            net.origins[i] = [OriginShare(country, 1.0, Basis.COMPANY, (source,) if source else ())]
    for origin in net.origins[i]:
        net.sources[i].update(origin.sources)
