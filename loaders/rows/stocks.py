"""Row models of flows and stocks: consumption, inventory, prices and free-form observations."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, ClassVar

from pydantic import Field, field_validator

from graph.model import (
    Label,
    RelType,
)
from loaders.fields import (
    Finite,
    Id,
    NonNegative,
    Text,
    Year,
    check_date,
)
from loaders.rows.base import Cited, FieldProblem, Labels, Records, Ref


class ConsumptionKind(StrEnum):
    ACTUAL = "actual"
    FORECAST = "forecast"
    IMPORT = "import"


class ConsumptionRow(Cited):
    file: ClassVar[str] = "consumption.csv"
    consumer: Id
    item: Id
    tonnes: NonNegative
    year: Year
    kind: ConsumptionKind
    scope: Text

    def references(self) -> list[Ref]:
        return [*super().references(), Ref("consumer", self.consumer), Ref("item", self.item)]

    def records(self, labels: Labels) -> Records:
        out = Records()
        self.rel(
            out,
            labels,
            RelType.CONSUMES,
            ("consumer", self.consumer),
            ("item", self.item),
            self.year,
            self.kind.value,
            tonnes=self.tonnes,
            year=self.year,
            kind=self.kind.value,
            scope=self.scope,
        )
        return out


class InventoryRow(Cited):
    """Stock cover: how many weeks of an item a holder (country or company) has."""

    file: ClassVar[str] = "inventory.csv"
    holder: Id
    item: Id
    end_use: Id | None = None
    weeks: NonNegative
    weeks_high: NonNegative | None = None
    as_of: str
    scope: Text

    _as_of = field_validator("as_of")(check_date)

    def references(self) -> list[Ref]:
        refs = [*super().references(), Ref("holder", self.holder), Ref("item", self.item)]
        if self.end_use is not None:
            refs.append(Ref("end_use", self.end_use, (Label.END_USE,)))
        return refs

    def checks(self) -> list[FieldProblem]:
        if self.weeks_high is not None and self.weeks_high < self.weeks:
            return [FieldProblem("weeks_high", "is below weeks")]
        return []

    def records(self, labels: Labels) -> Records:
        out = Records()
        self.rel(
            out,
            labels,
            RelType.HOLDS_STOCK,
            ("holder", self.holder),
            ("item", self.item),
            self.end_use or "",
            self.as_of,
            weeks=self.weeks,
            weeks_high=self.weeks_high,
            end_use=self.end_use,
            as_of=self.as_of,
            scope=self.scope,
        )
        return out


class PriceRow(Cited):
    """What a company charges for an item, in USD a kg, in one year (the planner's costs)."""

    file: ClassVar[str] = "prices.csv"
    company: Id
    item: Id
    usd_per_kg: Annotated[float, Field(gt=0.0, allow_inf_nan=False)]
    year: Year

    def references(self) -> list[Ref]:
        items = (Label.MATERIAL, Label.MAGNET_TYPE, Label.COMPONENT)
        return [
            *super().references(),
            Ref("company", self.company, (Label.COMPANY,)),
            Ref("item", self.item, items),
        ]

    def records(self, labels: Labels) -> Records:
        out = Records()
        self.rel(
            out,
            labels,
            RelType.SELLS,
            ("company", self.company),
            ("item", self.item),
            self.year,
            usd_per_kg=self.usd_per_kg,
            year=self.year,
        )
        return out


class ObservationRow(Cited):
    """A cited figure that fits no edge: a count, a rate, a forecast, reserves."""

    file: ClassVar[str] = "observations.csv"
    defines_nodes: ClassVar[bool] = True
    id: Id
    subject: Id
    metric: Text
    value: Finite
    value_high: Finite | None = None
    unit: Text
    date: str | None = None
    scope: str | None = None

    _date = field_validator("date")(check_date)

    def declares(self) -> list[tuple[str, Label]]:
        return [(self.id, Label.OBSERVATION)]

    def references(self) -> list[Ref]:
        return [*super().references(), Ref("subject", self.subject)]

    def checks(self) -> list[FieldProblem]:
        if self.value_high is not None and self.value_high < self.value:
            return [FieldProblem("value_high", "is below value")]
        return []

    def records(self, labels: Labels) -> Records:
        node = self.node(
            Label.OBSERVATION,
            self.id,
            name=f"{self.metric} ({self.subject})",
            metric=self.metric,
            value=self.value,
            value_high=self.value_high,
            unit=self.unit,
            date=self.date,
            scope=self.scope,
        )
        out = Records(nodes=[node])
        self.rel(out, labels, RelType.ABOUT, ("id", self.id), ("subject", self.subject))
        return out
