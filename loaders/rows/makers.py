"""Row models of who makes what: companies, plants, capacities, components, products, end uses."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, ClassVar

from pydantic import BeforeValidator, field_validator

from graph.model import (
    Label,
    RelType,
    Stage,
)
from loaders.fields import (
    CountryCode,
    Id,
    NonNegative,
    Text,
    Year,
    check_date,
    split_list,
)
from loaders.rows.base import Cited, Labels, Records, Ref


class Role(StrEnum):
    MINER = "miner"
    SEPARATOR = "separator"
    METAL_MAKER = "metal_maker"
    MAGNET_MAKER = "magnet_maker"
    COMPONENT_MAKER = "component_maker"
    OEM = "oem"
    RECYCLER = "recycler"


class CompanyRow(Cited):
    file: ClassVar[str] = "companies.csv"
    defines_nodes: ClassVar[bool] = True
    id: Id
    name: Text
    country: CountryCode
    roles: Annotated[list[Role], BeforeValidator(split_list)]

    def declares(self) -> list[tuple[str, Label]]:
        return [(self.id, Label.COMPANY)]

    def references(self) -> list[Ref]:
        return [*super().references(), Ref("country", self.country, (Label.COUNTRY,))]

    def records(self, labels: Labels) -> Records:
        roles: list[str] = [role.value for role in self.roles]
        node = self.node(Label.COMPANY, self.id, name=self.name, country=self.country, roles=roles)
        out = Records(nodes=[node])
        self.rel(out, labels, RelType.HEADQUARTERED_IN, ("id", self.id), ("country", self.country))
        return out


class FacilityStatus(StrEnum):
    OPERATING = "operating"
    CONSTRUCTION = "construction"
    PLANNED = "planned"
    CLOSED = "closed"


class FacilityRow(Cited):
    file: ClassVar[str] = "facilities.csv"
    defines_nodes: ClassVar[bool] = True
    id: Id
    name: Text
    company: Id
    country: CountryCode
    stage: Stage
    status: FacilityStatus
    opened: str | None = None

    _opened = field_validator("opened")(check_date)

    def declares(self) -> list[tuple[str, Label]]:
        return [(self.id, Label.FACILITY)]

    def references(self) -> list[Ref]:
        return [
            *super().references(),
            Ref("company", self.company, (Label.COMPANY,)),
            Ref("country", self.country, (Label.COUNTRY,)),
        ]

    def records(self, labels: Labels) -> Records:
        node = self.node(
            Label.FACILITY,
            self.id,
            name=self.name,
            company=self.company,
            country=self.country,
            stage=self.stage.value,
            status=self.status.value,
            opened=self.opened,
        )
        out = Records(nodes=[node])
        self.rel(out, labels, RelType.OPERATES, ("company", self.company), ("id", self.id))
        self.rel(out, labels, RelType.LOCATED_IN, ("id", self.id), ("country", self.country))
        return out


class CapacityStatus(StrEnum):
    ACTUAL = "actual"
    CAPACITY = "capacity"
    PLANNED = "planned"


class CapacityRow(Cited):
    """Tonnes a year that a company or facility makes of an item (MAKES, with tonnes)."""

    file: ClassVar[str] = "capacities.csv"
    producer: Id
    item: Id
    tonnes: NonNegative
    year: Year
    status: CapacityStatus
    scope: Text

    def references(self) -> list[Ref]:
        return [
            *super().references(),
            Ref("producer", self.producer, (Label.COMPANY, Label.FACILITY)),
            Ref("item", self.item),
        ]

    def records(self, labels: Labels) -> Records:
        out = Records()
        self.rel(
            out,
            labels,
            RelType.MAKES,
            ("producer", self.producer),
            ("item", self.item),
            self.year,
            self.status.value,
            tonnes=self.tonnes,
            year=self.year,
            status=self.status.value,
            scope=self.scope,
        )
        return out


class ComponentRow(Cited):
    file: ClassVar[str] = "components.csv"
    defines_nodes: ClassVar[bool] = True
    id: Id
    name: Text

    def declares(self) -> list[tuple[str, Label]]:
        return [(self.id, Label.COMPONENT)]

    def records(self, labels: Labels) -> Records:
        node = self.node(Label.COMPONENT, self.id, name=self.name, stage=Stage.COMPONENT.value)
        return Records(nodes=[node])


class ProductRow(Cited):
    file: ClassVar[str] = "products.csv"
    defines_nodes: ClassVar[bool] = True
    id: Id
    name: Text
    oem: Id | None = None

    def declares(self) -> list[tuple[str, Label]]:
        return [(self.id, Label.PRODUCT)]

    def references(self) -> list[Ref]:
        oem = [] if self.oem is None else [Ref("oem", self.oem, (Label.COMPANY,))]
        return [*super().references(), *oem]

    def records(self, labels: Labels) -> Records:
        out = Records(nodes=[self.node(Label.PRODUCT, self.id, name=self.name)])
        if self.oem is not None:
            self.rel(out, labels, RelType.MAKES, ("oem", self.oem), ("id", self.id))
        return out


class EndUseRow(Cited):
    file: ClassVar[str] = "end_uses.csv"
    defines_nodes: ClassVar[bool] = True
    id: Id
    name: Text

    def declares(self) -> list[tuple[str, Label]]:
        return [(self.id, Label.END_USE)]

    def records(self, labels: Labels) -> Records:
        return Records(nodes=[self.node(Label.END_USE, self.id, name=self.name)])


class EndUseLinkRow(Cited):
    file: ClassVar[str] = "end_use_links.csv"
    item: Id
    end_use: Id

    def references(self) -> list[Ref]:
        return [*super().references(), Ref("item", self.item), Ref("end_use", self.end_use)]

    def records(self, labels: Labels) -> Records:
        out = Records()
        self.rel(out, labels, RelType.USED_IN, ("item", self.item), ("end_use", self.end_use))
        return out
