"""Row models of the dataset's CSV files: validation, then conversion to graph records.

One pydantic model per file (``extra="forbid"``, so an unknown column is an error). A row says
what it needs before anything is resolved: ``declares`` (the nodes it defines),
``references`` (every id it names, with the labels each allows) and ``checks`` (problems it
has on its own). Validation resolves every row's references in one batched look-up, then
``records`` turns a row into what to write; problems come back as values, never raised.
The file format is documented in docs/data-format.md. (About 1,000 lines on purpose: one
model per file of the format, 23 of them, each a few dozen lines of columns and rules; side by
side they are the format's executable specification, and docs/data-format.md follows their
order.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from graph.model import (
    DE_MINIMIS,
    RELATIONSHIPS,
    Label,
    Reach,
    RelType,
    Stage,
    relationship_allowed,
)
from graph.records import NodeRecord, RelRecord, Value, relationship_key
from loaders.fields import (
    Bool,
    CountryCode,
    Finite,
    Id,
    IdList,
    NonNegative,
    Share,
    Text,
    Year,
    check_date,
    earliest,
    latest,
    split_list,
)

Labels = Mapping[str, Label]
"""The label of every id a row references, as validation resolved them."""


@dataclass(frozen=True)
class FieldProblem:
    """One thing wrong with one field of a row."""

    field: str
    message: str


@dataclass(frozen=True)
class Ref:
    """An id a row names in ``field``; ``labels`` are the kinds it may be (empty: any kind,
    the relationship it becomes then says which ends it allows)."""

    field: str
    id: str
    labels: tuple[Label, ...] = ()


@dataclass
class Records:
    nodes: list[NodeRecord] = field(default_factory=list)
    rels: list[RelRecord] = field(default_factory=list)
    problems: list[FieldProblem] = field(default_factory=list)


class Confidence(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


def ends(rel: RelType, side: int) -> tuple[Label, ...]:
    """The labels one side of ``rel`` allows (0 start, 1 end), in declaration order."""
    return tuple(dict.fromkeys(pair[side] for pair in RELATIONSHIPS[rel].endpoints))


class Row(BaseModel):
    """Base of every row model. Subclasses set ``file`` and implement ``records``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)
    file: ClassVar[str]
    defines_nodes: ClassVar[bool] = False

    def declares(self) -> list[tuple[str, Label]]:
        return []

    def references(self) -> list[Ref]:
        return []

    def checks(self) -> list[FieldProblem]:
        return []

    def citation(self) -> tuple[str, Confidence] | None:
        """The source this row cites and with what confidence, if any."""
        return None

    def records(self, labels: Labels) -> Records:
        raise NotImplementedError


class Cited(Row):
    source: Id
    confidence: Confidence
    note: str | None = None

    def citation(self) -> tuple[str, Confidence] | None:
        return self.source, self.confidence

    def references(self) -> list[Ref]:
        return [Ref("source", self.source, (Label.SOURCE,))]

    def provenance(self) -> dict[str, Value]:
        return {"source": self.source, "confidence": self.confidence.value, "note": self.note}

    def node(self, label: Label, node_id: str, **props: Value) -> NodeRecord:
        return NodeRecord(label, node_id, {"id": node_id, **props, **self.provenance()})

    def rel(
        self,
        out: Records,
        labels: Labels,
        rel: RelType,
        start: tuple[str, str],
        end: tuple[str, str],
        *discriminators: object,
        **props: Value,
    ) -> None:
        """A relationship between two ids named by (field, id), or the problem with it."""
        start_label, end_label = labels[start[1]], labels[end[1]]
        if not relationship_allowed(rel, start_label, end_label):
            out.problems.append(
                FieldProblem(
                    end[0],
                    f"{rel.value} cannot link {start_label.value} '{start[1]}' "
                    f"to {end_label.value} '{end[1]}'",
                )
            )
            return
        key = relationship_key(rel, start[1], end[1], self.source, *discriminators)
        out.rels.append(
            RelRecord(
                rel, start_label, start[1], end_label, end[1], key, {**props, **self.provenance()}
            )
        )


class SourceRow(Row):
    file: ClassVar[str] = "sources.csv"
    defines_nodes: ClassVar[bool] = True
    id: Id
    title: Text
    publisher: str | None = None
    date: str | None = None
    url: str | None = None
    modelling: Bool = False
    """The source is supplygraph's own modelling (as ``sg-modelling`` is): rows citing it
    must have confidence ``low``."""
    note: str | None = None

    _date = field_validator("date")(check_date)

    def declares(self) -> list[tuple[str, Label]]:
        return [(self.id, Label.SOURCE)]

    def records(self, labels: Labels) -> Records:
        props: dict[str, Value] = dict(self.model_dump(exclude={"file"}))
        return Records(nodes=[NodeRecord(Label.SOURCE, self.id, props)])


class CountryRow(Row):
    file: ClassVar[str] = "countries.csv"
    defines_nodes: ClassVar[bool] = True
    id: CountryCode
    name: Text
    source: Id | None = None
    confidence: Confidence | None = None
    note: str | None = None

    def declares(self) -> list[tuple[str, Label]]:
        return [(self.id, Label.COUNTRY)]

    def references(self) -> list[Ref]:
        return [] if self.source is None else [Ref("source", self.source, (Label.SOURCE,))]

    def citation(self) -> tuple[str, Confidence] | None:
        if self.source is None or self.confidence is None:
            return None
        return self.source, self.confidence

    def records(self, labels: Labels) -> Records:
        confidence = self.confidence.value if self.confidence else None
        props: dict[str, Value] = {
            "id": self.id,
            "name": self.name,
            "source": self.source,
            "confidence": confidence,
            "note": self.note,
        }
        return Records(nodes=[NodeRecord(Label.COUNTRY, self.id, props)])


class ElementCategory(StrEnum):
    LIGHT = "light"
    HEAVY = "heavy"
    OTHER = "other"


class ElementRow(Cited):
    file: ClassVar[str] = "elements.csv"
    defines_nodes: ClassVar[bool] = True
    id: Annotated[str, Field(pattern=r"^[A-Z][a-z]?$")]
    name: Text
    atomic_number: Annotated[int, Field(ge=1, le=118)]
    category: ElementCategory

    def declares(self) -> list[tuple[str, Label]]:
        return [(self.id, Label.ELEMENT)]

    def records(self, labels: Labels) -> Records:
        node = self.node(
            Label.ELEMENT,
            self.id,
            name=self.name,
            atomic_number=self.atomic_number,
            category=self.category.value,
        )
        return Records(nodes=[node])


class MaterialForm(StrEnum):
    CONCENTRATE = "concentrate"
    OXIDE = "oxide"
    COMPOUND = "compound"
    METAL = "metal"
    ALLOY = "alloy"


class _ElementBearing(Cited):
    defines_nodes: ClassVar[bool] = True
    id: Id
    elements: IdList = []

    def references(self) -> list[Ref]:
        elements = [Ref("elements", e, (Label.ELEMENT,)) for e in self.elements]
        return [*super().references(), *elements]

    def element_links(self, out: Records, labels: Labels) -> None:
        for element in self.elements:
            self.rel(out, labels, RelType.HAS_ELEMENT, ("id", self.id), ("elements", element))


class MaterialRow(_ElementBearing):
    file: ClassVar[str] = "materials.csv"
    name: Text
    stage: Stage
    form: MaterialForm
    hs_code: str | None = None

    @field_validator("stage")
    @classmethod
    def _upstream_stage(cls, stage: Stage) -> Stage:
        if stage.order > Stage.METAL.order:
            raise ValueError("a material's stage is mining, separation or metal")
        return stage

    def declares(self) -> list[tuple[str, Label]]:
        return [(self.id, Label.MATERIAL)]

    def records(self, labels: Labels) -> Records:
        node = self.node(
            Label.MATERIAL,
            self.id,
            name=self.name,
            stage=self.stage.value,
            form=self.form.value,
            hs_code=self.hs_code,
        )
        out = Records(nodes=[node])
        self.element_links(out, labels)
        return out


class MagnetFamily(StrEnum):
    NDFEB = "ndfeb"
    SMCO = "smco"
    FERRITE = "ferrite"
    ALNICO = "alnico"


class MagnetTypeRow(_ElementBearing):
    file: ClassVar[str] = "magnet_types.csv"
    name: Text
    family: MagnetFamily
    rare_earth: Bool
    grade_of: Id | None = None
    """A more general magnet type this one is a grade of (e.g. Dy/Tb sintered NdFeB of
    sintered NdFeB): questions about the general type include its grades."""
    hs_code: str | None = None

    def declares(self) -> list[tuple[str, Label]]:
        return [(self.id, Label.MAGNET_TYPE)]

    def references(self) -> list[Ref]:
        grade = (
            [] if self.grade_of is None else [Ref("grade_of", self.grade_of, (Label.MAGNET_TYPE,))]
        )
        return [*super().references(), *grade]

    def checks(self) -> list[FieldProblem]:
        if self.grade_of == self.id:
            return [FieldProblem("grade_of", "a magnet type cannot be a grade of itself")]
        return []

    def records(self, labels: Labels) -> Records:
        node = self.node(
            Label.MAGNET_TYPE,
            self.id,
            name=self.name,
            stage=Stage.MAGNET.value,
            family=self.family.value,
            grade_of=self.grade_of,
            rare_earth=self.rare_earth,
            hs_code=self.hs_code,
        )
        out = Records(nodes=[node])
        self.element_links(out, labels)
        return out


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


class ControlStatus(StrEnum):
    ANNOUNCED = "announced"
    IN_FORCE = "in_force"
    SUSPENDED = "suspended"
    LAPSED = "lapsed"


class ExportControlRow(Cited):
    file: ClassVar[str] = "export_controls.csv"
    defines_nodes: ClassVar[bool] = True
    id: Id
    name: Text
    issuer: CountryCode
    announced: str
    effective: str | None = None
    suspended_from: str | None = None
    suspended_until: str | None = None
    expires: str | None = None
    status: ControlStatus
    suspended_by: Id | None = None
    url: str | None = None

    _dates = field_validator(
        "announced", "effective", "suspended_from", "suspended_until", "expires"
    )(check_date)

    def declares(self) -> list[tuple[str, Label]]:
        return [(self.id, Label.EXPORT_CONTROL)]

    def references(self) -> list[Ref]:
        refs = [*super().references(), Ref("issuer", self.issuer, (Label.COUNTRY,))]
        if self.suspended_by is not None:
            refs.append(Ref("suspended_by", self.suspended_by, (Label.EXPORT_CONTROL,)))
        return refs

    def checks(self) -> list[FieldProblem]:
        """Dates compared as the ranges they mean: ``2025-11`` is not before ``2025-11-10``."""
        out = []
        if self.status is ControlStatus.SUSPENDED and self.suspended_until is None:
            out.append(FieldProblem("suspended_until", "a suspended control needs suspended_until"))
        if (
            self.suspended_from is not None
            and self.suspended_until is not None
            and latest(self.suspended_until) < earliest(self.suspended_from)
        ):
            out.append(FieldProblem("suspended_until", "is before suspended_from"))
        if self.effective is not None and latest(self.effective) < earliest(self.announced):
            out.append(FieldProblem("effective", "is before announced"))
        takes_effect = self.effective or self.announced
        if self.expires is not None and latest(self.expires) < earliest(takes_effect):
            when = "effective" if self.effective else "announced"
            out.append(FieldProblem("expires", f"is before {when}: the control would never apply"))
        if self.suspended_by == self.id:
            out.append(FieldProblem("suspended_by", "a control cannot suspend itself"))
        return out

    def records(self, labels: Labels) -> Records:
        node = self.node(
            Label.EXPORT_CONTROL,
            self.id,
            name=self.name,
            issuer=self.issuer,
            announced=self.announced,
            effective=self.effective,
            suspended_from=self.suspended_from,
            suspended_until=self.suspended_until,
            expires=self.expires,
            status=self.status.value,
            url=self.url,
        )
        out = Records(nodes=[node])
        self.rel(out, labels, RelType.ISSUED_BY, ("id", self.id), ("issuer", self.issuer))
        if self.suspended_by is not None:
            self.rel(
                out,
                labels,
                RelType.SUSPENDS,
                ("suspended_by", self.suspended_by),
                ("id", self.id),
                from_date=self.suspended_from,
                until_date=self.suspended_until,
            )
        return out


class ControlItemRow(Cited):
    """An item a control covers: made in the issuer (reach ``origin``), or made abroad from
    at least ``de_minimis`` of issuer-origin inputs (``extraterritorial``, MOFCOM No. 61)."""

    file: ClassVar[str] = "control_items.csv"
    control: Id
    item: Id
    scope: str | None = None
    reach: Reach = Reach.ORIGIN
    de_minimis: Share | None = None

    def references(self) -> list[Ref]:
        return [
            *super().references(),
            Ref("control", self.control, (Label.EXPORT_CONTROL,)),
            Ref("item", self.item),
        ]

    def checks(self) -> list[FieldProblem]:
        if self.de_minimis is not None and self.reach is not Reach.EXTRATERRITORIAL:
            return [FieldProblem("de_minimis", "only an extraterritorial reach has a de minimis")]
        if self.de_minimis == 0.0:
            return [FieldProblem("de_minimis", "must be above 0 (leave it empty for 0.001)")]
        return []

    def records(self, labels: Labels) -> Records:
        out = Records()
        abroad = self.reach is Reach.EXTRATERRITORIAL
        self.rel(
            out,
            labels,
            RelType.COVERS,
            ("control", self.control),
            ("item", self.item),
            *((self.reach.value,) if abroad else ()),
            scope=self.scope,
            reach=self.reach.value,
            de_minimis=(self.de_minimis if self.de_minimis is not None else DE_MINIMIS)
            if abroad
            else None,
        )
        return out


class ActKind(StrEnum):
    SUSPEND = "suspend"
    EXTEND = "extend"
    AMEND = "amend"
    LIFT = "lift"
    GENERAL_LICENCE = "general_licence"


class ControlActRow(Cited):
    """What happened to a control, as it happened: see docs/data-format.md (control_acts)."""

    file: ClassVar[str] = "control_acts.csv"
    defines_nodes: ClassVar[bool] = True
    id: Id
    name: Text
    control: Id
    kind: ActKind
    issued: str
    start: str | None = None
    until: str | None = None
    exporter: Id | None = None
    url: str | None = None

    _dates = field_validator("issued", "start", "until")(check_date)

    def declares(self) -> list[tuple[str, Label]]:
        return [(self.id, Label.CONTROL_ACT)]

    def references(self) -> list[Ref]:
        refs = [*super().references(), Ref("control", self.control, (Label.EXPORT_CONTROL,))]
        if self.exporter is not None:
            refs.append(Ref("exporter", self.exporter, (Label.COMPANY,)))
        return refs

    def checks(self) -> list[FieldProblem]:
        out = []
        first = self.start or self.issued
        if self.until is not None and latest(self.until) <= earliest(first):
            out.append(FieldProblem("until", f"is not after the act's start ({first})"))
        licence = self.kind is ActKind.GENERAL_LICENCE
        if licence and self.exporter is None:
            out.append(FieldProblem("exporter", "a general licence names the exporter granted it"))
        if not licence and self.exporter is not None:
            out.append(FieldProblem("exporter", "only a general licence names an exporter"))
        if self.kind is ActKind.EXTEND and self.until is None:
            out.append(FieldProblem("until", "an extension gives the suspension's new end"))
        return out

    def records(self, labels: Labels) -> Records:
        node = self.node(
            Label.CONTROL_ACT,
            self.id,
            name=self.name,
            control=self.control,
            kind=self.kind.value,
            issued=self.issued,
            start=self.start,
            until=self.until,
            exporter=self.exporter,
            url=self.url,
        )
        out = Records(nodes=[node])
        self.rel(out, labels, RelType.ACTS_ON, ("id", self.id), ("control", self.control))
        if self.exporter is not None:
            self.rel(out, labels, RelType.GRANTED_TO, ("id", self.id), ("exporter", self.exporter))
        return out


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


ROW_MODELS: tuple[type[Row], ...] = (
    SourceRow,
    CountryRow,
    ElementRow,
    MaterialRow,
    MagnetTypeRow,
    CompanyRow,
    FacilityRow,
    ComponentRow,
    ProductRow,
    EndUseRow,
    ExportControlRow,
    ObservationRow,
    CapacityRow,
    EndUseLinkRow,
    BomRow,
    MarketShareRow,
    SourcingRow,
    ControlItemRow,
    ControlActRow,
    ConsumptionRow,
    InventoryRow,
    PriceRow,
)
"""Every dataset file, in the order they are read. A dataset may omit any file."""

MODEL_BY_FILE: dict[str, type[Row]] = {model.file: model for model in ROW_MODELS}
