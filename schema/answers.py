"""GraphQL types for the engine's answers, and their conversion from graph.engine.answers.

This is the edge: each engine answer type has its GraphQL twin here and is converted once,
by the function of the same name (``exposure``, ``dependent``, ``concentration``,
``scenario``, ``control_status``). Stages and bases go out as their string values.
``as_json`` gives the GraphQL shape of any of them (camelCase names), which the CLI's
``--json`` prints, so a script can switch between the two.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from typing import Any

import strawberry
from strawberry.utils.str_converters import to_camel_case

from graph.engine import answers as a


@strawberry.type(description="An entity named in an answer.")
class Ref:
    id: strawberry.ID
    name: str
    label: str


@strawberry.type(description="A source behind a number.")
class SourceRef:
    id: strawberry.ID
    title: str
    publisher: str | None
    date: str | None
    url: str | None


@strawberry.type(description="Dependence on a country at one stage of the chain.")
class StageShare:
    stage: str
    share: float = strawberry.field(description="Fraction (0..1) of the rare-earth content.")
    company_share: float = strawberry.field(description="Part of share from company links.")
    market_share: float = strawberry.field(description="Part of share from market shares.")
    trade_share: float = strawberry.field(
        description="Part of share from the consumer's country's supply mix (trade flows)."
    )
    coverage: float = strawberry.field(
        description="Fraction of the flow reaching this stage whose country is known."
    )
    basis: str = strawberry.field(
        description="company, market, trade, mixed or none: which kind of fact the stage used."
    )


@strawberry.type(description="One step on a path: an item, and the company it came from.")
class PathStep:
    item: Ref
    supplier: Ref | None


@strawberry.type(description="A route that carries part of the exposure, with its weight.")
class ExposurePath:
    share: float
    stage: str
    country: str
    basis: str
    steps: list[PathStep]


@strawberry.type(description="Share-weighted dependence on a country.")
class Exposure:
    subject: Ref = strawberry.field(
        description="The product, item, OEM or end use asked about. OEMs and end uses are "
        "the unweighted mean over their products."
    )
    products: list[Ref] = strawberry.field(
        description="The products averaged, for an OEM or end use."
    )
    country: str
    share: float = strawberry.field(
        description="The highest stage share: at least this fraction passes the country."
    )
    stage: str | None = strawberry.field(description="The stage with the highest share.")
    stages: list[StageShare]
    paths: list[ExposurePath]
    sources: list[SourceRef]
    graph_version: int
    as_of: str | None = strawberry.field(description="When the graph was last loaded.")


@strawberry.type(description="A product, OEM or end use that depends on a country.")
class Dependent:
    subject: Ref
    product: Ref | None = strawberry.field(description="The product (product rankings only).")
    share: float
    stage: str = strawberry.field(description="The stage where the dependence is highest.")
    basis: str = strawberry.field(
        description="company, market or mixed: which kind of fact the share at that stage used."
    )
    oems: list[Ref]
    end_uses: list[Ref]
    products: list[Ref]


@strawberry.type
class CountryShare:
    country: str
    share: float


@strawberry.type(description="How concentrated one item's output is, by country.")
class Concentration:
    item: Ref
    stage: str | None
    year: int | None
    shares: list[CountryShare] = strawberry.field(
        description="Largest first; 'other' (ZZ) is left out."
    )
    hhi: float = strawberry.field(description="Herfindahl-Hirschman index, 0..10,000.")
    top1: float
    top3: float
    coverage: float = strawberry.field(description="Sum of the shares attributed to a country.")
    threshold: float
    flagged: bool = strawberry.field(description="top1 above threshold.")
    source: SourceRef | None
    confidence: str | None


@strawberry.type(description="What an export control does to one product.")
class ProductImpact:
    product: Ref
    controlled: float = strawberry.field(
        description="Fraction of its rare-earth content passing a controlled export."
    )
    shortfall: float = strawberry.field(description="controlled x (1 - approval rate).")
    oems: list[Ref]
    end_uses: list[Ref]
    cover_weeks: list[float] | None = strawberry.field(description="[low, high] stock cover.")
    weeks_to_stockout: list[float] | None = strawberry.field(
        description="[low, high]: cover / shortfall."
    )
    stockout_dates: list[str] | None
    runs_out_within_duration: bool | None


@strawberry.type
class GroupImpact:
    entity: Ref
    shortfall: float = strawberry.field(description="The largest among its products.")
    products: int


@strawberry.type(description="Tonnes a year a holder consumes or imports, and the shortfall.")
class VolumeImpact:
    holder: Ref
    item: Ref
    kind: str
    year: int | None
    tonnes: float
    shortfall_tonnes: float
    scope: str | None
    source: str | None


@strawberry.type(description="An export control applied to the graph.")
class Scenario:
    control: Ref | None
    issuer: str
    items: list[Ref]
    covered: list[Ref] = strawberry.field(description="Supply items the control reaches.")
    covered_abroad: list[Ref] = strawberry.field(
        description="Items it reaches where made outside the issuer too, from at least the "
        "de minimis of the issuer's inputs (extraterritorial reach)."
    )
    approval_rate: float
    start: str
    duration_weeks: float
    as_of: str
    in_force: bool
    status: str
    counted_from: str | None = strawberry.field(
        description="The day stock-outs count from: the first day of the in-force period "
        "holding asOf, or the day the control binds again (null: never)."
    )
    act: Ref | None = strawberry.field(
        description="The act that decides the status (a suspension, a lift ...), if any."
    )
    licensed: list[Ref] = strawberry.field(
        description="Exporters holding a general licence on asOf: their shipments pass."
    )
    products: list[ProductImpact]
    oems: list[GroupImpact]
    end_uses: list[GroupImpact]
    volumes: list[VolumeImpact]
    sources: list[SourceRef]
    graph_version: int


@strawberry.type(description="An act on an export control: suspension, extension, lift ...")
class Act:
    id: strawberry.ID
    name: str
    kind: str = strawberry.field(description="suspend, extend, amend, lift or general_licence.")
    issued: str
    start: str = strawberry.field(description="The day it takes effect.")
    until: str | None = strawberry.field(
        description="A suspension's end, or a general licence's expiry."
    )
    exporter: Ref | None = strawberry.field(description="General licences: who holds it.")
    source: SourceRef | None


@strawberry.type(description="An export control on one day: its status and why.")
class ControlStatus:
    control: Ref
    issuer: str
    as_of: str
    in_force: bool
    state: str = strawberry.field(
        description="in_force, not_yet_in_force, suspended, expired or lifted."
    )
    status: str
    act: Act | None = strawberry.field(
        description="The act that decides the state; null when the control's own dates do."
    )
    licences: list[Act] = strawberry.field(description="General licences in force on the day.")
    in_force_from: str | None = strawberry.field(
        description="In force: the first day of this unbroken period (null: since its "
        "start). Otherwise: the day it binds again (null: never)."
    )
    acts: list[Act] = strawberry.field(description="Every recorded act, in order.")


def ref(named: a.Named) -> Ref:
    return Ref(id=strawberry.ID(named.id), name=named.name, label=named.label)


def refs(named: tuple[a.Named, ...]) -> list[Ref]:
    return [ref(n) for n in named]


def source_ref(source: a.SourceInfo) -> SourceRef:
    return SourceRef(
        id=strawberry.ID(source.id),
        title=source.title,
        publisher=source.publisher,
        date=source.date,
        url=source.url,
    )


def exposure(answer: a.Exposure) -> Exposure:
    return Exposure(
        subject=ref(answer.subject),
        products=refs(answer.products),
        country=answer.country,
        share=answer.share,
        stage=answer.stage.value if answer.stage else None,
        stages=[
            StageShare(
                stage=s.stage.value,
                share=s.share,
                company_share=s.company_share,
                market_share=s.market_share,
                trade_share=s.trade_share,
                coverage=s.coverage,
                basis=s.basis.value,
            )
            for s in answer.stages
        ],
        paths=[
            ExposurePath(
                share=p.share,
                stage=p.stage.value,
                country=p.country,
                basis=p.basis.value,
                steps=[
                    PathStep(
                        item=ref(step.item), supplier=ref(step.supplier) if step.supplier else None
                    )
                    for step in p.steps
                ],
            )
            for p in answer.paths
        ],
        sources=[source_ref(s) for s in answer.sources],
        graph_version=answer.version.version,
        as_of=answer.version.loaded_at,
    )


def dependent(answer: a.Dependent) -> Dependent:
    is_product = answer.subject.label == "Product"
    return Dependent(
        subject=ref(answer.subject),
        product=ref(answer.subject) if is_product else None,
        share=answer.share,
        stage=answer.stage.value,
        basis=answer.basis.value,
        oems=refs(answer.oems),
        end_uses=refs(answer.end_uses),
        products=refs(answer.products),
    )


def concentration(answer: a.Concentration) -> Concentration:
    return Concentration(
        item=ref(answer.item),
        stage=answer.stage.value if answer.stage else None,
        year=answer.year,
        shares=[CountryShare(country=s.country, share=s.share) for s in answer.shares],
        hhi=answer.hhi,
        top1=answer.top1,
        top3=answer.top3,
        coverage=answer.coverage,
        threshold=answer.threshold,
        flagged=answer.flagged,
        source=source_ref(answer.source) if answer.source else None,
        confidence=answer.confidence,
    )


def scenario(answer: a.Scenario) -> Scenario:
    return Scenario(
        control=ref(answer.control) if answer.control else None,
        issuer=answer.issuer,
        items=refs(answer.items),
        covered=refs(answer.covered),
        covered_abroad=refs(answer.covered_abroad),
        approval_rate=answer.approval_rate,
        start=answer.start,
        duration_weeks=answer.duration_weeks,
        as_of=answer.as_of,
        in_force=answer.in_force,
        status=answer.status,
        counted_from=answer.counted_from,
        act=ref(answer.act) if answer.act else None,
        licensed=refs(answer.licensed),
        products=[product_impact(p) for p in answer.products],
        oems=groups(answer.oems),
        end_uses=groups(answer.end_uses),
        volumes=[
            VolumeImpact(
                holder=ref(v.holder),
                item=ref(v.item),
                kind=v.kind,
                year=v.year,
                tonnes=v.tonnes,
                shortfall_tonnes=v.shortfall_tonnes,
                scope=v.scope,
                source=v.source,
            )
            for v in answer.volumes
        ],
        sources=[source_ref(s) for s in answer.sources],
        graph_version=answer.version.version,
    )


def product_impact(p: a.ProductImpact) -> ProductImpact:
    return ProductImpact(
        product=ref(p.product),
        controlled=p.controlled,
        shortfall=p.shortfall,
        oems=refs(p.oems),
        end_uses=refs(p.end_uses),
        cover_weeks=list(p.cover_weeks) if p.cover_weeks else None,
        weeks_to_stockout=list(p.weeks_to_stockout) if p.weeks_to_stockout else None,
        stockout_dates=list(p.stockout_dates) if p.stockout_dates else None,
        runs_out_within_duration=p.runs_out_within_duration,
    )


def groups(found: tuple[a.GroupImpact, ...]) -> list[GroupImpact]:
    return [
        GroupImpact(entity=ref(g.entity), shortfall=g.shortfall, products=g.products) for g in found
    ]


def control_act(act: a.ActInfo) -> Act:
    return Act(
        id=strawberry.ID(act.id),
        name=act.name,
        kind=act.kind,
        issued=act.issued,
        start=act.start,
        until=act.until,
        exporter=ref(act.exporter) if act.exporter else None,
        source=source_ref(act.source) if act.source else None,
    )


def control_status(answer: a.ControlStatus) -> ControlStatus:
    return ControlStatus(
        control=ref(answer.control),
        issuer=answer.issuer,
        as_of=answer.as_of,
        in_force=answer.in_force,
        state=answer.state,
        status=answer.status,
        act=control_act(answer.act) if answer.act else None,
        licences=[control_act(x) for x in answer.licences],
        in_force_from=answer.in_force_from,
        acts=[control_act(x) for x in answer.acts],
    )


def as_json(value: Any) -> Any:
    """A converted answer (or a list of them) as the JSON a GraphQL query selecting every
    field returns: camelCase names, the same nesting."""
    if is_dataclass(value) and not isinstance(value, type):
        return {to_camel_case(f.name): as_json(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, list | tuple):
        return [as_json(v) for v in value]
    return value
