"""A country's own supply mix of an item, from trade flows: the basis ``trade``.

Where a consumer's supplier of an item is unknown but the consumer's country C is known,
the item's origin is C's supply: C's own output (PRODUCES in tonnes) plus its imports by
exporter (TRADES ending at C, in the latest year with flows), normalised. An import from a
country that does not make the item (a re-export: no source says it produces the item) is
traced back through that country's own mix, or through the world mix where that country
has no trade data. With ``M`` the mixes, ``B`` what each country gets straight from makers
and ``T`` what it gets through re-exporters, ``M = B + T M``: one small linear system per
item, solved once (never a path enumeration). docs/model.md states the rule and its limits.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from graph.engine.facts import Item, MarketMix, SupplyData, TradeFlow

FERRITE = "ferrite"
_ZERO = 1e-12


@dataclass(frozen=True)
class CountryMix:
    """Where a country's supply of an item comes from, shares adding up to 1 (less where a
    re-exporter has no trade data and the item has no world mix)."""

    country: str
    item: str
    year: int
    shares: dict[str, float]
    sources: tuple[str, ...]


@dataclass
class _Supply:
    year: int
    amounts: dict[str, float]
    """Tonnes (or USD) by where they came from; the country itself for its own output."""
    sources: set[str]


def hs_digits(code: str | None) -> str:
    return "".join(ch for ch in code or "" if ch.isdigit())


def country_mixes(data: SupplyData) -> dict[tuple[str, str], CountryMix]:
    """(country, item) -> mix, for every country with usable trade data for the item."""
    by_code: dict[str, list[str]] = defaultdict(list)
    for item_id in sorted(data.items):
        code = hs_digits(data.items[item_id].hs_code)
        if code:
            by_code[code].append(item_id)
    flows: dict[str, dict[str, list[TradeFlow]]] = defaultdict(lambda: defaultdict(list))
    for importer in sorted(data.trades):
        for flow in data.trades[importer]:
            if flow.exporter == importer:
                continue
            for item_id in {flow.item, *by_code.get(hs_digits(flow.hs_code), ())}:
                item = data.items.get(item_id)
                if item is None or item.stage is None:
                    continue
                if flow.scope == FERRITE and item.family != FERRITE:
                    continue
                flows[item_id][importer].append(flow)
    mixes: dict[tuple[str, str], CountryMix] = {}
    for item_id in sorted(flows):
        supplies = {
            country: supply
            for country in sorted(flows[item_id])
            if (supply := _supply(data, data.items[item_id], country, flows[item_id][country]))
        }
        for mix in _solve(data, item_id, supplies):
            mixes[(mix.country, item_id)] = mix
    return mixes


def _supply(data: SupplyData, item: Item, country: str, flows: list[TradeFlow]) -> _Supply | None:
    """One country's supply of one item: the flows of the latest year from one source
    (the best by confidence, then source id, so Comtrade and BACI never add up), by
    exporter, plus its own output. Weighed in tonnes, or in USD where a flow lacks tonnes
    and the country makes none of the item itself."""
    usable = [f for f in flows if f.tonnes is not None or f.value_usd is not None]
    if not usable:
        return None
    year = max(f.year for f in usable)
    latest = [f for f in usable if f.year == year]
    best = min(latest, key=lambda f: f.fact.preference).fact.source
    chosen = [f for f in latest if f.fact.source == best]
    makes = country in data.producers.get(item.id, set())
    output = data.output.get((country, item.id))
    in_tonnes = all(f.tonnes is not None for f in chosen)
    if not in_tonnes and (makes or not all(f.value_usd is not None for f in chosen)):
        data.warnings.append(
            f"trade flows of '{item.id}' into {country} in {year} give neither tonnes for "
            "every flow nor a value for every flow that could stand beside its own output; "
            "the world mix is used"
        )
        return None
    if makes and in_tonnes and output is None:
        data.warnings.append(
            f"{country} makes '{item.id}' but no source gives its output in tonnes, so its "
            "imports cannot be weighed against it; the world mix is used"
        )
        return None
    amounts: dict[str, float] = defaultdict(float)
    sources = {s for f in chosen if (s := f.fact.source)}
    for flow in chosen:
        amount = flow.tonnes if in_tonnes else flow.value_usd
        amounts[flow.exporter] += amount or 0.0
    if makes and output is not None:
        amounts[country] += output.tonnes
        if output.fact.source:
            sources.add(output.fact.source)
    if sum(amounts.values()) <= 0:
        return None
    return _Supply(year, dict(amounts), sources)


def _solve(data: SupplyData, item: str, supplies: dict[str, _Supply]) -> list[CountryMix]:
    """``M = (I - T)^-1 B`` over the countries with a supply of the item. A re-exporter
    is an exporter no source says makes the item, where some source says who does (with
    no production data at all, every exporter is taken as a maker). A re-exporter whose
    own supply never reaches a maker (a closed loop of re-exports) is treated as having no
    trade data, so its part goes to the world mix."""
    makers = data.producers.get(item, set())
    world = data.market.get(item)
    traced = set(supplies)
    while True:
        rows, direct, through, sources = _rows(supplies, makers, world, traced)
        grounded = {c for c in rows if direct[c]}
        changed = True
        while changed:
            changed = False
            for c in rows:
                if c not in grounded and any(x in grounded for x in through[c]):
                    grounded.add(c)
                    changed = True
        loose = traced - grounded
        if not loose:
            break
        traced -= loose
    countries = sorted({k for c in rows for k in direct[c]})
    if not countries:
        return []
    index = {c: i for i, c in enumerate(rows)}
    col = {k: j for j, k in enumerate(countries)}
    b = np.zeros((len(rows), len(countries)))
    t = np.zeros((len(rows), len(rows)))
    for c in rows:
        for k, share in direct[c].items():
            b[index[c], col[k]] += share
        for x, share in through[c].items():
            t[index[c], index[x]] += share
    m = np.linalg.solve(np.eye(len(rows)) - t, b)
    mixes = []
    for c in rows:
        shares = {k: float(m[index[c], col[k]]) for k in countries if m[index[c], col[k]] > _ZERO}
        if not shares:
            continue
        behind = set(sources[c])
        stack, seen = list(through[c]), set()
        while stack:
            x = stack.pop()
            if x not in seen:
                seen.add(x)
                behind |= sources[x]
                stack.extend(through[x])
        mixes.append(CountryMix(c, item, supplies[c].year, shares, tuple(sorted(behind))))
    return mixes


def _rows(
    supplies: dict[str, _Supply],
    makers: set[str],
    world: MarketMix | None,
    traced: set[str],
) -> tuple[
    list[str], dict[str, dict[str, float]], dict[str, dict[str, float]], dict[str, set[str]]
]:
    """Each country's normalised supply split into ``direct`` (straight from a maker, or
    through the world mix) and ``through`` (re-exports traced through another country)."""
    rows = sorted(supplies)
    direct: dict[str, dict[str, float]] = {}
    through: dict[str, dict[str, float]] = {}
    sources: dict[str, set[str]] = {}
    for c in rows:
        supply = supplies[c]
        total = sum(supply.amounts.values())
        direct[c], through[c], sources[c] = defaultdict(float), defaultdict(float), set()
        sources[c] |= supply.sources
        for origin, amount in sorted(supply.amounts.items()):
            share = amount / total
            if origin == c or origin in makers or not makers:
                direct[c][origin] += share
            elif origin in traced:
                through[c][origin] += share
            elif world is not None:
                for k, w in world.shares.items():
                    direct[c][k] += share * w
                if world.fact.source:
                    sources[c].add(world.fact.source)
    return rows, direct, through, sources
