"""GraphQL types for the mitigation planner and the control watch, and their conversion
from graph.engine.mitigate and graph.engine.watch (kept beside schema.answers, whose
reference and impact types they reuse, so that module stays one room per older answer)."""

from __future__ import annotations

import strawberry

from graph.engine import mitigate as m
from graph.engine import watch as w
from schema.answers import GroupImpact, ProductImpact, Ref, groups, product_impact, ref, refs


@strawberry.type(description="One sourcing change: a consumer moves part of an item.")
class Move:
    stage: str
    consumer: Ref
    item: Ref
    supplier: Ref | None = strawberry.field(
        description="Where it comes from now (null: the market or a country's supply)."
    )
    to: Ref
    share: float = strawberry.field(description="Fraction of the subject's supply at the stage.")
    tonnes: float | None = strawberry.field(
        description="Tonnes a year moved (null: the graph gives the subject no tonnes)."
    )
    usd_per_kg_from: float | None = strawberry.field(
        description="The current supplier's price (null: none in the graph)."
    )
    usd_per_kg_to: float | None = strawberry.field(
        description="The alternative's price (null: none in the graph)."
    )
    extra_cost: float | None = strawberry.field(
        description="What the move adds, in its stage's costUnit (null: planned by supply)."
    )


@strawberry.type(description="An alternative whose spare capacity the plan uses up.")
class Binding:
    stage: str
    supplier: Ref
    capacity: float
    assigned: float = strawberry.field(description="Tonnes the graph already assigns to it.")
    spare: float


@strawberry.type(description="The subject's share of the country at one stage, before and after.")
class StagePlan:
    stage: str
    before: float
    after: float
    lowest: float = strawberry.field(description="The lowest share any plan reaches.")
    met: bool
    tonnes: float | None = strawberry.field(description="The subject's tonnes a year here.")
    reason: str | None = strawberry.field(description="Why the target is not met.")
    objective: str = strawberry.field(
        description="cost (every option priced: the least extra cost, then the least moved) "
        "or supply (the least supply moved)."
    )
    extra_cost: float | None = strawberry.field(
        description="The plan's extra cost at this stage (negative: a saving; null: unpriced)."
    )
    cost_unit: str | None = strawberry.field(
        description="USD a year, or USD per kg of the subject's supply when tonnes are unknown."
    )


@strawberry.type(description="A plan bringing a subject's share of a country under a target.")
class Mitigation:
    subject: Ref
    country: str
    target: float
    feasible: bool
    best_share: float = strawberry.field(description="Highest share left at any stage planned.")
    stages: list[StagePlan]
    moves: list[Move]
    binding: list[Binding]
    notes: list[str]


@strawberry.type(description="A day on which an export control's status changes.")
class ControlEvent:
    control: Ref
    day: str
    change: str = strawberry.field(
        description=(
            "takes_effect, suspended, extended, suspension_ends, lifted, expires, amended, "
            "licence_granted or licence_expires."
        )
    )
    before: str
    after: str
    status: str
    act: Ref | None
    covered: list[Ref]
    covered_abroad: list[Ref] = strawberry.field(
        description="Items it reaches where made outside the issuer too (extraterritorial)."
    )
    products: list[ProductImpact]
    oems: list[GroupImpact]
    end_uses: list[GroupImpact]


def mitigation(answer: m.Mitigation) -> Mitigation:
    return Mitigation(
        subject=ref(answer.subject),
        country=answer.country,
        target=answer.target,
        feasible=answer.feasible,
        best_share=answer.best_share,
        stages=[
            StagePlan(
                stage=s.stage,
                before=s.before,
                after=s.after,
                lowest=s.lowest,
                met=s.met,
                tonnes=s.tonnes,
                reason=s.reason,
                objective=s.objective,
                extra_cost=s.extra_cost,
                cost_unit=s.cost_unit,
            )
            for s in answer.stages
        ],
        moves=[
            Move(
                stage=x.stage,
                consumer=ref(x.consumer),
                item=ref(x.item),
                supplier=ref(x.supplier) if x.supplier else None,
                to=ref(x.to),
                share=x.share,
                tonnes=x.tonnes,
                usd_per_kg_from=x.usd_per_kg_from,
                usd_per_kg_to=x.usd_per_kg_to,
                extra_cost=x.extra_cost,
            )
            for x in answer.moves
        ],
        binding=[
            Binding(
                stage=b.stage,
                supplier=ref(b.supplier),
                capacity=b.capacity,
                assigned=b.assigned,
                spare=b.spare,
            )
            for b in answer.binding
        ],
        notes=list(answer.notes),
    )


def control_event(answer: w.ControlEvent) -> ControlEvent:
    return ControlEvent(
        control=ref(answer.control),
        day=answer.day,
        change=answer.change,
        before=answer.before,
        after=answer.after,
        status=answer.status,
        act=ref(answer.act) if answer.act else None,
        covered=refs(answer.covered),
        covered_abroad=refs(answer.covered_abroad),
        products=[product_impact(p) for p in answer.products],
        oems=groups(answer.oems),
        end_uses=groups(answer.end_uses),
    )
