"""The control watch: the days in a window on which an export control's status changes,
and what each change reaches.

Pure, and no clock: the window comes in as two days. A control's status on a day is
graph.engine.controls' (acts over time); a *change* is a day whose state, deciding act or
set of general licences differs from the day before's (a suspension ending, a licence
expiring, a control taking effect ...). Each event carries the products, OEMs and end uses
the control reaches ranked by shortfall (graph.engine.scenario, approval rate 0): as it
binds from that day when the change puts it in force, and as it bound the day before when
the change takes it out of force (what the change relieves); a licence starting or ending
while the control binds is judged on the day itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from graph.engine.answers import GroupImpact, Named, ProductImpact
from graph.engine.controls import ONE_DAY, Status, control_from_graph, status
from graph.engine.facts import ActKind
from graph.errors import QueryError

if TYPE_CHECKING:
    from graph.engine.snapshot import Snapshot


@dataclass(frozen=True)
class ControlEvent:
    control: Named
    day: str
    change: str
    """takes_effect, suspended, extended, suspension_ends, lifted, expires, amended,
    licence_granted or licence_expires."""
    before: str
    """The state the day before (in_force, suspended ...)."""
    after: str
    status: str
    act: Named | None
    """The act behind the change (None: the control's own dates)."""
    covered: tuple[Named, ...]
    """The supply items the control reaches as made in the issuer (empty: none in the
    graph's bills of materials)."""
    covered_abroad: tuple[Named, ...]
    """The items it reaches where made outside the issuer too (extraterritorial reach)."""
    products: tuple[ProductImpact, ...]
    oems: tuple[GroupImpact, ...]
    end_uses: tuple[GroupImpact, ...]


def control_events(snapshot: Snapshot, *, start: date, end: date) -> list[ControlEvent]:
    """Every status change from ``start`` to ``end`` (both included), by day, then control."""
    if end < start:
        raise QueryError(f"the window ends ({end}) before it starts ({start})")
    out: list[ControlEvent] = []
    for control_id in sorted(snapshot.data.controls):
        control = control_from_graph(snapshot.data, control_id)
        for day in control.boundaries():
            if not start <= day <= end:
                continue
            old, new = status(control, day - ONE_DAY), status(control, day)
            if _key(old) == _key(new):
                continue
            judged = day if new.in_force else day - ONE_DAY
            impact = snapshot.scenario(today=day, control=control_id, as_of=judged)
            act = _cause(old, new)
            out.append(
                ControlEvent(
                    control=snapshot.named(control_id),
                    day=day.isoformat(),
                    change=_change(old, new),
                    before=old.state.value,
                    after=new.state.value,
                    status=new.text,
                    act=snapshot.named(act) if act else None,
                    covered=impact.covered,
                    covered_abroad=impact.covered_abroad,
                    products=impact.products,
                    oems=impact.oems,
                    end_uses=impact.end_uses,
                )
            )
    out.sort(key=lambda e: (e.day, e.control.id))
    return out


def _key(found: Status) -> tuple[str, str | None, frozenset[str]]:
    return (
        found.state.value,
        found.act.id if found.act else None,
        frozenset(a.id for a in found.licences),
    )


def _change(old: Status, new: Status) -> str:
    if old.state != new.state:
        if new.in_force:
            return "suspension_ends" if old.state.value == "suspended" else "takes_effect"
        return {"suspended": "suspended", "lifted": "lifted", "expired": "expires"}.get(
            new.state.value, new.state.value
        )
    if {a.id for a in new.licences} - {a.id for a in old.licences}:
        return "licence_granted"
    if {a.id for a in old.licences} - {a.id for a in new.licences}:
        return "licence_expires"
    if new.act is not None and new.act.kind is ActKind.EXTEND:
        return "extended"
    return "amended" if new.in_force else "suspended"


def _cause(old: Status, new: Status) -> str | None:
    """The act that makes the change: the one that ends when the control binds again (a
    suspension running out), the new deciding act otherwise, else a licence that started
    or ended (None: the control's own dates)."""
    if old.state != new.state:
        found = old.act if new.in_force else new.act
        return found.id if found else None
    changed = {a.id for a in new.licences} ^ {a.id for a in old.licences}
    if changed:
        return min(changed)
    return new.act.id if new.act else None
