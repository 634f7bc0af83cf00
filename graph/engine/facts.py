"""Supply facts as the engine needs them, chosen from the extracted graph.

Pure: takes plain node and relationship records, returns ``SupplyData``. Where several
sources state the same fact, one is chosen: highest confidence, then the latest year, then
the source id (so the choice is stable). Every choice keeps its source for provenance.

One room for every fact the engine reads (bill of materials, market, sourcing, sites,
stock, volumes, trade flows, control acts, prices), so it runs past 500 lines: splitting it would
scatter the one place where extracted records become engine facts, and the fact-choice rule
that every kind shares.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, NamedTuple

from graph.errors import QueryError
from graph.model import DE_MINIMIS, Label, Reach, RelType, Stage
from graph.records import NodeRef, RelRef

CONFIDENCE_RANK = {"high": 3, "medium": 2, "low": 1}

ANALYSIS_LABELS = (
    Label.PRODUCT,
    Label.COMPONENT,
    Label.MAGNET_TYPE,
    Label.MATERIAL,
    Label.ELEMENT,
    Label.COMPANY,
    Label.FACILITY,
    Label.END_USE,
    Label.COUNTRY,
    Label.SOURCE,
    Label.EXPORT_CONTROL,
    Label.CONTROL_ACT,
)
ANALYSIS_RELATIONSHIPS = (
    RelType.CONTAINS,
    RelType.MADE_FROM,
    RelType.PRODUCES,
    RelType.SOURCES_FROM,
    RelType.MAKES,
    RelType.OPERATES,
    RelType.USED_IN,
    RelType.HAS_ELEMENT,
    RelType.COVERS,
    RelType.HOLDS_STOCK,
    RelType.CONSUMES,
    RelType.TRADES,
    RelType.SELLS,
)
ANALYSIS_PROPERTIES = frozenset(
    {
        "share",
        "tonnes",
        "year",
        "source",
        "confidence",
        "item",
        "status",
        "weeks",
        "weeks_high",
        "end_use",
        "as_of",
        "kind",
        "scope",
        "hs_code",
        "value_usd",
        "reach",
        "de_minimis",
        "usd_per_kg",
    }
)
"""The relationship properties build_supply reads; extraction fetches only these."""
SUPPLY_LABELS = (Label.PRODUCT, Label.COMPONENT, Label.MAGNET_TYPE, Label.MATERIAL)


class Fact(NamedTuple):
    """Where a number came from (a tuple: a large graph makes a million of them)."""

    source: str | None
    confidence: str | None
    year: int | None

    @property
    def preference(self) -> tuple[int, int, str]:
        """Sort key, best first: highest confidence, latest year, then the alphabetically
        first source (so the choice is the same every time)."""
        return (
            -CONFIDENCE_RANK.get(self.confidence or "", 0),
            -(self.year or 0),
            self.source or "",
        )


def fact_of(props: dict[str, Any] | Any) -> Fact:
    year = props.get("year")
    return Fact(props.get("source"), props.get("confidence"), year and int(year))


@dataclass(frozen=True)
class Item:
    id: str
    label: Label
    name: str
    stage: Stage | None
    """None for products: the analysis stops at components."""
    form: str | None = None
    """Materials only: concentrate, oxide, compound, metal, alloy."""
    hs_code: str | None = None
    family: str | None = None
    """Magnet types only: ndfeb, smco, ferrite, alnico."""


class BomEdge(NamedTuple):
    parent: str
    child: str
    share: float
    fact: Fact


@dataclass(frozen=True)
class MarketMix:
    """One source's country shares of world output of an item in one year."""

    item: str
    shares: dict[str, float]
    fact: Fact


@dataclass(frozen=True)
class SupplierLink:
    consumer: str
    item: str
    supplier: str
    share: float | None
    fact: Fact


@dataclass(frozen=True)
class Site:
    """Where a company makes things at one stage, and the weight of each country."""

    company: str
    stage: Stage
    countries: dict[str, float]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class StockCover:
    """Weeks of an item a country or company holds, for one end use or all."""

    holder: str
    item: str
    end_use: str | None
    weeks: float
    weeks_high: float
    as_of: str | None
    fact: Fact


@dataclass(frozen=True)
class Volume:
    """Tonnes a year of an item a country or company consumes or imports."""

    holder: str
    item: str
    tonnes: float
    kind: str
    scope: str | None
    fact: Fact


def day_of(text: str) -> date:
    """An ISO date, or a year or month meaning its first day (``2025-04`` is 1 April)."""
    try:
        if len(text) == 4:
            return date(int(text), 1, 1)
        if len(text) == 7:
            return date(int(text[:4]), int(text[5:7]), 1)
        return date.fromisoformat(text)
    except ValueError as e:
        raise QueryError(f"'{text}' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)") from e


class ActKind(StrEnum):
    SUSPEND = "suspend"
    EXTEND = "extend"
    AMEND = "amend"
    LIFT = "lift"
    GENERAL_LICENCE = "general_licence"


@dataclass(frozen=True)
class Act:
    id: str
    kind: ActKind
    issued: str
    """The day the act was published."""
    start: str | None = None
    """The day it takes effect (default: ``issued``)."""
    until: str | None = None
    """A suspension's or extension's end; a general licence's expiry."""
    exporter: str | None = None
    """General licences: the company granted it."""
    name: str | None = None
    source: str | None = None

    @property
    def first_day(self) -> date:
        return day_of(self.start or self.issued)

    @property
    def last_day(self) -> date | None:
        """The first day it no longer applies."""
        return day_of(self.until) if self.until else None

    def applies_on(self, day: date) -> bool:
        end = self.last_day
        return self.first_day <= day and (end is None or day < end)


class Price(NamedTuple):
    """What a company charges for an item (SELLS), the best of the facts stating it."""

    usd_per_kg: float
    fact: Fact


class TradeFlow(NamedTuple):
    """One TRADES relationship: ``exporter`` -> ``importer`` of an item in a year."""

    exporter: str
    importer: str
    item: str
    hs_code: str | None
    year: int
    tonnes: float | None
    value_usd: float | None
    scope: str | None
    fact: Fact


class Output(NamedTuple):
    """A country's own output of an item in tonnes (PRODUCES with tonnes)."""

    tonnes: float
    fact: Fact


@dataclass
class SupplyData:
    items: dict[str, Item] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    labels: dict[str, Label] = field(default_factory=dict)
    bom: dict[str, list[BomEdge]] = field(default_factory=lambda: defaultdict(list))
    market: dict[str, MarketMix] = field(default_factory=dict)
    """The set the engine uses for each item."""
    market_sets: dict[str, list[MarketMix]] = field(default_factory=lambda: defaultdict(list))
    """Every source's set for each item and year, best first."""
    sourcing: dict[tuple[str, str], list[SupplierLink]] = field(
        default_factory=lambda: defaultdict(list)
    )
    sites: dict[tuple[str, Stage], Site] = field(default_factory=dict)
    headquarters: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    oems: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    end_uses: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    elements: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    grades: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    """Magnet types that are grades of each magnet type."""
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    controls: dict[str, dict[str, Any]] = field(default_factory=dict)
    covers: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    """Each control's items, as made in the issuer (reach ``origin``)."""
    abroad: dict[str, dict[str, float]] = field(default_factory=lambda: defaultdict(dict))
    """Each control's items of reach ``extraterritorial``, with their de minimis."""
    acts: dict[str, list[Act]] = field(default_factory=lambda: defaultdict(list))
    """Each control's acts (suspensions, extensions, licences ...), as recorded."""
    stock: list[StockCover] = field(default_factory=list)
    volumes: list[Volume] = field(default_factory=list)
    trades: dict[str, list[TradeFlow]] = field(default_factory=lambda: defaultdict(list))
    """Trade flows by importing country."""
    output: dict[tuple[str, str], Output] = field(default_factory=dict)
    """(country, item): the chosen PRODUCES figure in tonnes, where one gives tonnes."""
    producers: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    """Countries any source says make each item (a share or tonnes above zero)."""
    capacity: dict[tuple[str, Stage], float] = field(default_factory=dict)
    """(company, stage): tonnes a year it makes or can make there, planned plants aside
    (the mitigation planner's capacity; see graph.engine.mitigate)."""
    prices: dict[tuple[str, str], Price] = field(default_factory=dict)
    """(company, item): the chosen SELLS price (the planner's costs)."""
    warnings: list[str] = field(default_factory=list)


def build_supply(nodes: Iterable[NodeRef], rels: Iterable[RelRef]) -> SupplyData:
    data = SupplyData()
    facilities: dict[str, NodeRef] = {}
    acts: list[NodeRef] = []
    for node in nodes:
        data.labels[node.id] = node.label
        data.names[node.id] = str(node.properties.get("name") or node.properties.get("title") or "")
        if node.label in SUPPLY_LABELS:
            stage = node.properties.get("stage")
            data.items[node.id] = Item(
                node.id,
                node.label,
                data.names[node.id],
                Stage(stage) if stage else None,
                node.properties.get("form"),
                hs_code=node.properties.get("hs_code"),
                family=node.properties.get("family"),
            )
            grade_of = node.properties.get("grade_of")
            if grade_of:
                data.grades[str(grade_of)].add(node.id)
        elif node.label is Label.COMPANY:
            country = node.properties.get("country")
            if country:
                data.headquarters[node.id] = (str(country), node.properties.get("source"))
        elif node.label is Label.FACILITY:
            facilities[node.id] = node
        elif node.label is Label.SOURCE:
            data.sources[node.id] = dict(node.properties)
        elif node.label is Label.EXPORT_CONTROL:
            data.controls[node.id] = dict(node.properties)
        elif node.label is Label.CONTROL_ACT:
            acts.append(node)

    for node in acts:
        props = node.properties
        data.acts[str(props["control"])].append(
            Act(
                id=node.id,
                kind=ActKind(str(props["kind"])),
                issued=str(props["issued"]),
                start=props.get("start"),
                until=props.get("until"),
                exporter=props.get("exporter"),
                name=props.get("name"),
                source=props.get("source"),
            )
        )
    for found in data.acts.values():
        found.sort(key=lambda a: (a.first_day, a.issued, a.id))
    by_type: dict[RelType, list[RelRef]] = defaultdict(list)
    for rel in rels:
        by_type[rel.type].append(rel)

    _choose_bom(data, by_type[RelType.CONTAINS] + by_type[RelType.MADE_FROM])
    _choose_market(data, by_type[RelType.PRODUCES])
    _outputs(data, by_type[RelType.PRODUCES])
    _trades(data, by_type[RelType.TRADES])
    for rel in by_type[RelType.SOURCES_FROM]:
        share = rel.properties.get("share")
        item = str(rel.properties.get("item"))
        data.sourcing[(rel.start, item)].append(
            SupplierLink(
                rel.start,
                item,
                rel.end,
                float(share) if share is not None else None,
                fact_of(rel.properties),
            )
        )
    _sites(data, facilities, by_type[RelType.OPERATES], by_type[RelType.MAKES])
    for rel in by_type[RelType.MAKES]:
        if data.labels.get(rel.start) is Label.COMPANY and data.labels.get(rel.end) is (
            Label.PRODUCT
        ):
            data.oems[rel.end].append(rel.start)
    for rel in by_type[RelType.USED_IN]:
        data.end_uses[rel.start].append(rel.end)
    for rel in by_type[RelType.HAS_ELEMENT]:
        data.elements[rel.start].add(rel.end)
    for rel in by_type[RelType.COVERS]:
        if rel.properties.get("reach") == Reach.EXTRATERRITORIAL.value:
            stated = rel.properties.get("de_minimis")
            floor = float(stated) if stated is not None else DE_MINIMIS
            items = data.abroad[rel.start]
            items[rel.end] = min(items.get(rel.end, floor), floor)
        else:
            data.covers[rel.start].add(rel.end)
    for rel in by_type[RelType.SELLS]:
        price = Price(float(rel.properties["usd_per_kg"]), fact_of(rel.properties))
        current = data.prices.get((rel.start, rel.end))
        if current is None or price.fact.preference < current.fact.preference:
            data.prices[(rel.start, rel.end)] = price
    for rel in by_type[RelType.HOLDS_STOCK]:
        weeks = float(rel.properties.get("weeks") or 0.0)
        data.stock.append(
            StockCover(
                rel.start,
                rel.end,
                rel.properties.get("end_use"),
                weeks,
                float(rel.properties.get("weeks_high") or weeks),
                rel.properties.get("as_of"),
                fact_of(rel.properties),
            )
        )
    for rel in by_type[RelType.CONSUMES]:
        data.volumes.append(
            Volume(
                rel.start,
                rel.end,
                float(rel.properties.get("tonnes") or 0.0),
                str(rel.properties.get("kind")),
                rel.properties.get("scope"),
                fact_of(rel.properties),
            )
        )
    for mapping in (data.oems, data.end_uses):
        for key in mapping:
            mapping[key] = sorted(set(mapping[key]))
    return data


def _choose_bom(data: SupplyData, rels: list[RelRef]) -> None:
    best: dict[tuple[str, str], BomEdge] = {}
    for rel in rels:
        edge = BomEdge(
            rel.start, rel.end, float(rel.properties.get("share") or 0.0), fact_of(rel.properties)
        )
        current = best.get((rel.start, rel.end))
        if current is None or edge.fact.preference < current.fact.preference:
            best[(rel.start, rel.end)] = edge
    for edge in sorted(best.values(), key=lambda e: (e.parent, e.child)):
        data.bom[edge.parent].append(edge)
    for parent, edges in data.bom.items():
        total = sum(e.share for e in edges)
        if total > 1.0 + 1e-9:
            data.warnings.append(
                f"the inputs of '{parent}' chosen from several sources add up to {total:.3g}; "
                "scaled to 1"
            )
            data.bom[parent] = [BomEdge(e.parent, e.child, e.share / total, e.fact) for e in edges]


def _choose_market(data: SupplyData, rels: list[RelRef]) -> None:
    groups: dict[tuple[str, str | None, int | None], list[RelRef]] = defaultdict(list)
    for rel in rels:
        fact = fact_of(rel.properties)
        groups[(rel.end, fact.source, fact.year)].append(rel)
    for (item, _, _), group in sorted(groups.items(), key=lambda kv: str(kv[0])):
        mix = _mix(item, group)
        if mix is not None:
            data.market_sets[item].append(mix)
    for item, sets in data.market_sets.items():
        sets.sort(key=lambda m: m.fact.preference)
        data.market[item] = sets[0]


def _mix(item: str, group: list[RelRef]) -> MarketMix | None:
    """One source's set: its shares, or its tonnes normalised when it gives no shares."""
    with_share = [r for r in group if r.properties.get("share") is not None]
    if with_share:
        shares = {r.start: float(r.properties["share"]) for r in with_share}
    else:
        total = sum(float(r.properties.get("tonnes") or 0.0) for r in group)
        if total <= 0:
            return None
        shares = {r.start: float(r.properties.get("tonnes") or 0.0) / total for r in group}
    fact = min((fact_of(r.properties) for r in group), key=lambda f: f.preference)
    return MarketMix(item, shares, fact)


def _outputs(data: SupplyData, rels: list[RelRef]) -> None:
    """Who makes each item, and each country's own output in tonnes where a source gives
    it (the best such figure, chosen as any other fact)."""
    for rel in rels:
        share, tonnes = rel.properties.get("share"), rel.properties.get("tonnes")
        if (share is not None and float(share) > 0) or (tonnes is not None and float(tonnes) > 0):
            data.producers[rel.end].add(rel.start)
        if tonnes is None:
            continue
        output = Output(float(tonnes), fact_of(rel.properties))
        current = data.output.get((rel.start, rel.end))
        if current is None or output.fact.preference < current.fact.preference:
            data.output[(rel.start, rel.end)] = output


def _trades(data: SupplyData, rels: list[RelRef]) -> None:
    for rel in rels:
        props = rel.properties
        year = props.get("year")
        if year is None:
            continue
        tonnes, value = props.get("tonnes"), props.get("value_usd")
        data.trades[rel.end].append(
            TradeFlow(
                rel.start,
                rel.end,
                str(props.get("item") or ""),
                props.get("hs_code"),
                int(year),
                float(tonnes) if tonnes is not None else None,
                float(value) if value is not None else None,
                props.get("scope"),
                fact_of(props),
            )
        )


def _sites(
    data: SupplyData,
    facilities: dict[str, NodeRef],
    operates: list[RelRef],
    makes: list[RelRef],
) -> None:
    """A company's countries per stage, weighted by the tonnes its facilities make there
    (equal weights where tonnes are unknown). Operating facilities count; planned ones
    only where a company has nothing else at that stage."""
    tonnes: dict[str, float] = defaultdict(float)
    for rel in makes:
        if rel.start in facilities and rel.properties.get("status") != "planned":
            tonnes[rel.start] = max(tonnes[rel.start], float(rel.properties.get("tonnes") or 0.0))
    per_company: dict[tuple[str, Stage], list[NodeRef]] = defaultdict(list)
    for rel in operates:
        facility = facilities.get(rel.end)
        if facility is None or not facility.properties.get("stage"):
            continue
        per_company[(rel.start, Stage(facility.properties["stage"]))].append(facility)
    for (company, stage), sites in per_company.items():
        operating = [f for f in sites if f.properties.get("status") == "operating"] or sites
        weights: dict[str, float] = defaultdict(float)
        known = sum(tonnes[f.id] for f in operating)
        for facility in operating:
            weight = tonnes[facility.id] / known if known > 0 else 1.0 / len(operating)
            weights[str(facility.properties["country"])] += weight
        sources = tuple(sorted({str(f.properties.get("source")) for f in operating}))
        data.sites[(company, stage)] = Site(company, stage, dict(weights), sources)
        if known > 0:
            data.capacity[(company, stage)] = known
    for rel in makes:
        item = data.items.get(rel.end)
        own = rel.properties.get("tonnes")
        if (
            data.labels.get(rel.start) is Label.COMPANY
            and item is not None
            and item.stage is not None
            and own is not None
            and rel.properties.get("status") != "planned"
        ):
            key = (rel.start, item.stage)
            data.capacity[key] = max(data.capacity.get(key, 0.0), float(own))
