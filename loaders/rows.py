"""Row models of the dataset's CSV files: validation, then conversion to graph records.

One pydantic model per file (``extra="forbid"``, so an unknown column is an error). A row
first declares the nodes it defines (``declares``); once every file has been read, ``records``
resolves its references to other nodes by id and returns what to write. The file format is
documented in docs/data-format.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from graph.model import Label, RelType, Stage, relationship_allowed
from graph.records import NodeRecord, RelRecord, Value, relationship_key

Resolve = Callable[[str], Label | None]


class FieldProblem(ValueError):
    """A row refers to something that does not exist or has the wrong kind."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class Confidence(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


def _split_list(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    return value


def _check_date(value: str | None) -> str | None:
    """Accept YYYY, YYYY-MM or YYYY-MM-DD, and keep it as written (ISO strings sort)."""
    if value is None:
        return None
    if re.fullmatch(r"\d{4}", value):
        return value
    if re.fullmatch(r"\d{4}-\d{2}", value):
        date.fromisoformat(value + "-01")
        return value
    date.fromisoformat(value)
    return value


Id = Annotated[str, Field(min_length=1, max_length=120, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")]
CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
IdList = Annotated[list[Id], BeforeValidator(_split_list)]
Share = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
NonNegative = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]
Finite = Annotated[float, Field(allow_inf_nan=False)]
Year = Annotated[int, Field(ge=1900, le=2100)]
Text = Annotated[str, Field(min_length=1, max_length=2000)]


class Row(BaseModel):
    """Base of every row model. Subclasses set ``file`` and implement ``records``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)
    file: ClassVar[str]

    def declares(self) -> list[tuple[str, Label]]:
        return []

    def records(self, resolve: Resolve) -> tuple[list[NodeRecord], list[RelRecord]]:
        raise NotImplementedError


class Cited(Row):
    source: Id
    confidence: Confidence
    note: str | None = None

    def provenance(self) -> dict[str, Value]:
        return {"source": self.source, "confidence": self.confidence.value, "note": self.note}

    def node(self, label: Label, node_id: str, **props: Value) -> NodeRecord:
        return NodeRecord(label, node_id, {"id": node_id, **props, **self.provenance()})

    def rel(
        self,
        resolve: Resolve,
        rel: RelType,
        start: tuple[str, str],
        end: tuple[str, str],
        *discriminators: object,
        **props: Value,
    ) -> RelRecord:
        """A relationship between two ids named by (field, id); checks both ends exist."""
        start_label = _resolve(resolve, *start)
        end_label = _resolve(resolve, *end)
        if not relationship_allowed(rel, start_label, end_label):
            raise FieldProblem(
                end[0],
                f"{rel.value} cannot link {start_label.value} '{start[1]}' "
                f"to {end_label.value} '{end[1]}'",
            )
        key = relationship_key(rel, start[1], end[1], self.source, *discriminators)
        return RelRecord(
            rel, start_label, start[1], end_label, end[1], key, {**props, **self.provenance()}
        )


def _resolve(resolve: Resolve, field: str, node_id: str) -> Label:
    label = resolve(node_id)
    if label is None:
        raise FieldProblem(field, f"'{node_id}' is not defined in the dataset or the store")
    return label


def _expect(resolve: Resolve, field: str, node_id: str, *labels: Label) -> Label:
    label = _resolve(resolve, field, node_id)
    if label not in labels:
        kinds = " or ".join(lb.value for lb in labels)
        raise FieldProblem(field, f"'{node_id}' is a {label.value}, expected {kinds}")
    return label


class SourceRow(Row):
    file: ClassVar[str] = "sources.csv"
    id: Id
    title: Text
    publisher: str | None = None
    date: str | None = None
    url: str | None = None
    note: str | None = None

    _date = field_validator("date")(_check_date)

    def declares(self) -> list[tuple[str, Label]]:
        return [(self.id, Label.SOURCE)]

    def records(self, resolve: Resolve) -> tuple[list[NodeRecord], list[RelRecord]]:
        return [NodeRecord(Label.SOURCE, self.id, self.model_dump(exclude={"file"}))], []


class CountryRow(Row):
    file: ClassVar[str] = "countries.csv"
    id: CountryCode
    name: Text
    source: Id | None = None
    confidence: Confidence | None = None
    note: str | None = None

    def declares(self) -> list[tuple[str, Label]]:
        return [(self.id, Label.COUNTRY)]

    def records(self, resolve: Resolve) -> tuple[list[NodeRecord], list[RelRecord]]:
        confidence = self.confidence.value if self.confidence else None
        props: dict[str, Value] = {
            "id": self.id,
            "name": self.name,
            "source": self.source,
            "confidence": confidence,
            "note": self.note,
        }
        return [NodeRecord(Label.COUNTRY, self.id, props)], []


class ElementCategory(StrEnum):
    LIGHT = "light"
    HEAVY = "heavy"
    OTHER = "other"


class ElementRow(Cited):
    file: ClassVar[str] = "elements.csv"
    id: Annotated[str, Field(pattern=r"^[A-Z][a-z]?$")]
    name: Text
    atomic_number: Annotated[int, Field(ge=1, le=118)]
    category: ElementCategory

    def declares(self) -> list[tuple[str, Label]]:
        return [(self.id, Label.ELEMENT)]

    def records(self, resolve: Resolve) -> tuple[list[NodeRecord], list[RelRecord]]:
        node = self.node(
            Label.ELEMENT,
            self.id,
            name=self.name,
            atomic_number=self.atomic_number,
            category=self.category.value,
        )
        return [node], []


class MaterialForm(StrEnum):
    CONCENTRATE = "concentrate"
    OXIDE = "oxide"
    COMPOUND = "compound"
    METAL = "metal"
    ALLOY = "alloy"


class _ElementBearing(Cited):
    elements: IdList = []

    def element_links(self, resolve: Resolve, node_id: str) -> list[RelRecord]:
        for element in self.elements:
            _expect(resolve, "elements", element, Label.ELEMENT)
        return [
            self.rel(resolve, RelType.HAS_ELEMENT, ("id", node_id), ("elements", element))
            for element in self.elements
        ]


class MaterialRow(_ElementBearing):
    file: ClassVar[str] = "materials.csv"
    id: Id
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

    def records(self, resolve: Resolve) -> tuple[list[NodeRecord], list[RelRecord]]:
        node = self.node(
            Label.MATERIAL,
            self.id,
            name=self.name,
            stage=self.stage.value,
            form=self.form.value,
            hs_code=self.hs_code,
        )
        return [node], self.element_links(resolve, self.id)


class MagnetFamily(StrEnum):
    NDFEB = "ndfeb"
    SMCO = "smco"
    FERRITE = "ferrite"
    ALNICO = "alnico"


class MagnetTypeRow(_ElementBearing):
    file: ClassVar[str] = "magnet_types.csv"
    id: Id
    name: Text
    family: MagnetFamily
    rare_earth: bool
    grade_of: Id | None = None
    """A more general magnet type this one is a grade of (e.g. Dy/Tb sintered NdFeB of
    sintered NdFeB): questions about the general type include its grades."""
    hs_code: str | None = None

    def declares(self) -> list[tuple[str, Label]]:
        return [(self.id, Label.MAGNET_TYPE)]

    def records(self, resolve: Resolve) -> tuple[list[NodeRecord], list[RelRecord]]:
        if self.grade_of is not None:
            _expect(resolve, "grade_of", self.grade_of, Label.MAGNET_TYPE)
            if self.grade_of == self.id:
                raise FieldProblem("grade_of", "a magnet type cannot be a grade of itself")
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
        return [node], self.element_links(resolve, self.id)


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
    id: Id
    name: Text
    country: CountryCode
    roles: Annotated[list[Role], BeforeValidator(_split_list)]

    def declares(self) -> list[tuple[str, Label]]:
        return [(self.id, Label.COMPANY)]

    def records(self, resolve: Resolve) -> tuple[list[NodeRecord], list[RelRecord]]:
        roles: list[str] = [role.value for role in self.roles]
        node = self.node(Label.COMPANY, self.id, name=self.name, country=self.country, roles=roles)
        hq = self.rel(resolve, RelType.HEADQUARTERED_IN, ("id", self.id), ("country", self.country))
        return [node], [hq]


class FacilityStatus(StrEnum):
    OPERATING = "operating"
    CONSTRUCTION = "construction"
    PLANNED = "planned"
    CLOSED = "closed"


class FacilityRow(Cited):
    file: ClassVar[str] = "facilities.csv"
    id: Id
    name: Text
    company: Id
    country: CountryCode
    stage: Stage
    status: FacilityStatus
    opened: str | None = None

    _opened = field_validator("opened")(_check_date)

    def declares(self) -> list[tuple[str, Label]]:
        return [(self.id, Label.FACILITY)]

    def records(self, resolve: Resolve) -> tuple[list[NodeRecord], list[RelRecord]]:
        _expect(resolve, "company", self.company, Label.COMPANY)
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
        rels = [
            self.rel(resolve, RelType.OPERATES, ("company", self.company), ("id", self.id)),
            self.rel(resolve, RelType.LOCATED_IN, ("id", self.id), ("country", self.country)),
        ]
        return [node], rels


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

    def records(self, resolve: Resolve) -> tuple[list[NodeRecord], list[RelRecord]]:
        _expect(resolve, "producer", self.producer, Label.COMPANY, Label.FACILITY)
        rel = self.rel(
            resolve,
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
        return [], [rel]


class ComponentRow(Cited):
    file: ClassVar[str] = "components.csv"
    id: Id
    name: Text

    def declares(self) -> list[tuple[str, Label]]:
        return [(self.id, Label.COMPONENT)]

    def records(self, resolve: Resolve) -> tuple[list[NodeRecord], list[RelRecord]]:
        node = self.node(Label.COMPONENT, self.id, name=self.name, stage=Stage.COMPONENT.value)
        return [node], []


class ProductRow(Cited):
    file: ClassVar[str] = "products.csv"
    id: Id
    name: Text
    oem: Id | None = None

    def declares(self) -> list[tuple[str, Label]]:
        return [(self.id, Label.PRODUCT)]

    def records(self, resolve: Resolve) -> tuple[list[NodeRecord], list[RelRecord]]:
        node = self.node(Label.PRODUCT, self.id, name=self.name)
        if self.oem is None:
            return [node], []
        _expect(resolve, "oem", self.oem, Label.COMPANY)
        return [node], [self.rel(resolve, RelType.MAKES, ("oem", self.oem), ("id", self.id))]


class EndUseRow(Cited):
    file: ClassVar[str] = "end_uses.csv"
    id: Id
    name: Text

    def declares(self) -> list[tuple[str, Label]]:
        return [(self.id, Label.END_USE)]

    def records(self, resolve: Resolve) -> tuple[list[NodeRecord], list[RelRecord]]:
        return [self.node(Label.END_USE, self.id, name=self.name)], []


class EndUseLinkRow(Cited):
    file: ClassVar[str] = "end_use_links.csv"
    item: Id
    end_use: Id

    def records(self, resolve: Resolve) -> tuple[list[NodeRecord], list[RelRecord]]:
        rel = self.rel(resolve, RelType.USED_IN, ("item", self.item), ("end_use", self.end_use))
        return [], [rel]


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

    def records(self, resolve: Resolve) -> tuple[list[NodeRecord], list[RelRecord]]:
        parent_label = _expect(
            resolve,
            "parent",
            self.parent,
            Label.PRODUCT,
            Label.COMPONENT,
            Label.MAGNET_TYPE,
            Label.MATERIAL,
        )
        if self.kg_per_unit_high is not None and self.kg_per_unit is None:
            raise FieldProblem("kg_per_unit", "kg_per_unit_high needs kg_per_unit (the low end)")
        if (
            self.kg_per_unit is not None
            and self.kg_per_unit_high is not None
            and self.kg_per_unit_high < self.kg_per_unit
        ):
            raise FieldProblem("kg_per_unit_high", "is below kg_per_unit")
        ends = (("parent", self.parent), ("child", self.child))
        if parent_label in (Label.PRODUCT, Label.COMPONENT):
            rel = self.rel(
                resolve,
                RelType.CONTAINS,
                *ends,
                self.year or "",
                share=self.share,
                kg_per_unit=self.kg_per_unit,
                kg_per_unit_high=self.kg_per_unit_high,
                scope=self.scope,
                year=self.year,
            )
        else:
            if self.kg_per_unit is not None:
                raise FieldProblem("kg_per_unit", "applies to products and components only")
            rel = self.rel(
                resolve, RelType.MADE_FROM, *ends, self.year or "", share=self.share, year=self.year
            )
        return [], [rel]


class MarketShareRow(Cited):
    """A country's share of world output of an item in a year (market-level fact)."""

    file: ClassVar[str] = "market_shares.csv"
    item: Id
    country: CountryCode
    year: Year
    share: Share | None = None
    tonnes: NonNegative | None = None
    scope: Text

    def records(self, resolve: Resolve) -> tuple[list[NodeRecord], list[RelRecord]]:
        if self.share is None and self.tonnes is None:
            raise FieldProblem("share", "give a share, tonnes, or both")
        rel = self.rel(
            resolve,
            RelType.PRODUCES,
            ("country", self.country),
            ("item", self.item),
            self.year,
            share=self.share,
            tonnes=self.tonnes,
            year=self.year,
            scope=self.scope,
        )
        return [], [rel]


class SourcingRow(Cited):
    """A company-level link: the consumer gets ``item`` from ``supplier``."""

    file: ClassVar[str] = "sourcing.csv"
    consumer: Id
    item: Id
    supplier: Id
    share: Share | None = None
    year: Year | None = None

    def records(self, resolve: Resolve) -> tuple[list[NodeRecord], list[RelRecord]]:
        _expect(resolve, "item", self.item, Label.MATERIAL, Label.MAGNET_TYPE, Label.COMPONENT)
        _expect(resolve, "supplier", self.supplier, Label.COMPANY)
        rel = self.rel(
            resolve,
            RelType.SOURCES_FROM,
            ("consumer", self.consumer),
            ("supplier", self.supplier),
            self.item,
            self.year or "",
            item=self.item,
            share=self.share,
            year=self.year,
        )
        return [], [rel]


class ControlStatus(StrEnum):
    ANNOUNCED = "announced"
    IN_FORCE = "in_force"
    SUSPENDED = "suspended"
    LAPSED = "lapsed"


class ExportControlRow(Cited):
    file: ClassVar[str] = "export_controls.csv"
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
    )(_check_date)

    def declares(self) -> list[tuple[str, Label]]:
        return [(self.id, Label.EXPORT_CONTROL)]

    def records(self, resolve: Resolve) -> tuple[list[NodeRecord], list[RelRecord]]:
        if self.status is ControlStatus.SUSPENDED and self.suspended_until is None:
            raise FieldProblem("suspended_until", "a suspended control needs suspended_until")
        if (
            self.suspended_from is not None
            and self.suspended_until is not None
            and self.suspended_until < self.suspended_from
        ):
            raise FieldProblem("suspended_until", "is before suspended_from")
        if self.effective is not None and self.effective < self.announced:
            raise FieldProblem("effective", "is before announced")
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
        rels = [self.rel(resolve, RelType.ISSUED_BY, ("id", self.id), ("issuer", self.issuer))]
        if self.suspended_by is not None:
            _expect(resolve, "suspended_by", self.suspended_by, Label.EXPORT_CONTROL)
            rels.append(
                self.rel(
                    resolve,
                    RelType.SUSPENDS,
                    ("suspended_by", self.suspended_by),
                    ("id", self.id),
                    from_date=self.suspended_from,
                    until_date=self.suspended_until,
                )
            )
        return [node], rels


class ControlItemRow(Cited):
    file: ClassVar[str] = "control_items.csv"
    control: Id
    item: Id
    scope: str | None = None

    def records(self, resolve: Resolve) -> tuple[list[NodeRecord], list[RelRecord]]:
        _expect(resolve, "control", self.control, Label.EXPORT_CONTROL)
        rel = self.rel(
            resolve,
            RelType.COVERS,
            ("control", self.control),
            ("item", self.item),
            scope=self.scope,
        )
        return [], [rel]


class ActKind(StrEnum):
    SUSPEND = "suspend"
    EXTEND = "extend"
    AMEND = "amend"
    LIFT = "lift"
    GENERAL_LICENCE = "general_licence"


class ControlActRow(Cited):
    """What happened to a control, as it happened: see docs/data-format.md (control_acts)."""

    file: ClassVar[str] = "control_acts.csv"
    id: Id
    name: Text
    control: Id
    kind: ActKind
    issued: str
    start: str | None = None
    until: str | None = None
    exporter: Id | None = None
    url: str | None = None

    _dates = field_validator("issued", "start", "until")(_check_date)

    def declares(self) -> list[tuple[str, Label]]:
        return [(self.id, Label.CONTROL_ACT)]

    def records(self, resolve: Resolve) -> tuple[list[NodeRecord], list[RelRecord]]:
        first = self.start or self.issued
        if self.until is not None and self.until <= first:
            raise FieldProblem("until", f"is not after the act's start ({first})")
        licence = self.kind is ActKind.GENERAL_LICENCE
        if licence and self.exporter is None:
            raise FieldProblem("exporter", "a general licence names the exporter granted it")
        if not licence and self.exporter is not None:
            raise FieldProblem("exporter", "only a general licence names an exporter")
        if self.kind is ActKind.EXTEND and self.until is None:
            raise FieldProblem("until", "an extension gives the suspension's new end")
        _expect(resolve, "control", self.control, Label.EXPORT_CONTROL)
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
        rels = [self.rel(resolve, RelType.ACTS_ON, ("id", self.id), ("control", self.control))]
        if self.exporter is not None:
            _expect(resolve, "exporter", self.exporter, Label.COMPANY)
            rels.append(
                self.rel(resolve, RelType.GRANTED_TO, ("id", self.id), ("exporter", self.exporter))
            )
        return [node], rels


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

    def records(self, resolve: Resolve) -> tuple[list[NodeRecord], list[RelRecord]]:
        rel = self.rel(
            resolve,
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
        return [], [rel]


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

    _as_of = field_validator("as_of")(_check_date)

    def records(self, resolve: Resolve) -> tuple[list[NodeRecord], list[RelRecord]]:
        if self.weeks_high is not None and self.weeks_high < self.weeks:
            raise FieldProblem("weeks_high", "is below weeks")
        if self.end_use is not None:
            _expect(resolve, "end_use", self.end_use, Label.END_USE)
        rel = self.rel(
            resolve,
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
        return [], [rel]


class ObservationRow(Cited):
    """A cited figure that fits no edge: a count, a rate, a forecast, reserves."""

    file: ClassVar[str] = "observations.csv"
    id: Id
    subject: Id
    metric: Text
    value: Finite
    value_high: Finite | None = None
    unit: Text
    date: str | None = None
    scope: str | None = None

    _date = field_validator("date")(_check_date)

    def declares(self) -> list[tuple[str, Label]]:
        return [(self.id, Label.OBSERVATION)]

    def records(self, resolve: Resolve) -> tuple[list[NodeRecord], list[RelRecord]]:
        if self.value_high is not None and self.value_high < self.value:
            raise FieldProblem("value_high", "is below value")
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
        about = self.rel(resolve, RelType.ABOUT, ("id", self.id), ("subject", self.subject))
        return [node], [about]


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
)
"""Every dataset file, in the order they are read. A dataset may omit any file."""

MODEL_BY_FILE: dict[str, type[Row]] = {model.file: model for model in ROW_MODELS}
