"""Dependents: every product (or OEM, or end use) that depends on a country, ranked by
its highest stage share, optionally only through one item or element; and the full
stages x countries table behind it, which the audit reads.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from graph.engine.answers import EPSILON, Dependent, Named, SubjectKind
from graph.engine.controls import covered_items
from graph.engine.exposure import stage_basis
from graph.engine.propagation import STAGES, element_exposure, through_exposure
from graph.errors import NotFound, QueryError
from graph.model import Label

if TYPE_CHECKING:
    from graph.engine.snapshot import Snapshot


def dependents(
    snapshot: Snapshot,
    country: str,
    item: str | None = None,
    kind: SubjectKind = SubjectKind.PRODUCT,
    *,
    limit: int | None = None,
) -> list[Dependent]:
    """Products (or OEMs, or end uses) depending on ``country``, for ``item`` if given:
    ranked by their highest stage share; the first ``limit`` of them if given."""
    if limit is not None and limit < 1:
        raise QueryError(f"limit must be at least 1, got {limit}")
    c = snapshot.country_column(country)
    if c is None:
        return []
    by_basis = _per_stage(snapshot, item)[:, :, :, c]
    if kind is SubjectKind.PRODUCT:
        keys = snapshot.products
        split = by_basis[snapshot.product_rows]
        members = [[p] for p in snapshot.products]
    else:
        groups = sorted(_groups(snapshot, kind).items())
        keys = [key for key, _ in groups]
        split = np.array(
            [by_basis[[snapshot.row(p) for p in products]].mean(axis=0) for _, products in groups]
        ).reshape(len(groups), len(snapshot.propagation.bases), len(STAGES))
        members = [products for _, products in groups]
    table = split.sum(axis=1)
    best_stage = table.argmax(axis=1)
    best = table[np.arange(len(keys)), best_stage]
    order = sorted((i for i in np.flatnonzero(best > EPSILON)), key=lambda i: (-best[i], keys[i]))
    out = []
    for i in order[:limit]:
        products = members[i]
        out.append(
            Dependent(
                subject=snapshot.named(keys[i]),
                share=float(best[i]),
                stage=STAGES[int(best_stage[i])],
                basis=stage_basis(
                    {
                        basis: float(split[i, b, best_stage[i]])
                        for b, basis in enumerate(snapshot.propagation.bases)
                    }
                ),
                oems=snapshot.names(o for p in products for o in snapshot.data.oems.get(p, [])),
                end_uses=snapshot.names(e for p in products for e in snapshot.end_uses_of[p]),
                products=snapshot.names(products),
            )
        )
    return out


def stage_table(
    snapshot: Snapshot, item: str | None = None, kind: SubjectKind = SubjectKind.PRODUCT
) -> list[tuple[Named, npt.NDArray[np.float64]]]:
    """For each product (or OEM, or end use): a stages x countries matrix of shares,
    columns in the order of ``snapshot.countries``."""
    per_stage = _per_stage(snapshot, item).sum(axis=1)
    return [
        (snapshot.named(key), per_stage[[snapshot.row(p) for p in products]].mean(axis=0))
        for key, products in sorted(_groups(snapshot, kind).items())
    ]


def item_targets(snapshot: Snapshot, item: str) -> frozenset[int]:
    """The positions of ``item`` with its grades; for an element, of the materials that
    hold it in a controlled form (oxide, compound, metal, alloy): one rule with scenarios."""
    data = snapshot.data
    if data.labels.get(item) is not Label.ELEMENT and item not in data.items:
        raise NotFound(f"no element, material, magnet type or component with id '{item}'")
    items = covered_items(data, frozenset({item}))
    return frozenset(i for i, p in enumerate(snapshot.network.positions) if p.item in items)


def _per_stage(snapshot: Snapshot, item: str | None) -> npt.NDArray[np.float64]:
    """Shares by position, basis, stage and country: through ``item`` if given.

    Through an element: the flow through the materials that hold it, and a magnet's own
    step only for the element's share of it (the part of its bill of materials that goes
    into those materials; nothing where the bill of materials does not say)."""
    if item is None:
        return snapshot.propagation.exposure
    targets = item_targets(snapshot, item)
    if snapshot.data.labels.get(item) is not Label.ELEMENT:
        return through_exposure(snapshot.propagation, targets)
    holding = {i for i, elements in snapshot.data.elements.items() if item in elements}
    holders = frozenset(i for i, p in enumerate(snapshot.network.positions) if p.item in holding)
    return element_exposure(snapshot.network, snapshot.propagation, targets, holders - targets)


def _groups(snapshot: Snapshot, kind: SubjectKind) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for product in snapshot.products:
        if kind is SubjectKind.PRODUCT:
            keys = [product]
        elif kind is SubjectKind.OEM:
            keys = snapshot.data.oems.get(product, [])
        else:
            keys = snapshot.end_uses_of[product]
        for key in keys:
            groups[key].append(product)
    return groups
