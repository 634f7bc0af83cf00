"""Export controls: what a control is, when it binds, and which supply items it reaches.

Pure. A control is either one of the graph's ExportControl nodes or a custom one (an
issuer and the items it covers) that a question describes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from graph.engine.facts import SupplyData
from graph.errors import NotFound, QueryError
from graph.model import Label

CONTROLLED_FORMS = frozenset({"oxide", "compound", "metal", "alloy"})
"""The forms export-control announcements name for an element ("metals, alloys, oxides and
compounds"); ores and concentrates are not among them."""


@dataclass(frozen=True)
class Control:
    id: str | None
    name: str
    issuer: str
    items: frozenset[str]
    effective: str | None = None
    suspended_from: str | None = None
    suspended_until: str | None = None
    expires: str | None = None
    source: str | None = None

    @property
    def effective_date(self) -> date | None:
        """The effective day when the graph gives a full ISO date (not just a month)."""
        if self.effective and len(self.effective) == 10:
            return date.fromisoformat(self.effective)
        return None


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
    )


def resolve(
    data: SupplyData, *, control: str | None, issuer: str | None, items: list[str] | None
) -> Control:
    """The graph's control ``control`` (its items replaced by ``items`` if given), or a
    custom control of ``issuer`` over ``items``."""
    if control is not None:
        regime = control_from_graph(data, control)
        return replace(regime, items=frozenset(items)) if items else regime
    if issuer is None or not items:
        raise QueryError("give a control id, or an issuer and the items it controls")
    return Control(id=None, name="custom control", issuer=issuer, items=frozenset(items))


def status_on(control: Control, day: date) -> tuple[bool, str]:
    """Whether the control binds on ``day``, and why (dates compare as ISO strings)."""
    today = day.isoformat()
    if control.effective and today < control.effective:
        return False, f"not yet in force (effective {control.effective})"
    if control.expires and today >= control.expires:
        return False, f"expired on {control.expires}"
    if (
        control.suspended_until
        and (control.suspended_from or "") <= today < control.suspended_until
    ):
        return False, f"suspended until {control.suspended_until}"
    return True, "in force"


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
