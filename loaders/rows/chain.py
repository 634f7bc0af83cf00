"""Row models of the supply chain's edges: bill of materials, market shares and sourcing links."""

from __future__ import annotations

from typing import ClassVar

from graph.model import (
    Label,
    RelType,
)
from loaders.fields import (
    CountryCode,
    Id,
    NonNegative,
    Share,
    Text,
    Year,
)
from loaders.rows.base import Cited, FieldProblem, Labels, Records, Ref


class BomRow(Cited):
    """A parent item made with a child item: CONTAINS for products and components,
    MADE_FROM for magnets and materials. ``share`` is the fraction of the parent's
    rare-earth content that comes through this child (shares of one parent add up to 1
    at most)."""

    file: ClassVar[str] = "bom.csv"
    parent: Id
    child: Id
    share: Share
    kg_per_unit: NonNegative | None = None
    kg_per_unit_high: NonNegative | None = None
    scope: str | None = None
    year: Year | None = None

    def references(self) -> list[Ref]:
        parents = (Label.PRODUCT, Label.COMPONENT, Label.MAGNET_TYPE, Label.MATERIAL)
        return [
            *super().references(),
            Ref("parent", self.parent, parents),
            Ref("child", self.child),
        ]

    def checks(self) -> list[FieldProblem]:
        if self.kg_per_unit_high is not None and self.kg_per_unit is None:
            return [FieldProblem("kg_per_unit", "kg_per_unit_high needs kg_per_unit (the low end)")]
        if (
            self.kg_per_unit is not None
            and self.kg_per_unit_high is not None
            and self.kg_per_unit_high < self.kg_per_unit
        ):
            return [FieldProblem("kg_per_unit_high", "is below kg_per_unit")]
        return []

    def records(self, labels: Labels) -> Records:
        out = Records()
        ends_ = (("parent", self.parent), ("child", self.child))
        if labels[self.parent] in (Label.PRODUCT, Label.COMPONENT):
            self.rel(
                out,
                labels,
                RelType.CONTAINS,
                *ends_,
                self.year or "",
                share=self.share,
                kg_per_unit=self.kg_per_unit,
                kg_per_unit_high=self.kg_per_unit_high,
                scope=self.scope,
                year=self.year,
            )
        elif self.kg_per_unit is not None:
            out.problems.append(
                FieldProblem("kg_per_unit", "applies to products and components only")
            )
        else:
            self.rel(
                out,
                labels,
                RelType.MADE_FROM,
                *ends_,
                self.year or "",
                share=self.share,
                year=self.year,
            )
        return out


class MarketShareRow(Cited):
    """A country's share of world output of an item in a year (market-level fact)."""

    file: ClassVar[str] = "market_shares.csv"
    item: Id
    country: CountryCode
    year: Year
    share: Share | None = None
    tonnes: NonNegative | None = None
    scope: Text

    def references(self) -> list[Ref]:
        return [*super().references(), Ref("country", self.country), Ref("item", self.item)]

    def checks(self) -> list[FieldProblem]:
        if self.share is None and self.tonnes is None:
            return [FieldProblem("share", "give a share, tonnes, or both")]
        return []

    def records(self, labels: Labels) -> Records:
        out = Records()
        self.rel(
            out,
            labels,
            RelType.PRODUCES,
            ("country", self.country),
            ("item", self.item),
            self.year,
            share=self.share,
            tonnes=self.tonnes,
            year=self.year,
            scope=self.scope,
        )
        return out


class SourcingRow(Cited):
    """A company-level link: the consumer gets ``item`` from ``supplier``.

    A company may name itself as the supplier of a material only: the "separates itself"
    idiom (a company that separates or refines its own feed in-house)."""

    file: ClassVar[str] = "sourcing.csv"
    consumer: Id
    item: Id
    supplier: Id
    share: Share | None = None
    year: Year | None = None

    def references(self) -> list[Ref]:
        items = (Label.MATERIAL, Label.MAGNET_TYPE, Label.COMPONENT)
        return [
            *super().references(),
            Ref("consumer", self.consumer),
            Ref("item", self.item, items),
            Ref("supplier", self.supplier, (Label.COMPANY,)),
        ]

    def records(self, labels: Labels) -> Records:
        out = Records()
        if self.consumer == self.supplier and labels[self.item] is not Label.MATERIAL:
            out.problems.append(
                FieldProblem(
                    "supplier",
                    f"'{self.supplier}' cannot supply itself with a "
                    f"{labels[self.item].value}; a company names itself as supplier only of "
                    "a material it separates or refines in-house",
                )
            )
            return out
        self.rel(
            out,
            labels,
            RelType.SOURCES_FROM,
            ("consumer", self.consumer),
            ("supplier", self.supplier),
            self.item,
            self.year or "",
            item=self.item,
            share=self.share,
            year=self.year,
        )
        return out
