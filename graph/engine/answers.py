"""What the engine answers: plain, immutable records that the API and the CLI render.

One type per concept, and the engine's enums, declared here once: the GraphQL schema wraps
them (schema/query.py) and the CLI takes them as options, so neither declares its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from graph.engine.network import Basis
from graph.model import Stage
from graph.records import GraphVersion

EPSILON = 1e-12
"""Shares at or below this count as zero."""


class SubjectKind(StrEnum):
    """What a dependents ranking (or a dependence audit) lists."""

    PRODUCT = "product"
    OEM = "oem"
    END_USE = "end_use"


class StageBasis(StrEnum):
    """Which kind of fact a stage's share rests on."""

    COMPANY = "company"
    MARKET = "market"
    TRADE = "trade"
    """The consumer's country's own supply mix, from trade flows (graph.engine.trade)."""
    MIXED = "mixed"
    """More than one of company links, market shares and trade mixes."""
    NONE = "none"
    """No origin known at this stage."""


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
    basis: StageBasis
    trade_share: float = 0.0
    """Part of share from the consumer's country's trade mix."""


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
    subject: Named
    """A product, component, magnet type or material; or an OEM or end use, whose numbers
    are the mean over its products (unweighted: unit volumes are not in the graph)."""
    products: tuple[Named, ...]
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
    subject: Named
    share: float
    stage: Stage
    basis: StageBasis
    """Which kind of fact the share at that stage rests on (company, market or mixed)."""
    oems: tuple[Named, ...]
    end_uses: tuple[Named, ...]
    products: tuple[Named, ...]


@dataclass(frozen=True)
class CountryShare:
    country: str
    share: float


@dataclass(frozen=True)
class Concentration:
    """How concentrated one item's world output is, from one source's set of shares."""

    item: Named
    stage: Stage | None
    year: int | None
    shares: tuple[CountryShare, ...]
    """Largest first."""
    hhi: float
    """Herfindahl-Hirschman index of the known shares, 0..10,000."""
    top1: float
    top3: float
    coverage: float
    """Sum of the shares attributed to a country; the rest is unknown or "other" (ZZ), which
    is no single country and so is left out of HHI and the top shares."""
    threshold: float
    flagged: bool
    """top1 above threshold."""
    source: SourceInfo | None
    confidence: str | None


@dataclass(frozen=True)
class ProductImpact:
    product: Named
    controlled: float
    """Fraction of the product's rare-earth content that passes a controlled export."""
    shortfall: float
    """The part of it that licences do not approve: controlled * (1 - approval rate)."""
    oems: tuple[Named, ...]
    end_uses: tuple[Named, ...]
    cover_weeks: tuple[float, float] | None
    weeks_to_stockout: tuple[float, float] | None
    stockout_dates: tuple[str, str] | None
    runs_out_within_duration: bool | None


@dataclass(frozen=True)
class GroupImpact:
    entity: Named
    shortfall: float
    """The largest shortfall among its products."""
    products: int


@dataclass(frozen=True)
class VolumeImpact:
    holder: Named
    item: Named
    kind: str
    year: int | None
    tonnes: float
    shortfall_tonnes: float
    scope: str | None
    source: str | None


@dataclass(frozen=True)
class Scenario:
    control: Named | None
    issuer: str
    items: tuple[Named, ...]
    covered: tuple[Named, ...]
    covered_abroad: tuple[Named, ...]
    """Items covered where made outside the issuer too (extraterritorial reach)."""
    approval_rate: float
    start: str
    duration_weeks: float
    as_of: str
    in_force: bool
    status: str
    counted_from: str | None
    """The day stock-outs count from: the first day of the in-force period on ``as_of``,
    or the day the control binds again (None: it never does)."""
    act: Named | None
    """The act that decides the status (a suspension, a lift ...), if one does."""
    licensed: tuple[Named, ...]
    """Exporters holding a general licence on ``as_of``: their shipments pass."""
    products: tuple[ProductImpact, ...]
    oems: tuple[GroupImpact, ...]
    end_uses: tuple[GroupImpact, ...]
    volumes: tuple[VolumeImpact, ...]
    sources: tuple[SourceInfo, ...]
    version: GraphVersion


@dataclass(frozen=True)
class ActInfo:
    id: str
    name: str
    kind: str
    issued: str
    start: str
    until: str | None
    exporter: Named | None
    source: SourceInfo | None


@dataclass(frozen=True)
class ControlStatus:
    """One export control on one day: its state and the act that decides it."""

    control: Named
    issuer: str
    as_of: str
    in_force: bool
    state: str
    """in_force, not_yet_in_force, suspended, expired or lifted."""
    status: str
    act: ActInfo | None
    """The deciding act; None when the control's own dates decide."""
    licences: tuple[ActInfo, ...]
    """General licences in force on the day."""
    in_force_from: str | None
    """When in force: the first day of this unbroken period (None: since its start);
    otherwise the day it binds again (None: never)."""
    acts: tuple[ActInfo, ...]
    """Every recorded act, in order."""
