"""The propagation network: a DAG whose nodes are supply positions.

A position is an item on the world market (``supplier`` None: its origin is the market-level
country mix), an item as one country's supply (``country``: where the consumer's country is
known and has trade data for the item, its origin is that country's mix from graph.engine.trade)
or an item as made by one company (its origin is that company's sites). An edge
``parent -> child`` carries the fraction of the parent's rare-earth content that flows from
that position; a bill-of-materials share is split between named suppliers (company-level
links) and the market for whatever those links leave uncovered.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

from graph.engine.facts import SupplierLink, SupplyData
from graph.engine.trade import CountryMix, country_mixes
from graph.model import Label, Stage


class Basis(StrEnum):
    COMPANY = "company"
    MARKET = "market"
    TRADE = "trade"
    """The consumer's country's own supply mix, from trade flows."""


class Position(NamedTuple):
    """A tuple, so that hashing the ~1M positions of a large graph stays cheap."""

    item: str
    supplier: str | None = None
    context: str | None = None
    """The nearest consumer above whose sourcing links still apply below (None: none)."""
    country: str | None = None
    """Supplier unknown, buyer in this country: the item as that country's supply."""


class OriginShare(NamedTuple):
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
    mixes = country_mixes(data)
    rules: dict[str, set[str]] = {}
    for consumer, item in data.sourcing:
        rules.setdefault(consumer, set()).add(item)
    above = _Ancestors(data)

    def applies_below(context: str, child: str) -> bool:
        """Whether an item ``context`` has sourcing rules for lies below ``child``."""
        return any(child in above.of(item) for item in rules[context])

    origins: dict[tuple[str, str | None, str | None], list[OriginShare]] = {}
    queue: deque[int] = deque()
    for item_id in sorted(data.items):
        i, _ = net.add(Position(item_id), data.items[item_id].stage)
        queue.append(i)
    while queue:
        i = queue.popleft()
        position = net.positions[i]
        _set_origin(net, data, i, origins, mixes)
        buyers = _buyers(net, data, i)
        own = position.supplier or position.item
        context = own if own in rules else position.context
        for edge in data.bom.get(position.item, []):
            child = data.items.get(edge.child)
            if child is None:
                continue
            links = data.sourcing.get((own, edge.child)) or (
                data.sourcing.get((position.context, edge.child), []) if position.context else []
            )
            inherited = context if context and applies_below(context, edge.child) else None
            parts, rest = split_links(links) if links else ([], 1.0)
            targets = [
                (Position(edge.child, link.supplier, inherited), w, link.fact.source)
                for link, w in parts
            ]
            targets += [
                (Position(edge.child, None, inherited, country), rest * w, None)
                for country, w in _unknown_supplier(buyers, edge.child, mixes)
            ]
            for target, weight, link_source in targets:
                if weight <= 0.0:
                    continue
                j, new = net.add(target, child.stage)
                if new:
                    queue.append(j)
                net.children[i][j] = net.children[i].get(j, 0.0) + edge.share * weight
                net.sources[i].update(s for s in (edge.fact.source, link_source) if s)
    return net


class _Ancestors:
    """Items above an item in the bill of materials, computed on demand (cycle-safe)."""

    def __init__(self, data: SupplyData) -> None:
        self._parents: dict[str, list[str]] = defaultdict(list)
        for parent, edges in data.bom.items():
            for edge in edges:
                self._parents[edge.child].append(parent)
        self._memo: dict[str, frozenset[str]] = {}

    def of(self, item: str) -> frozenset[str]:
        if item not in self._memo:
            seen: set[str] = set()
            stack = list(self._parents.get(item, ()))
            while stack:
                parent = stack.pop()
                if parent not in seen:
                    seen.add(parent)
                    stack.extend(self._parents.get(parent, ()))
            self._memo[item] = frozenset(seen)
        return self._memo[item]


def _buyers(net: Network, data: SupplyData, i: int) -> list[tuple[str, float]]:
    """Where the maker of position ``i`` is, as (country, weight): a company's sites at the
    item's stage (else its headquarters); a product's OEMs, equally (the same unweighted
    mean as an OEM's answers). An unknown maker (a market or country-supply position) has
    no known country, so its own inputs come from the world mix."""
    position = net.positions[i]
    if position.supplier is not None:
        located = [(o.country, o.share) for o in net.origins[i] if o.basis is Basis.COMPANY]
        if located:
            return located
        hq = data.headquarters.get(position.supplier)
        return [(hq[0], 1.0)] if hq else []
    item = data.items[position.item]
    if position.country is None and item.label is Label.PRODUCT:
        oems = data.oems.get(position.item, [])
        return [(data.headquarters[o][0], 1.0 / len(oems)) for o in oems if o in data.headquarters]
    return []


def _unknown_supplier(
    buyers: list[tuple[str, float]], child: str, mixes: dict[tuple[str, str], CountryMix]
) -> list[tuple[str | None, float]]:
    """Where the part of an input no named supplier covers is bought: each buyer country
    with trade data for the item gets its own supply position, the rest the world market.
    Without any such country, the whole part is the world market's, as before trade."""
    traded = [(c, w) for c, w in buyers if (c, child) in mixes]
    if not traded:
        return [(None, 1.0)]
    rest = 1.0 - sum(w for _, w in traded)
    return [*traded, *([(None, rest)] if rest > 1e-12 else [])]


def _set_origin(
    net: Network,
    data: SupplyData,
    i: int,
    cache: dict[tuple[str, str | None, str | None], list[OriginShare]],
    mixes: dict[tuple[str, str], CountryMix],
) -> None:
    """A market position's origin is its item's country mix; a country-supply position's,
    that country's mix from trade; a company position's, the company's sites at the item's
    stage (else its headquarters). Shared per item, per (item, country) or per (company,
    item), since many positions repeat them."""
    position = net.positions[i]
    stage = net.stages[i]
    if stage is None:
        return
    key = (position.item, position.supplier, position.country)
    if key not in cache:
        mix = mixes.get((position.country, position.item)) if position.country else None
        cache[key] = (
            [
                OriginShare(country, share, Basis.TRADE, mix.sources)
                for country, share in sorted(mix.shares.items())
            ]
            if mix is not None
            else _origin(data, position, stage)
        )
    net.origins[i] = cache[key]
    for origin in net.origins[i]:
        net.sources[i].update(origin.sources)


def _origin(data: SupplyData, position: Position, stage: Stage) -> list[OriginShare]:
    if position.supplier is None:
        mix = data.market.get(position.item)
        if mix is None:
            return []
        src = (mix.fact.source,) if mix.fact.source else ()
        return [
            OriginShare(country, share, Basis.MARKET, src)
            for country, share in sorted(mix.shares.items())
        ]
    site = data.sites.get((position.supplier, stage))
    if site is not None:
        return [
            OriginShare(country, weight, Basis.COMPANY, site.sources)
            for country, weight in sorted(site.countries.items())
        ]
    if position.supplier in data.headquarters:
        country, source = data.headquarters[position.supplier]
        return [OriginShare(country, 1.0, Basis.COMPANY, (source,) if source else ())]
    return []
