"""Market concentration of one stage: shares by country, HHI and top-n shares. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from graph.engine.facts import MarketMix
from graph.model import UNATTRIBUTED_COUNTRY

CRMA_BENCHMARK = 0.65
"""EU Critical Raw Materials Act: no more than 65% of a stage from one third country."""


@dataclass(frozen=True)
class Concentration:
    item: str
    year: int | None
    shares: tuple[tuple[str, float], ...]
    """(country, share), largest first."""
    hhi: float
    """Herfindahl-Hirschman index of the known shares, 0..10,000."""
    top1: float
    top3: float
    coverage: float
    """Sum of the shares attributed to a country; the rest is unknown or "other" (ZZ), which
    is no single country and so is left out of HHI and the top shares."""
    threshold: float
    flagged: bool
    source: str | None
    confidence: str | None


def concentration(mix: MarketMix, *, threshold: float = CRMA_BENCHMARK) -> Concentration:
    ordered = tuple(
        sorted(
            ((c, s) for c, s in mix.shares.items() if c != UNATTRIBUTED_COUNTRY),
            key=lambda kv: (-kv[1], kv[0]),
        )
    )
    values = [share for _, share in ordered]
    top1 = values[0] if values else 0.0
    return Concentration(
        item=mix.item,
        year=mix.fact.year,
        shares=ordered,
        hhi=sum((100.0 * v) ** 2 for v in values),
        top1=top1,
        top3=sum(values[:3]),
        coverage=sum(values),
        threshold=threshold,
        flagged=top1 > threshold,
        source=mix.fact.source,
        confidence=mix.fact.confidence,
    )


def pick(sets: list[MarketMix], year: int | None) -> MarketMix | None:
    """The best set for a year (``sets`` come best first); the best overall if no year."""
    for mix in sets:
        if year is None or mix.fact.year == year:
            return mix
    return None
