"""Export-control scenarios: which supply a licence regime blocks, and when stock runs out.

Pure. A control lets the issuer's exports of covered items through at ``approval_rate``.
For each position v let ``b[v]`` be the share of v made in the issuing country when v's
item is covered (0 otherwise). The fraction of v's rare-earth content that passes a
controlled export somewhere upstream is ``A = b + (1 - b) * W A``: what v's own step
exports under licence, plus, for the rest, what its inputs carry. Like exposure it is one
linear solve over topological levels. The blocked part is ``A * (1 - approval_rate)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import scipy.sparse as sp

from graph.engine.facts import StockCover, SupplyData
from graph.engine.network import Network
from graph.engine.propagation import Propagation, solve
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


def controlled_fraction(
    net: Network, prop: Propagation, issuer: str, covered: frozenset[str]
) -> np.ndarray[Any, np.dtype[np.float64]]:
    """``A[v]``: the fraction of v's content that passes a covered export of the issuer."""
    n = len(net.positions)
    own = np.zeros(n)
    for v, position in enumerate(net.positions):
        if position.item in covered:
            own[v] = sum(o.share for o in net.origins[v] if o.country == issuer)
    own = np.clip(own, 0.0, 1.0)
    weights = sp.csr_array(sp.diags_array(1.0 - own) @ prop.weights)
    return solve(weights, own[:, None], prop.levels)[:, 0]


@dataclass(frozen=True)
class Cover:
    weeks: float
    weeks_high: float
    holder: str
    fact: StockCover


def stock_cover(data: SupplyData, product: str, items_in_tree: set[str]) -> Cover | None:
    """The stock that covers a product: held by its OEM, or by its OEM's home country, for
    one of the product's end uses (or all), of an item in its supply tree. The holder
    nearest the product wins (the OEM over its country)."""
    oems = data.oems.get(product, [])
    homes = {data.headquarters[o][0] for o in oems if o in data.headquarters}
    uses = set(data.end_uses.get(product, []))
    best: Cover | None = None
    for fact in data.stock:
        if fact.item not in items_in_tree:
            continue
        if fact.end_use is not None and fact.end_use not in uses:
            continue
        if fact.holder in oems:
            rank = 2
        elif fact.holder in homes:
            rank = 1
        else:
            continue
        cover = Cover(fact.weeks, fact.weeks_high, fact.holder, fact)
        if best is None or rank > (2 if best.holder in oems else 1):
            best = cover
    return best


def weeks_to_stockout(cover: Cover | None, shortfall: float) -> tuple[float, float] | None:
    """Weeks until stock runs out when a fraction ``shortfall`` of supply stops."""
    if cover is None or shortfall <= 0.0:
        return None
    return cover.weeks / shortfall, cover.weeks_high / shortfall


def add_weeks(start: date, weeks: float) -> date:
    return start + timedelta(days=round(weeks * 7))
