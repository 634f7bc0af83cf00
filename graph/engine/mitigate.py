"""The mitigation planner: which sourcing changes bring a subject's share of a country
under a target, as a linear programme (``scipy.optimize.linprog``, HiGHS).

**What can move.** The subject's supply at a stage is the flow reaching that stage's
positions (``F``, the fraction of its rare-earth content through each position). A *move*
takes part of the flow on one edge ``consumer -> v`` (v a stage-s position with some share
``o_v`` in the country) to an alternative supplier ``a``: a company with a site at the stage
whose share in the country ``o_a`` is lower. Moving ``y`` lowers the stage's share by
``y * (o_v - o_a)``; the moved supply's own inputs keep the origins they had (the graph does
not say where an alternative buys), so a stage is planned on its own and other stages do
not move.

**Tonnes.** Where the graph gives the subject's tonnes a year of stage-s items (CONSUMES,
forecasts aside; a product's are its OEM's, shared equally among the OEM's products), a
move of ``y`` is ``y / reach_s * tonnes`` and each alternative takes no more than its spare
capacity: its capacity (``SupplyData.capacity``, planned plants aside)
minus what the graph already assigns to it (each SOURCES_FROM link's part of that
consumer's tonnes of the item, where known). Without the subject's tonnes the plan is in
shares only and capacity cannot bind (the answer says so).

**The programme.** Per stage, first the lowest share reachable (maximise the reduction),
then the least supply moved that reaches ``max(target, lowest)``. Capacity constraints with
no slack left are the binding ones.

**Prices.** Where every option of a stage has a price on both sides (SELLS: the current
supplier's and the alternative's USD a kg of the item moved; a market or a country's supply
has none), the objective is the least *extra cost* instead: ``tonnes moved x 1000 x (price
to - price from)`` in USD a year, or without tonnes ``share moved x (price to - price from)``
in USD per kg of the subject's supply at the stage; then, among the cheapest plans, the
least supply moved. A stage with any price missing falls back to the supply moved, and
``notes`` says which objective each stage used and why.

(Past 400 lines on purpose: the options, the three programmes and the answer's moves,
costs and binding constraints share one stage's data; split, they would pass it around.)
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy.optimize import linprog

from graph.engine.answers import Named
from graph.engine.facts import CONFIDENCE_RANK, SupplyData
from graph.engine.network import split_links
from graph.engine.propagation import STAGES
from graph.errors import QueryError
from graph.model import Stage

if TYPE_CHECKING:
    from graph.engine.snapshot import Snapshot

TOLERANCE = 1e-9


@dataclass(frozen=True)
class Move:
    stage: str
    consumer: Named
    item: Named
    supplier: Named | None
    """Where it comes from now (None: the market or a country's supply)."""
    to: Named
    share: float
    """Fraction of the subject's supply at the stage that moves."""
    tonnes: float | None
    usd_per_kg_from: float | None = None
    usd_per_kg_to: float | None = None
    extra_cost: float | None = None
    """In the stage's cost unit (None: the stage is planned by supply moved)."""


@dataclass(frozen=True)
class Binding:
    stage: str
    supplier: Named
    capacity: float
    assigned: float
    spare: float
    """Tonnes a year: capacity less what the graph already assigns; all of it is used."""


@dataclass(frozen=True)
class StagePlan:
    stage: str
    before: float
    after: float
    lowest: float
    """The lowest share any plan reaches at this stage."""
    met: bool
    tonnes: float | None
    """The subject's tonnes a year at this stage (None: not in the graph)."""
    reason: str | None
    """Why the target is not met (None: it is)."""
    objective: str = "supply"
    """``cost`` (every option priced: the least extra cost) or ``supply`` (the least moved)."""
    extra_cost: float | None = None
    cost_unit: str | None = None
    """``USD a year`` with tonnes, else ``USD per kg of the subject's supply``."""


@dataclass(frozen=True)
class Mitigation:
    subject: Named
    country: str
    target: float
    feasible: bool
    best_share: float
    """The highest share left at any stage asked, after the plan."""
    stages: tuple[StagePlan, ...]
    moves: tuple[Move, ...]
    binding: tuple[Binding, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class _Option:
    parent: int
    position: int
    supplier: str
    limit: float
    gain: float
    price_from: float | None
    price_to: float | None


def mitigate(
    snapshot: Snapshot, subject: str, country: str, *, target: float, stage: Stage | None = None
) -> Mitigation:
    """Plan the least sourcing change that brings ``subject`` under ``target`` in
    ``country`` at ``stage`` (default: every stage above the target)."""
    if not 0.0 <= target <= 1.0:
        raise QueryError(f"target must be between 0 and 1, got {target}")
    column = snapshot.country_column(country)
    rows, _ = snapshot.subject_products(subject)
    prop = snapshot.propagation
    flow = _flow(snapshot, rows)
    before_all = snapshot.total[rows].mean(axis=0)
    asked = [stage] if stage is not None else list(STAGES)
    plans: list[StagePlan] = []
    moves: list[Move] = []
    binding: list[Binding] = []
    notes: list[str] = []
    for st in asked:
        s = STAGES.index(st)
        before = float(before_all[s, column]) if column is not None else 0.0
        if stage is None and before <= target + TOLERANCE:
            continue
        reach = float(prop.reach[rows, s].mean())
        tonnes = _tonnes_at(snapshot.data, subject, st)
        plan, found_moves, found_binding, why = _plan_stage(
            snapshot,
            flow=flow,
            stage=st,
            country=country,
            before=before,
            target=target,
            reach=reach,
            tonnes=tonnes,
        )
        if tonnes is None and found_moves:
            notes.append(
                f"no tonnes a year of {st.value} items for '{subject}' in the graph: the "
                f"{st.value} plan is in shares and no capacity limit applies"
            )
        if why:
            notes.append(why)
        plans.append(plan)
        moves += found_moves
        binding += found_binding
    best = max((p.after for p in plans), default=0.0)
    return Mitigation(
        subject=snapshot.named(subject),
        country=country,
        target=target,
        feasible=all(p.met for p in plans),
        best_share=best,
        stages=tuple(plans),
        moves=tuple(moves),
        binding=tuple(binding),
        notes=tuple(notes),
    )


def _flow(snapshot: Snapshot, rows: list[int]) -> np.ndarray:
    """The subject's flow through each position (mean over its rows): parents first."""
    prop = snapshot.propagation
    flow = np.zeros(len(snapshot.network.positions))
    for r in rows:
        flow[r] += 1.0 / len(rows)
    weights_t = prop.weights.T.tocsr()
    for level in reversed(prop.levels):
        pushed = weights_t[:, level] @ flow[level]
        flow += pushed
    return flow


def _plan_stage(
    snapshot: Snapshot,
    *,
    flow: np.ndarray,
    stage: Stage,
    country: str,
    before: float,
    target: float,
    reach: float,
    tonnes: float | None,
) -> tuple[StagePlan, list[Move], list[Binding], str | None]:
    data, net = snapshot.data, snapshot.network
    alternatives = {
        company: site.countries.get(country, 0.0)
        for (company, st), site in sorted(data.sites.items())
        if st is stage and site.countries.get(country, 0.0) < 1.0
    }
    options: list[_Option] = []
    for p in np.flatnonzero(flow > 0):
        for v, w in net.children[int(p)].items():
            if net.stages[v] is not stage:
                continue
            share = sum(o.share for o in net.origins[v] if o.country == country)
            current = net.positions[v]
            now = data.prices.get((current.supplier, current.item)) if current.supplier else None
            for company, theirs in alternatives.items():
                if company != current.supplier and share - theirs > TOLERANCE:
                    then = data.prices.get((company, current.item))
                    options.append(
                        _Option(
                            int(p),
                            v,
                            company,
                            float(flow[p]) * w,
                            share - theirs,
                            now.usd_per_kg if now else None,
                            then.usd_per_kg if then else None,
                        )
                    )
    per_tonne = tonnes / reach if tonnes is not None and reach > 0 else None
    spare = {a: _spare(data, a, stage) for a in alternatives} if per_tonne is not None else {}
    if not options:
        missing = (
            f"no company outside {country} has a site at the {stage.value} stage"
            if not alternatives
            else f"no alternative has a lower share of {country} than the current supply"
        )
        met = before <= target + TOLERANCE
        plan = StagePlan(stage.value, before, before, before, met, tonnes, None if met else missing)
        return plan, [], [], None
    lowest_y = _solve(options, spare, per_tonne, goal=None, before=before)
    lowest = max(0.0, before - float(gain_of(options) @ lowest_y))
    goal = max(target, lowest)
    costs = _costs(options, per_tonne=per_tonne, reach=reach)
    unit = None
    if costs is None:
        y = _solve(options, spare, per_tonne, goal=goal, before=before)
    else:
        unit = COST_IN_TONNES if per_tonne is not None else COST_IN_SHARES
        cheapest = _solve(options, spare, per_tonne, goal=goal, before=before, cost=costs)
        least = float(costs @ cheapest)
        budget = least + 1e-9 * max(1.0, abs(least))
        y = _solve(options, spare, per_tonne, goal=goal, before=before, cost=costs, budget=budget)
    after = max(0.0, before - float(gain_of(options) @ y))
    used: dict[str, float] = defaultdict(float)
    grouped: dict[tuple[str, str, str | None, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    priced: dict[tuple[str, str, str | None, str], tuple[float | None, float | None]] = {}
    for k, (option, amount) in enumerate(zip(options, y, strict=True)):
        if amount <= TOLERANCE:
            continue
        parent, child = net.positions[option.parent], net.positions[option.position]
        consumer = parent.supplier or parent.item
        key = (consumer, child.item, child.supplier, option.supplier)
        grouped[key][0] += amount
        grouped[key][1] += amount * costs[k] if costs is not None else 0.0
        priced[key] = (option.price_from, option.price_to)
        used[option.supplier] += amount
    moves = [
        Move(
            stage=stage.value,
            consumer=snapshot.named(consumer),
            item=snapshot.named(item),
            supplier=snapshot.named(source) if source else None,
            to=snapshot.named(to),
            share=amount / reach,
            tonnes=amount * per_tonne if per_tonne is not None else None,
            usd_per_kg_from=priced[(consumer, item, source, to)][0],
            usd_per_kg_to=priced[(consumer, item, source, to)][1],
            extra_cost=extra if costs is not None else None,
        )
        for (consumer, item, source, to), (amount, extra) in sorted(grouped.items())
    ]
    binding = [
        Binding(
            stage=stage.value,
            supplier=snapshot.named(a),
            capacity=data.capacity.get((a, stage), 0.0),
            assigned=data.capacity.get((a, stage), 0.0) - spare[a],
            spare=spare[a],
        )
        for a in sorted(spare)
        if per_tonne is not None
        and used.get(a, 0.0) * per_tonne >= spare[a] - 1e-6
        and (used.get(a, 0.0) > TOLERANCE or lowest > target + TOLERANCE)
    ]
    met = after <= target + 1e-7
    reason = None
    if not met:
        full = ", ".join(f"{b.supplier.id} ({b.spare:g} t spare)" for b in binding)
        reason = (
            f"the alternatives' spare capacity runs out: {full}"
            if full
            else f"every part of the supply the alternatives can take from {country} is moved"
        )
    extra_cost = float(costs @ y) if costs is not None else None
    plan = StagePlan(
        stage.value,
        before,
        after,
        lowest,
        met,
        tonnes,
        reason,
        objective="cost" if costs is not None else "supply",
        extra_cost=extra_cost,
        cost_unit=unit,
    )
    return plan, moves, binding, _objective_note(snapshot, stage, options, extra_cost, unit)


COST_IN_TONNES = "USD a year"
COST_IN_SHARES = "USD per kg of the subject's supply"


def _costs(options: list[_Option], *, per_tonne: float | None, reach: float) -> np.ndarray | None:
    """Extra cost per unit of each option (None: some option lacks a price). A unit of flow
    is ``per_tonne`` tonnes (1000 kg each), or in shares ``1 / reach`` of the stage."""
    if any(o.price_from is None or o.price_to is None for o in options):
        return None
    scale = per_tonne * 1000.0 if per_tonne is not None else 1.0 / reach if reach > 0 else 0.0
    return np.array([(o.price_to or 0.0) - (o.price_from or 0.0) for o in options]) * scale


def _objective_note(
    snapshot: Snapshot,
    stage: Stage,
    options: list[_Option],
    extra_cost: float | None,
    unit: str | None,
) -> str:
    if extra_cost is not None:
        return (
            f"the {stage.value} plan is the least extra cost, {extra_cost:,.6g} {unit} (every "
            "alternative and the supply it would replace has a price)"
        )
    if not snapshot.data.prices:
        return f"the {stage.value} plan moves the least supply: the graph holds no prices"
    net = snapshot.network
    missing: set[str] = set()
    for o in options:
        current = net.positions[o.position]
        if o.price_from is None:
            missing.add(f"{current.item} from {current.supplier or 'the market'}")
        if o.price_to is None:
            missing.add(f"{current.item} from {o.supplier}")
    listed = sorted(missing)
    shown = ", ".join(listed[:3]) + (f" and {len(listed) - 3} more" if len(listed) > 3 else "")
    return f"the {stage.value} plan moves the least supply: no price in the graph for {shown}"


def gain_of(options: list[_Option]) -> np.ndarray:
    return np.array([o.gain for o in options])


def _solve(
    options: list[_Option],
    spare: dict[str, float],
    per_tonne: float | None,
    *,
    goal: float | None,
    before: float,
    cost: np.ndarray | None = None,
    budget: float | None = None,
) -> np.ndarray:
    """Amounts per option: with ``goal`` None the largest reduction; otherwise what brings
    the share to ``goal`` at the least ``cost`` (when given without a ``budget``), else the
    least amount moved (within ``budget`` of ``cost`` when given)."""
    n = len(options)
    gain = gain_of(options)
    rows: list[np.ndarray] = []
    bounds: list[float] = []
    by_edge: dict[tuple[int, int], list[int]] = defaultdict(list)
    for k, o in enumerate(options):
        by_edge[(o.parent, o.position)].append(k)
    for (_, _), ks in by_edge.items():
        row = np.zeros(n)
        row[ks] = 1.0
        rows.append(row)
        bounds.append(options[ks[0]].limit)
    if per_tonne is not None:
        for supplier, tonnes in spare.items():
            row = np.zeros(n)
            row[[k for k, o in enumerate(options) if o.supplier == supplier]] = per_tonne
            rows.append(row)
            bounds.append(tonnes)
    if goal is None:
        objective = -gain
    else:
        objective = cost if cost is not None and budget is None else np.ones(n)
        rows.append(-gain)
        bounds.append(goal - before + 1e-10)
        if cost is not None and budget is not None:
            rows.append(cost)
            bounds.append(budget)
    result = linprog(
        objective, A_ub=np.array(rows), b_ub=np.array(bounds), bounds=(0, None), method="highs"
    )
    if result.status != 0:
        raise QueryError(f"the mitigation programme did not solve: {result.message}")
    return np.asarray(result.x, dtype=np.float64)


def _tonnes_at(data: SupplyData, holder: str, stage: Stage) -> float | None:
    """The holder's tonnes a year of the stage's items, or None where the graph has none."""
    found = [
        t
        for item in sorted(data.items)
        if data.items[item].stage is stage
        for t in [_tonnes_of(data, _volumes(data), holder, item)]
        if t is not None
    ]
    return sum(found) if found else None


def _tonnes_of(
    data: SupplyData, volumes: dict[tuple[str, str], float], holder: str, item: str
) -> float | None:
    """A company's tonnes of an item; a product's, its OEMs' shared equally among each
    OEM's products (CONSUMES links only companies and countries to items)."""
    if (holder, item) in volumes:
        return volumes[(holder, item)]
    oems = [o for o in data.oems.get(holder, []) if (o, item) in volumes]
    if not oems:
        return None
    made = {o: sum(o in makers for makers in data.oems.values()) for o in oems}
    return sum(volumes[(o, item)] / made[o] for o in oems)


def _volumes(data: SupplyData) -> dict[tuple[str, str], float]:
    """(holder, item): the best non-forecast CONSUMES figure in tonnes."""
    best: dict[tuple[str, str], tuple[tuple[int, int, str], float]] = {}
    for v in data.volumes:
        if v.kind == "forecast" or v.item not in data.items:
            continue
        key = (-CONFIDENCE_RANK.get(v.fact.confidence or "", 0), -(v.fact.year or 0), v.kind)
        current = best.get((v.holder, v.item))
        if current is None or key < current[0]:
            best[(v.holder, v.item)] = (key, v.tonnes)
    return {k: t for k, (_, t) in best.items()}


def _spare(data: SupplyData, supplier: str, stage: Stage) -> float:
    """Capacity less the tonnes sourcing links already assign to the supplier."""
    volumes = _volumes(data)
    assigned = 0.0
    for (consumer, item), links in data.sourcing.items():
        known = data.items.get(item)
        if known is None or known.stage is not stage:
            continue
        tonnes = _tonnes_of(data, volumes, consumer, item)
        for link, part in split_links(links)[0]:
            if link.supplier == supplier and tonnes is not None:
                assigned += part * tonnes
    return max(0.0, data.capacity.get((supplier, stage), 0.0) - assigned)
