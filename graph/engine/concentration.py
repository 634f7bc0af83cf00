"""Concentration: how concentrated each item's world output is, by country, from market
shares: shares, HHI and top-1/top-3, flagged above a threshold."""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph.engine.answers import Concentration, CountryShare, Named, SourceInfo
from graph.engine.facts import MarketMix
from graph.errors import NotFound, QueryError
from graph.model import UNATTRIBUTED_COUNTRY, Stage

if TYPE_CHECKING:
    from graph.engine.snapshot import Snapshot

CRMA_BENCHMARK = 0.65
"""EU Critical Raw Materials Act: no more than 65% of a stage from one third country."""


def concentration(
    snapshot: Snapshot,
    *,
    item: str | None = None,
    stage: Stage | None = None,
    year: int | None = None,
    threshold: float = CRMA_BENCHMARK,
) -> list[Concentration]:
    """One answer per item (or the one ``item``) with market shares for ``year`` (default:
    its best set), only items of ``stage`` if given."""
    if not 0.0 <= threshold <= 1.0:
        raise QueryError(f"threshold must be between 0 and 1, got {threshold}")
    data = snapshot.data
    if item is not None and item not in data.items:
        raise NotFound(f"no material, magnet type or component with id '{item}'")
    out = []
    for i in [item] if item is not None else sorted(data.market_sets):
        if stage is not None and data.items[i].stage is not stage:
            continue
        mix = pick(data.market_sets.get(i, []), year)
        if mix is None:
            continue
        out.append(
            measure(
                mix,
                item=snapshot.named(i),
                stage=data.items[i].stage,
                source=snapshot.source(mix.fact.source) if mix.fact.source else None,
                threshold=threshold,
            )
        )
    return out


def measure(
    mix: MarketMix,
    *,
    item: Named,
    stage: Stage | None,
    source: SourceInfo | None,
    threshold: float = CRMA_BENCHMARK,
) -> Concentration:
    """The concentration of one set of shares. Pure."""
    ordered = sorted(
        ((c, s) for c, s in mix.shares.items() if c != UNATTRIBUTED_COUNTRY),
        key=lambda kv: (-kv[1], kv[0]),
    )
    values = [share for _, share in ordered]
    top1 = values[0] if values else 0.0
    return Concentration(
        item=item,
        stage=stage,
        year=mix.fact.year,
        shares=tuple(CountryShare(c, s) for c, s in ordered),
        hhi=sum((100.0 * v) ** 2 for v in values),
        top1=top1,
        top3=sum(values[:3]),
        coverage=sum(values),
        threshold=threshold,
        flagged=top1 > threshold,
        source=source,
        confidence=mix.fact.confidence,
    )


def pick(sets: list[MarketMix], year: int | None) -> MarketMix | None:
    """The best set for a year (``sets`` come best first); the best overall if no year."""
    for mix in sets:
        if year is None or mix.fact.year == year:
            return mix
    return None
