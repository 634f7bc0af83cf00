"""Export-control scenarios: which supply a licence regime blocks, and when stock runs out.

A control (graph.engine.controls) lets the issuer's exports of covered items through at
``approval_rate``. For each position v let ``b[v]`` be the share of v made in the issuing
country when v's item is covered (0 otherwise). The fraction of v's rare-earth content
that passes a controlled export somewhere upstream is ``A = b + (1 - b) * W A``: what v's
own step exports under licence, plus, for the rest, what its inputs carry. Like exposure
it is one linear solve over topological levels. The blocked part is
``A * (1 - approval_rate)``. An item of extraterritorial reach (MOFCOM No. 61) adds to
``b[v]`` the part of v made outside the issuer when v's direct inputs are at least the de
minimis the issuer's (docs/model.md, "Extraterritorial reach").

The engine reads no clock: ``today`` is the first day when neither ``start`` nor the
control's effective date gives one. Stock-outs count from the day the control is (again)
in force on or after ``as_of`` (``counted_from``), not from its announcement.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from graph.engine.answers import EPSILON, GroupImpact, ProductImpact, Scenario, VolumeImpact
from graph.engine.controls import (
    Control,
    covered_abroad,
    covered_items,
    in_force_since,
    licensed_exporters,
    next_in_force,
    resolve,
    status,
)
from graph.engine.facts import StockCover, SupplyData
from graph.engine.network import Network
from graph.engine.propagation import Propagation, reachable, solve
from graph.errors import QueryError

if TYPE_CHECKING:
    from graph.engine.snapshot import Snapshot

Fractions = np.ndarray[Any, np.dtype[np.float64]]
TOLERANCE = 1e-12
"""Slack on the de minimis comparison, so a share computed as 0.001 meets 0.001."""


def scenario(
    snapshot: Snapshot,
    *,
    today: date,
    control: str | None = None,
    issuer: str | None = None,
    items: list[str] | None = None,
    approval_rate: float = 0.0,
    start: date | None = None,
    duration_weeks: float = 8.0,
    as_of: date | None = None,
) -> Scenario:
    """Apply a control from ``start`` (default: its effective day, else ``today``), judged
    in force or not on ``as_of`` (default: the first day)."""
    if not 0.0 <= approval_rate <= 1.0:
        raise QueryError(f"approvalRate must be between 0 and 1, got {approval_rate}")
    if duration_weeks < 0:
        raise QueryError(f"durationWeeks must not be negative, got {duration_weeks}")
    data = snapshot.data
    regime = resolve(data, control=control, issuer=issuer, items=items)
    snapshot.country_column(regime.issuer)
    first_day = start or regime.effective_date or today
    day = as_of or first_day
    judged = status(regime, day)
    counted_from = _counted_from(regime, day, first_day, in_force=judged.in_force)
    covered = covered_items(data, regime.items)
    abroad = covered_abroad(data, regime.abroad)
    licensed = licensed_exporters(regime, day)
    impacts: list[ProductImpact] = []
    volumes: list[VolumeImpact] = []
    if judged.in_force and counted_from is not None:
        controlled = controlled_fraction(
            snapshot.network,
            snapshot.propagation,
            regime.issuer,
            covered,
            licensed=licensed,
            abroad=abroad,
        )
        impacts = _impacts(
            snapshot,
            controlled,
            approval_rate=approval_rate,
            start=counted_from,
            duration_weeks=duration_weeks,
        )
        volumes = _volumes(snapshot, controlled, approval_rate)
    by_oem: dict[str, list[float]] = defaultdict(list)
    by_use: dict[str, list[float]] = defaultdict(list)
    for impact in impacts:
        for oem in impact.oems:
            by_oem[oem.id].append(impact.shortfall)
        for use in impact.end_uses:
            by_use[use.id].append(impact.shortfall)
    rows = [snapshot.row(i.product.id) for i in impacts]
    extra = [regime.source or "", *(v.source or "" for v in volumes)]
    return Scenario(
        control=snapshot.named(regime.id) if regime.id else None,
        issuer=regime.issuer,
        items=snapshot.names(regime.items),
        covered=snapshot.names(covered),
        covered_abroad=snapshot.names(sorted(abroad)),
        approval_rate=approval_rate,
        start=first_day.isoformat(),
        duration_weeks=duration_weeks,
        as_of=day.isoformat(),
        in_force=judged.in_force,
        status=judged.text,
        counted_from=counted_from.isoformat() if counted_from else None,
        act=snapshot.named(judged.act.id) if judged.act else None,
        licensed=snapshot.names(licensed),
        products=tuple(impacts),
        oems=_grouped(snapshot, by_oem),
        end_uses=_grouped(snapshot, by_use),
        volumes=tuple(volumes),
        sources=snapshot.sources_behind(rows, extra),
        version=snapshot.version,
    )


def _counted_from(control: Control, day: date, first_day: date, *, in_force: bool) -> date | None:
    """The day stock-outs count from: the first day of the in-force period that holds
    ``day`` (never before the scenario's first day), or, when the control does not bind
    on ``day``, the day it binds again (None: never)."""
    if in_force:
        since = in_force_since(control, day)
        return max(first_day, since) if since else first_day
    return next_in_force(control, day)


def controlled_fraction(
    net: Network,
    prop: Propagation,
    issuer: str,
    covered: frozenset[str],
    *,
    licensed: frozenset[str] = frozenset(),
    abroad: Mapping[str, float] | None = None,
) -> Fractions:
    """``A[v]``: the fraction of v's content that passes a covered export of the issuer.
    What a ``licensed`` exporter (a general licence) ships passes freely. An item in
    ``abroad`` (extraterritorial reach, with its de minimis) is covered where it is made
    outside the issuer too, when the issuer's part of its direct inputs ``u = W o`` is at
    least the de minimis: that part of ``b`` is its known foreign share."""
    abroad = abroad or {}
    n = len(net.positions)
    home = np.zeros(n)
    foreign = np.zeros(n)
    for v in range(n):
        for o in net.origins[v]:
            if o.country == issuer:
                home[v] += o.share
            else:
                foreign[v] += o.share
    home, foreign = np.clip(home, 0.0, 1.0), np.clip(foreign, 0.0, 1.0)
    inputs = prop.weights @ home if abroad else np.zeros(n)
    own = np.zeros(n)
    for v, position in enumerate(net.positions):
        if position.supplier in licensed:
            continue
        if position.item in covered:
            own[v] += home[v]
        floor = abroad.get(position.item)
        if floor is not None and inputs[v] >= floor - TOLERANCE:
            own[v] += foreign[v]
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


def _impacts(
    snapshot: Snapshot,
    controlled: Fractions,
    *,
    approval_rate: float,
    start: date,
    duration_weeks: float,
) -> list[ProductImpact]:
    out = []
    for product in snapshot.products:
        v = snapshot.row(product)
        share = float(controlled[v])
        if share <= EPSILON:
            continue
        shortfall = share * (1.0 - approval_rate)
        tree = {snapshot.network.positions[i].item for i in reachable(snapshot.network, v)}
        cover = stock_cover(snapshot.data, product, tree)
        weeks = weeks_to_stockout(cover, shortfall)
        out.append(
            ProductImpact(
                product=snapshot.named(product),
                controlled=share,
                shortfall=shortfall,
                oems=snapshot.names(snapshot.data.oems.get(product, [])),
                end_uses=snapshot.names(snapshot.end_uses_of[product]),
                cover_weeks=(cover.weeks, cover.weeks_high) if cover else None,
                weeks_to_stockout=weeks,
                stockout_dates=(
                    add_weeks(start, weeks[0]).isoformat(),
                    add_weeks(start, weeks[1]).isoformat(),
                )
                if weeks
                else None,
                runs_out_within_duration=weeks[0] <= duration_weeks if weeks else None,
            )
        )
    return sorted(out, key=lambda i: (-i.shortfall, i.product.id))


def _volumes(snapshot: Snapshot, controlled: Fractions, approval_rate: float) -> list[VolumeImpact]:
    out = []
    for volume in snapshot.data.volumes:
        if volume.item not in snapshot.data.items:
            continue
        share = float(controlled[snapshot.row(volume.item)])
        out.append(
            VolumeImpact(
                holder=snapshot.named(volume.holder),
                item=snapshot.named(volume.item),
                kind=volume.kind,
                year=volume.fact.year,
                tonnes=volume.tonnes,
                shortfall_tonnes=volume.tonnes * share * (1.0 - approval_rate),
                scope=volume.scope,
                source=volume.fact.source,
            )
        )
    return sorted(
        out,
        key=lambda v: (
            -v.shortfall_tonnes,
            v.holder.id,
            v.item.id,
            v.kind,
            v.year or 0,
            v.source or "",
        ),
    )


def _grouped(snapshot: Snapshot, shortfalls: dict[str, list[float]]) -> tuple[GroupImpact, ...]:
    groups = [GroupImpact(snapshot.named(k), max(v), len(v)) for k, v in shortfalls.items()]
    return tuple(sorted(groups, key=lambda g: (-g.shortfall, g.entity.id)))
