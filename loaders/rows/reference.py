"""Row models of the reference files: sources, countries, elements, materials, magnet types."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, ClassVar

from pydantic import Field, field_validator

from graph.model import (
    Label,
    RelType,
    Stage,
)
from graph.records import NodeRecord, Value
from loaders.fields import (
    Bool,
    CountryCode,
    Id,
    IdList,
    Text,
    check_date,
)
from loaders.rows.base import Cited, Confidence, FieldProblem, Labels, Records, Ref, Row


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
