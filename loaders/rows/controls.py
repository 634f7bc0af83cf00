"""Row models of export controls: the controls, the items they cover, the acts that change them."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import field_validator

from graph.model import (
    DE_MINIMIS,
    Label,
    Reach,
    RelType,
)
from loaders.fields import (
    CountryCode,
    Id,
    Share,
    Text,
    check_date,
    earliest,
    latest,
)
from loaders.rows.base import Cited, FieldProblem, Labels, Records, Ref


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
