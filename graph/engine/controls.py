"""Export controls: what a control is, its status on any day, and the items it reaches.

Pure. A control is either one of the graph's ExportControl nodes or a custom one (an
issuer and the items it covers) that a question describes.

**Status from acts.** A control binds from its effective day until it expires, except
while an act says otherwise. The acts (``Act``) are what happened, each with its own
dates and source: a *suspension* (from ``start`` until ``until``), an *extension* (from
the day it is issued, the suspension runs until its new ``until``), an *amendment*
(the control stays in force, as amended), a *lift* (no longer in force from ``start``)
and a *general licence* granted to one exporter (from ``start`` until ``until``; the
control binds, but that exporter's shipments pass). On a day, only acts whose ``start``
has come count, and among the suspensions and extensions the latest decides: so an
extension issued later does not change what the status was before it.

**Dates.** A date written as a year or a month (``2025``, ``2025-04``) means the first
day of the period it names, everywhere (``day_of``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from graph.engine.answers import ActInfo, ControlStatus
from graph.engine.facts import Act, ActKind, SupplyData, day_of
from graph.errors import NotFound, QueryError
from graph.model import Label

if TYPE_CHECKING:
    from graph.engine.snapshot import Snapshot

CONTROLLED_FORMS = frozenset({"oxide", "compound", "metal", "alloy"})
"""The forms export-control announcements name for an element ("metals, alloys, oxides and
compounds"); ores and concentrates are not among them."""

ONE_DAY = timedelta(days=1)


class ControlState(StrEnum):
    IN_FORCE = "in_force"
    NOT_YET = "not_yet_in_force"
    SUSPENDED = "suspended"
    EXPIRED = "expired"
    LIFTED = "lifted"


@dataclass(frozen=True)
class Status:
    in_force: bool
    state: ControlState
    text: str
    act: Act | None
    """The act that decides the state (None: the control's own dates)."""
    licences: tuple[Act, ...]
    """General licences in force on the day."""


@dataclass(frozen=True)
class Control:
    id: str | None
    name: str
    issuer: str
    items: frozenset[str]
    effective: str | None = None
    suspended_from: str | None = None
    suspended_until: str | None = None
    """A suspension written on the control itself, for graphs without acts."""
    expires: str | None = None
    source: str | None = None
    recorded: tuple[Act, ...] = ()
    """The acts the graph records for it."""
    abroad: tuple[tuple[str, float], ...] = ()
    """Items of extraterritorial reach, each with its de minimis (docs/model.md)."""

    @property
    def effective_date(self) -> date | None:
        return day_of(self.effective) if self.effective else None

    @property
    def acts(self) -> tuple[Act, ...]:
        """The recorded acts; without any, the suspension written on the control."""
        if self.recorded or not self.suspended_until:
            return self.recorded
        issued = self.suspended_from or self.effective or self.suspended_until
        suspension = Act(
            id=f"{self.id or 'control'}-suspension",
            kind=ActKind.SUSPEND,
            issued=issued,
            start=self.suspended_from,
            until=self.suspended_until,
            source=self.source,
        )
        return (suspension,)

    def boundaries(self) -> list[date]:
        """Every day on which the status can change."""
        days = {d for d in (self.effective_date,) if d}
        if self.expires:
            days.add(day_of(self.expires))
        for act in self.acts:
            days.add(act.first_day)
            if act.last_day:
                days.add(act.last_day)
        return sorted(days)


def control_from_graph(data: SupplyData, control_id: str) -> Control:
    props: dict[str, Any] | None = data.controls.get(control_id)
    if props is None:
        raise NotFound(f"no export control with id '{control_id}'")
    return Control(
        id=control_id,
        name=str(props.get("name") or control_id),
        issuer=str(props.get("issuer")),
        items=frozenset(data.covers.get(control_id, set())),
        effective=props.get("effective") or props.get("announced"),
        suspended_from=props.get("suspended_from"),
        suspended_until=props.get("suspended_until"),
        expires=props.get("expires"),
        source=props.get("source"),
        recorded=tuple(data.acts.get(control_id, ())),
        abroad=tuple(sorted(data.abroad.get(control_id, {}).items())),
    )


def resolve(
    data: SupplyData, *, control: str | None, issuer: str | None, items: list[str] | None
) -> Control:
    """The graph's control ``control`` (its items replaced by ``items`` if given, which
    then drops its extraterritorial items too), or a custom control of ``issuer`` over
    ``items``."""
    if control is not None:
        regime = control_from_graph(data, control)
        return replace(regime, items=frozenset(items), abroad=()) if items else regime
    if issuer is None or not items:
        raise QueryError("give a control id, or an issuer and the items it controls")
    return Control(id=None, name="custom control", issuer=issuer, items=frozenset(items))


def _latest(acts: Iterable[Act]) -> Act | None:
    return max(acts, key=lambda a: (a.first_day, day_of(a.issued), a.id), default=None)


def status(control: Control, day: date) -> Status:
    """The control's state on ``day``, and the act that decides it."""
    started = [a for a in control.acts if a.first_day <= day]
    licences = tuple(a for a in started if a.kind is ActKind.GENERAL_LICENCE and a.applies_on(day))
    effective = control.effective_date
    if effective and day < effective:
        text = f"not yet in force (effective {control.effective})"
        return Status(False, ControlState.NOT_YET, text, None, ())
    lift = _latest(a for a in started if a.kind is ActKind.LIFT)
    if lift is not None:
        text = f"lifted on {lift.first_day.isoformat()}"
        return Status(False, ControlState.LIFTED, text, lift, ())
    if control.expires and day >= day_of(control.expires):
        return Status(False, ControlState.EXPIRED, f"expired on {control.expires}", None, ())
    suspension = _latest(a for a in started if a.kind in (ActKind.SUSPEND, ActKind.EXTEND))
    if suspension is not None and suspension.applies_on(day):
        text = f"suspended until {suspension.until}" if suspension.until else "suspended"
        return Status(False, ControlState.SUSPENDED, text, suspension, ())
    amended = _latest(a for a in started if a.kind is ActKind.AMEND)
    return Status(True, ControlState.IN_FORCE, "in force", amended, licences)


def status_on(control: Control, day: date) -> tuple[bool, str]:
    """Whether the control binds on ``day``, and why."""
    found = status(control, day)
    return found.in_force, found.text


def in_force_since(control: Control, day: date) -> date | None:
    """The first day of the unbroken in-force period that holds ``day`` (None: it has
    bound since before any date the control gives)."""
    for boundary in reversed(control.boundaries()):
        if boundary <= day and not status(control, boundary - ONE_DAY).in_force:
            return boundary
    return None


def next_in_force(control: Control, day: date) -> date | None:
    """The first day after ``day`` on which the control binds (None: it never does again)."""
    for boundary in control.boundaries():
        if boundary > day and status(control, boundary).in_force:
            return boundary
    return None


def licensed_exporters(control: Control, day: date) -> frozenset[str]:
    return frozenset(a.exporter for a in status(control, day).licences if a.exporter)


def covered_items(data: SupplyData, items: frozenset[str]) -> frozenset[str]:
    """The supply items a control reaches: named items and their grades, and for a named
    element the oxides, compounds, metals and alloys that contain it."""
    out: set[str] = set()
    for item in items:
        label = data.labels.get(item)
        if label is None:
            raise NotFound(f"no element, material or magnet type with id '{item}'")
        if label is Label.ELEMENT:
            out |= {
                i
                for i, elements in data.elements.items()
                if item in elements
                and i in data.items
                and data.items[i].label is Label.MATERIAL
                and data.items[i].form in CONTROLLED_FORMS
            }
        elif item in data.items:
            out.add(item)
            stack = [item]
            while stack:
                for grade in data.grades.get(stack.pop(), ()):
                    if grade not in out:
                        out.add(grade)
                        stack.append(grade)
        else:
            raise QueryError(f"'{item}' is a {label.value}; a control covers items or elements")
    return frozenset(out)


def covered_abroad(data: SupplyData, abroad: Iterable[tuple[str, float]]) -> dict[str, float]:
    """The supply items an extraterritorial reach covers (as ``covered_items`` expands
    them), each with the lowest de minimis any of its rows gives."""
    out: dict[str, float] = {}
    for item, floor in abroad:
        for found in covered_items(data, frozenset({item})):
            out[found] = min(out.get(found, floor), floor)
    return out


def control_statuses(snapshot: Snapshot, day: date) -> list[ControlStatus]:
    """Every export control of the graph on ``day``: state, deciding act, licences."""
    out = []
    for control_id in sorted(snapshot.data.controls):
        control = control_from_graph(snapshot.data, control_id)
        found = status(control, day)
        since = in_force_since(control, day) if found.in_force else next_in_force(control, day)
        out.append(
            ControlStatus(
                control=snapshot.named(control_id),
                issuer=control.issuer,
                as_of=day.isoformat(),
                in_force=found.in_force,
                state=found.state.value,
                status=found.text,
                act=_act_info(snapshot, found.act) if found.act else None,
                licences=tuple(_act_info(snapshot, a) for a in found.licences),
                in_force_from=since.isoformat() if since else None,
                acts=tuple(_act_info(snapshot, a) for a in control.acts),
            )
        )
    return out


def _act_info(snapshot: Snapshot, act: Act) -> ActInfo:
    return ActInfo(
        id=act.id,
        name=act.name or act.id,
        kind=act.kind.value,
        issued=act.issued,
        start=act.start or act.issued,
        until=act.until,
        exporter=snapshot.named(act.exporter) if act.exporter else None,
        source=snapshot.source(act.source) if act.source else None,
    )
