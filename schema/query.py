"""The Query root: analysts' questions, entity lists with cursor pagination, and lookups.

The questions are nullable fields: where one fails (a supply cycle, a bad argument), its
error is listed and the rest of the document still answers (GraphQL nulls only that field).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, TypeVar, cast

import strawberry

from graph.engine.answers import SubjectKind
from graph.engine.concentration import CRMA_BENCHMARK
from graph.errors import QueryError
from graph.model import Label, Stage
from schema import answers, plans
from schema.context import Info
from schema.entities import (
    Company,
    Component,
    Country,
    Element,
    EndUse,
    Entity,
    ExportControl,
    Facility,
    MagnetType,
    Material,
    Observation,
    Product,
    Source,
    to_entity,
    to_source,
)
from schema.pagination import Connection, Edge, PageInfo, decode_cursor, encode_cursor

E = TypeVar("E")

DEFAULT_PAGE = 50


async def _connection(info: Info, label: Label, first: int, after: str | None) -> Connection[E]:
    limit = info.context.max_page_size
    if not 1 <= first <= limit:
        raise QueryError(f"first must be between 1 and {limit}, got {first}")
    start = decode_cursor(after)
    rows = await info.context.call(lambda s: s.page(label, after=start, first=first + 1))
    total = await info.context.call(lambda s: s.count(label))
    convert = to_source if label is Label.SOURCE else to_entity
    edges = [Edge(cursor=encode_cursor(n.id), node=cast(E, convert(n))) for n in rows[:first]]
    return Connection(
        total_count=total,
        page_info=PageInfo(
            has_next_page=len(rows) > first,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        edges=edges,
    )


async def _lookup(info: Info, label: Label, node_id: str) -> Entity | None:
    found = await info.context.call(lambda s: s.nodes(label, [node_id]))
    return to_entity(found[0]) if found else None


DependentKind = strawberry.enum(
    SubjectKind, name="DependentKind", description="What a dependents ranking lists."
)
"""The engine's SubjectKind, as GraphQL names it."""
StageName = strawberry.enum(Stage, name="StageName", description="A supply-chain stage.")
"""graph.model.Stage, as GraphQL names it."""


@strawberry.type(description="The graph's version: every load bumps it.")
class GraphInfo:
    store: str
    version: int
    loaded_at: str | None
    incomplete_load: str | None = strawberry.field(
        default=None,
        description="When a load began after this version and has not completed (running, "
        "or its process died): answers are still this version's; loading the same data "
        "again completes it.",
    )


@strawberry.type
class Query:
    @strawberry.field(
        description=(
            "Every product that depends on a country (ISO 3166 alpha-2) for an item "
            "(element, material, magnet type or component id; all items when omitted), "
            "ranked by share."
        )
    )
    async def dependents(
        self,
        info: Info,
        country: str,
        item: strawberry.ID | None = None,
        kind: SubjectKind = SubjectKind.PRODUCT,
        limit: int | None = None,
    ) -> list[answers.Dependent] | None:
        key = str(item) if item is not None else None
        if limit is not None and limit < 1:
            (await info.context.snapshot()).dependents(country, key, kind, limit=limit)
        ranked = await info.context.answer(
            ("dependents", country, key, kind),
            lambda s: [answers.dependent(d) for d in s.dependents(country, key, kind)],
        )
        return ranked[:limit]

    @strawberry.field(
        description=(
            "Shares by country, HHI (0-10,000) and top-1/top-3 shares of an item's output "
            "(or of every item at a stage), flagged above a threshold (default 0.65, the EU "
            "Critical Raw Materials Act benchmark)."
        )
    )
    async def concentration(
        self,
        info: Info,
        item: strawberry.ID | None = None,
        stage: Stage | None = None,
        year: int | None = None,
        threshold: float = CRMA_BENCHMARK,
    ) -> list[answers.Concentration] | None:
        key = str(item) if item is not None else None
        return await info.context.answer(
            ("concentration", key, stage, year, threshold),
            lambda s: [
                answers.concentration(c)
                for c in s.concentration(item=key, stage=stage, year=year, threshold=threshold)
            ],
        )

    @strawberry.field(
        description=(
            "Apply an export control: a bundled one by id (its suspension honoured on asOf), "
            "or an issuer and items. Returns affected products, OEMs and end uses ranked by "
            "shortfall, tonnes where volumes are known, and weeks to stock-out where stock "
            "cover is known."
        )
    )
    async def scenario(
        self,
        info: Info,
        control: strawberry.ID | None = None,
        issuer: str | None = None,
        items: list[strawberry.ID] | None = None,
        approval_rate: float = 0.0,
        start: date | None = None,
        duration_weeks: float = 8.0,
        as_of: date | None = None,
    ) -> answers.Scenario | None:
        snapshot = await info.context.snapshot()
        answer = snapshot.scenario(
            today=info.context.today(),
            control=str(control) if control is not None else None,
            issuer=issuer,
            items=[str(i) for i in items] if items else None,
            approval_rate=approval_rate,
            start=start,
            duration_weeks=duration_weeks,
            as_of=as_of,
        )
        return answers.scenario(answer)

    @strawberry.field(
        description=(
            "Share-weighted dependence of a product (or component, magnet type, material, "
            "OEM or end use) on a country, stage by stage, with the heaviest paths and the "
            "sources used."
        )
    )
    async def exposure(
        self, info: Info, product: strawberry.ID, country: str, paths: int = 5
    ) -> answers.Exposure | None:
        return await info.context.answer(
            ("exposure", str(product), country, paths),
            lambda s: answers.exposure(s.exposure(str(product), country, paths=paths)),
        )

    @strawberry.field(
        description=(
            "Every export control on a day (default: today): in force or not, the act that "
            "decides it (suspension, extension, lift ...), and general licences in force."
        )
    )
    async def controls(
        self, info: Info, as_of: date | None = None
    ) -> list[answers.ControlStatus] | None:
        snapshot = await info.context.snapshot()
        found = snapshot.controls(as_of=as_of or info.context.today())
        return [answers.control_status(c) for c in found]

    @strawberry.field(
        description=(
            "Plan the least sourcing change (a linear programme, HiGHS) that brings a "
            "subject's share of a country under a target at a stage (default: every stage "
            "above it), within the alternatives' spare capacity; when it cannot, why and "
            "the best share reachable."
        )
    )
    async def mitigate(
        self,
        info: Info,
        subject: strawberry.ID,
        country: str,
        target: float = CRMA_BENCHMARK,
        stage: Stage | None = None,
    ) -> plans.Mitigation | None:
        snapshot = await info.context.snapshot()
        return plans.mitigation(
            snapshot.mitigate(str(subject), country, target=target, stage=stage)
        )

    @strawberry.field(
        name="controlEvents",
        description=(
            "Export-control status changes from one day to another (both included; default "
            "today to 30 days on), each with the products, OEMs and end uses it reaches "
            "ranked by shortfall."
        ),
    )
    async def control_events(
        self,
        info: Info,
        from_: Annotated[date | None, strawberry.argument(name="from")] = None,
        to: date | None = None,
    ) -> list[plans.ControlEvent] | None:
        snapshot = await info.context.snapshot()
        start = from_ or info.context.today()
        end = to or start + timedelta(days=30)
        return [plans.control_event(e) for e in snapshot.control_events(start=start, end=end)]

    @strawberry.field
    async def graph(self, info: Info) -> GraphInfo:
        version = await info.context.graph_version()
        return GraphInfo(
            store=info.context.store.kind,
            version=version.version,
            loaded_at=version.loaded_at,
            incomplete_load=version.incomplete,
        )

    @strawberry.field
    async def products(
        self, info: Info, first: int = DEFAULT_PAGE, after: str | None = None
    ) -> Connection[Product]:
        return await _connection(info, Label.PRODUCT, first, after)

    @strawberry.field
    async def components(
        self, info: Info, first: int = DEFAULT_PAGE, after: str | None = None
    ) -> Connection[Component]:
        return await _connection(info, Label.COMPONENT, first, after)

    @strawberry.field
    async def magnet_types(
        self, info: Info, first: int = DEFAULT_PAGE, after: str | None = None
    ) -> Connection[MagnetType]:
        return await _connection(info, Label.MAGNET_TYPE, first, after)

    @strawberry.field
    async def materials(
        self, info: Info, first: int = DEFAULT_PAGE, after: str | None = None
    ) -> Connection[Material]:
        return await _connection(info, Label.MATERIAL, first, after)

    @strawberry.field
    async def elements(
        self, info: Info, first: int = DEFAULT_PAGE, after: str | None = None
    ) -> Connection[Element]:
        return await _connection(info, Label.ELEMENT, first, after)

    @strawberry.field
    async def companies(
        self, info: Info, first: int = DEFAULT_PAGE, after: str | None = None
    ) -> Connection[Company]:
        return await _connection(info, Label.COMPANY, first, after)

    @strawberry.field
    async def facilities(
        self, info: Info, first: int = DEFAULT_PAGE, after: str | None = None
    ) -> Connection[Facility]:
        return await _connection(info, Label.FACILITY, first, after)

    @strawberry.field
    async def countries(
        self, info: Info, first: int = DEFAULT_PAGE, after: str | None = None
    ) -> Connection[Country]:
        return await _connection(info, Label.COUNTRY, first, after)

    @strawberry.field
    async def end_uses(
        self, info: Info, first: int = DEFAULT_PAGE, after: str | None = None
    ) -> Connection[EndUse]:
        return await _connection(info, Label.END_USE, first, after)

    @strawberry.field
    async def export_controls(
        self, info: Info, first: int = DEFAULT_PAGE, after: str | None = None
    ) -> Connection[ExportControl]:
        return await _connection(info, Label.EXPORT_CONTROL, first, after)

    @strawberry.field
    async def observations(
        self, info: Info, first: int = DEFAULT_PAGE, after: str | None = None
    ) -> Connection[Observation]:
        return await _connection(info, Label.OBSERVATION, first, after)

    @strawberry.field
    async def sources(
        self, info: Info, first: int = DEFAULT_PAGE, after: str | None = None
    ) -> Connection[Source]:
        return await _connection(info, Label.SOURCE, first, after)

    @strawberry.field(description="Any entity by id, whatever its kind.")
    async def entity(self, info: Info, id: strawberry.ID) -> Entity | None:
        labels = await info.context.call(lambda s: s.labels_of([str(id)]))
        label = labels.get(str(id))
        if label is None or label is Label.SOURCE:
            return None
        return await _lookup(info, label, str(id))

    @strawberry.field
    async def product(self, info: Info, id: strawberry.ID) -> Product | None:
        return cast(Product | None, await _lookup(info, Label.PRODUCT, str(id)))

    @strawberry.field
    async def company(self, info: Info, id: strawberry.ID) -> Company | None:
        return cast(Company | None, await _lookup(info, Label.COMPANY, str(id)))

    @strawberry.field
    async def country(self, info: Info, id: strawberry.ID) -> Country | None:
        return cast(Country | None, await _lookup(info, Label.COUNTRY, str(id)))

    @strawberry.field
    async def source(self, info: Info, id: strawberry.ID) -> Source | None:
        found = await info.context.call(lambda s: s.nodes(Label.SOURCE, [str(id)]))
        return to_source(found[0]) if found else None
