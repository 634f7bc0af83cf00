"""GraphQL types for the engine's answers: exposure, dependents and their provenance."""

from __future__ import annotations

import strawberry

from graph import analysis


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
    share: float = strawberry.field(description="Fraction (0..1) of the item's content.")
    company_share: float = strawberry.field(description="Part of share from company links.")
    market_share: float = strawberry.field(description="Part of share from market shares.")
    coverage: float = strawberry.field(
        description="Fraction of the flow reaching this stage whose country is known."
    )
    basis: str = strawberry.field(
        description="company, market, mixed or none: which kind of fact the stage used."
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


@strawberry.type(description="Share-weighted dependence of an item on a country.")
class Exposure:
    item: Ref
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


@strawberry.type(description="A product that depends on a country, with its share.")
class Dependent:
    product: Ref
    share: float
    stage: str = strawberry.field(description="The stage where the dependence is highest.")
    oems: list[Ref]
    end_uses: list[Ref]


def ref(named: analysis.Named) -> Ref:
    return Ref(id=strawberry.ID(named.id), name=named.name, label=named.label)


def source_ref(source: analysis.SourceInfo) -> SourceRef:
    return SourceRef(
        id=strawberry.ID(source.id),
        title=source.title,
        publisher=source.publisher,
        date=source.date,
        url=source.url,
    )


def exposure(answer: analysis.Exposure) -> Exposure:
    return Exposure(
        item=ref(answer.item),
        country=answer.country,
        share=answer.share,
        stage=answer.stage.value if answer.stage else None,
        stages=[
            StageShare(
                stage=s.stage.value,
                share=s.share,
                company_share=s.company_share,
                market_share=s.market_share,
                coverage=s.coverage,
                basis=s.basis,
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


def dependent(answer: analysis.Dependent) -> Dependent:
    return Dependent(
        product=ref(answer.product),
        share=answer.share,
        stage=answer.stage.value,
        oems=[ref(o) for o in answer.oems],
        end_uses=[ref(e) for e in answer.end_uses],
    )
