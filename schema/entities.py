"""GraphQL types for the graph's entities, one per label, and the conversion from records."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields as dataclass_fields
from typing import Any

import strawberry

from graph.model import Label, RelType
from graph.records import NodeRef
from schema.batching import Hop
from schema.context import Info


@strawberry.type(description="A publication that facts in the graph cite.")
class Source:
    id: strawberry.ID
    title: str
    publisher: str | None = None
    date: str | None = None
    url: str | None = None
    note: str | None = None


@strawberry.interface(description="Anything in the graph with an id, a name and a source.")
class Entity:
    id: strawberry.ID
    name: str
    source: str | None = strawberry.field(
        default=None, description="Id of the Source this entity is cited from."
    )
    confidence: str | None = None
    note: str | None = None

    @strawberry.field(description="The cited Source, resolved.")
    async def cited(self, info: Info) -> Source | None:
        if self.source is None:
            return None
        found = await info.context.loaders.sources.load(str(self.source))
        return to_source(found) if found is not None else None


async def _related(
    info: Info, label: Label, node_id: str, rel: RelType, *, outgoing: bool
) -> list[Entity]:
    found = await info.context.loaders.neighbours.load(Hop(label, node_id, rel, outgoing))
    return [to_entity(n) for n in found if n.label is not Label.SOURCE]


@strawberry.type
class Country(Entity):
    @strawberry.field(description="Companies headquartered here.")
    async def companies(self, info: Info) -> list[Entity]:
        return await _related(
            info, Label.COUNTRY, self.id, RelType.HEADQUARTERED_IN, outgoing=False
        )

    @strawberry.field(description="Facilities located here.")
    async def facilities(self, info: Info) -> list[Entity]:
        return await _related(info, Label.COUNTRY, self.id, RelType.LOCATED_IN, outgoing=False)


@strawberry.type
class Element(Entity):
    atomic_number: int | None = None
    category: str | None = None


@strawberry.type
class Material(Entity):
    stage: str | None = None
    form: str | None = None
    hs_code: str | None = None

    @strawberry.field(description="Inputs this material is made from.")
    async def made_from(self, info: Info) -> list[Entity]:
        return await _related(info, Label.MATERIAL, self.id, RelType.MADE_FROM, outgoing=True)

    @strawberry.field
    async def elements(self, info: Info) -> list[Entity]:
        return await _related(info, Label.MATERIAL, self.id, RelType.HAS_ELEMENT, outgoing=True)


@strawberry.type
class MagnetType(Entity):
    stage: str | None = None
    family: str | None = None
    rare_earth: bool | None = None
    hs_code: str | None = None

    @strawberry.field(description="Materials this magnet type is made from.")
    async def made_from(self, info: Info) -> list[Entity]:
        return await _related(info, Label.MAGNET_TYPE, self.id, RelType.MADE_FROM, outgoing=True)

    @strawberry.field
    async def elements(self, info: Info) -> list[Entity]:
        return await _related(info, Label.MAGNET_TYPE, self.id, RelType.HAS_ELEMENT, outgoing=True)


@strawberry.type(description="A spelling of a company's name that an import matched to it.")
class Alias:
    name: str
    source: str = strawberry.field(description="Id of the import's Source that wrote it so.")


@strawberry.type
class Company(Entity):
    country: str | None = None
    roles: list[str] | None = None

    @strawberry.field(
        description="Spellings of its name that company imports matched to it (KNOWN_AS), "
        "ordered by name; the node's own name is never changed."
    )
    async def aliases(self, info: Info) -> list[Alias]:
        pairs = await info.context.loaders.aliases.load(str(self.id))
        return [Alias(name=n, source=src) for n, src in pairs]

    @strawberry.field
    async def facilities(self, info: Info) -> list[Entity]:
        return await _related(info, Label.COMPANY, self.id, RelType.OPERATES, outgoing=True)

    @strawberry.field(description="Products, components and materials it makes.")
    async def makes(self, info: Info) -> list[Entity]:
        return await _related(info, Label.COMPANY, self.id, RelType.MAKES, outgoing=True)


@strawberry.type
class Facility(Entity):
    company: str | None = None
    country: str | None = None
    stage: str | None = None
    status: str | None = None
    opened: str | None = None


@strawberry.type
class Component(Entity):
    stage: str | None = None

    @strawberry.field(description="What this component contains (bill of materials).")
    async def contains(self, info: Info) -> list[Entity]:
        return await _related(info, Label.COMPONENT, self.id, RelType.CONTAINS, outgoing=True)


@strawberry.type
class Product(Entity):
    @strawberry.field(description="Companies that make it.")
    async def oems(self, info: Info) -> list[Entity]:
        return await _related(info, Label.PRODUCT, self.id, RelType.MAKES, outgoing=False)

    @strawberry.field
    async def end_uses(self, info: Info) -> list[Entity]:
        return await _related(info, Label.PRODUCT, self.id, RelType.USED_IN, outgoing=True)

    @strawberry.field(description="What this product contains (bill of materials).")
    async def contains(self, info: Info) -> list[Entity]:
        return await _related(info, Label.PRODUCT, self.id, RelType.CONTAINS, outgoing=True)


@strawberry.type
class EndUse(Entity):
    @strawberry.field(description="Products and components used here.")
    async def items(self, info: Info) -> list[Entity]:
        return await _related(info, Label.END_USE, self.id, RelType.USED_IN, outgoing=False)


@strawberry.type
class ExportControl(Entity):
    issuer: str | None = None
    announced: str | None = None
    effective: str | None = None
    suspended_from: str | None = None
    suspended_until: str | None = None
    expires: str | None = None
    status: str | None = None
    url: str | None = None

    @strawberry.field(description="Elements, materials and magnet types it covers.")
    async def covers(self, info: Info) -> list[Entity]:
        return await _related(info, Label.EXPORT_CONTROL, self.id, RelType.COVERS, outgoing=True)


@strawberry.type(description="An act on an export control (control_acts.csv).")
class ControlAct(Entity):
    control: str | None = None
    kind: str | None = None
    issued: str | None = None
    start: str | None = None
    until: str | None = None
    exporter: str | None = None
    url: str | None = None


@strawberry.type
class Observation(Entity):
    metric: str | None = None
    value: float | None = None
    value_high: float | None = None
    unit: str | None = None
    date: str | None = None
    scope: str | None = None

    @strawberry.field(description="What the figure is about.")
    async def subject(self, info: Info) -> list[Entity]:
        return await _related(info, Label.OBSERVATION, self.id, RelType.ABOUT, outgoing=True)


ENTITY_TYPES: dict[Label, type[Entity]] = {
    Label.COUNTRY: Country,
    Label.ELEMENT: Element,
    Label.MATERIAL: Material,
    Label.MAGNET_TYPE: MagnetType,
    Label.COMPANY: Company,
    Label.FACILITY: Facility,
    Label.COMPONENT: Component,
    Label.PRODUCT: Product,
    Label.END_USE: EndUse,
    Label.EXPORT_CONTROL: ExportControl,
    Label.CONTROL_ACT: ControlAct,
    Label.OBSERVATION: Observation,
}


def _kwargs(cls: type[Any], props: Mapping[str, Any]) -> dict[str, Any]:
    names = {f.name for f in dataclass_fields(cls)}
    return {k: v for k, v in props.items() if k in names}


def to_entity(node: NodeRef) -> Entity:
    cls = ENTITY_TYPES[node.label]
    props = dict(node.properties)
    props.setdefault("name", node.id)
    if props.get("name") is None:
        props["name"] = node.id
    return cls(**_kwargs(cls, props))


def to_source(node: NodeRef) -> Source:
    return Source(**_kwargs(Source, node.properties))
