"""Exposure: the share of a subject's rare-earth content that passes through a country,
stage by stage, with the heaviest routes that carry it and the sources behind it.

An OEM or end use answers as the unweighted mean over its products, since unit volumes
are not in the graph.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph.engine.answers import (
    EPSILON,
    CarriedPath,
    Exposure,
    PathStep,
    StageBasis,
    StageShare,
)
from graph.engine.network import Basis
from graph.engine.propagation import STAGES, top_routes
from graph.errors import QueryError

if TYPE_CHECKING:
    from graph.engine.snapshot import Snapshot


MAX_PATHS = 50


def exposure(snapshot: Snapshot, subject: str, country: str, *, paths: int = 5) -> Exposure:
    """``paths`` heaviest routes (0 to 50; 0 gives none)."""
    if not 0 <= paths <= MAX_PATHS:
        raise QueryError(f"paths must be between 0 and {MAX_PATHS}, got {paths}")
    c = snapshot.country_column(country)
    rows, products = snapshot.subject_products(subject)
    prop = snapshot.propagation
    mean = prop.exposure[rows].mean(axis=0)
    reach = prop.reach[rows].mean(axis=0)
    stages: list[StageShare] = []
    for s, stage in enumerate(STAGES):
        by_basis = {
            basis: float(mean[b, s, c]) if c is not None else 0.0
            for b, basis in enumerate(prop.bases)
        }
        known = {basis: float(mean[b, s, :].sum()) for b, basis in enumerate(prop.bases)}
        stages.append(
            StageShare(
                stage=stage,
                share=sum(by_basis.values()),
                company_share=by_basis[Basis.COMPANY],
                market_share=by_basis[Basis.MARKET],
                trade_share=by_basis.get(Basis.TRADE, 0.0),
                coverage=min(1.0, sum(known.values()) / reach[s]) if reach[s] > EPSILON else 0.0,
                basis=stage_basis(known),
            )
        )
    top = max(stages, key=lambda st: st.share)
    return Exposure(
        subject=snapshot.named(subject),
        products=products,
        country=country,
        share=top.share,
        stage=top.stage if top.share > EPSILON else None,
        stages=tuple(stages),
        paths=carried_paths(snapshot, rows, country, limit=paths) if c is not None else (),
        sources=snapshot.sources_behind(rows),
        version=snapshot.version,
    )


def carried_paths(
    snapshot: Snapshot, rows: list[int], country: str, *, limit: int
) -> tuple[CarriedPath, ...]:
    """The ``limit`` heaviest routes from ``rows`` to the country, weights averaged."""
    found = [
        CarriedPath(
            tuple(_step(snapshot, i) for i in route.positions),
            route.stage,
            country,
            route.basis,
            route.weight / len(rows),
        )
        for v in rows
        for route in top_routes(snapshot.network, v, country, limit=limit)
    ]
    return tuple(sorted(found, key=lambda p: -p.share)[:limit])


def _step(snapshot: Snapshot, i: int) -> PathStep:
    position = snapshot.network.positions[i]
    supplier = snapshot.named(position.supplier) if position.supplier else None
    return PathStep(snapshot.named(position.item), supplier)


def stage_basis(known: dict[Basis, float]) -> StageBasis:
    """From the known shares by basis of one stage: the one basis used, ``mixed`` for
    more than one, ``none`` for none."""
    used = [basis for basis, share in known.items() if share > EPSILON]
    if len(used) > 1:
        return StageBasis.MIXED
    return StageBasis(used[0].value) if used else StageBasis.NONE
