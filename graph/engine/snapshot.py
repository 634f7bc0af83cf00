"""Answers to the analysts' questions, from one solved snapshot of the graph.

``Snapshot`` is built once per graph version (see graph.snapshots) and answers from
memory: exposure and dependents (graph.engine.propagation), concentration
(graph.engine.concentration) and export-control scenarios (graph.engine.scenario). OEMs
and end uses are answered as the unweighted mean over their products, since unit volumes
are not in the graph.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from graph.engine import scenario as sc
from graph.engine.answers import (
    CarriedPath,
    Concentration,
    CountryShare,
    Dependent,
    Exposure,
    GroupImpact,
    Named,
    PathStep,
    ProductImpact,
    Scenario,
    SourceInfo,
    StageShare,
    VolumeImpact,
)
from graph.engine.concentration import CRMA_BENCHMARK, concentration, pick
from graph.engine.facts import SupplyData
from graph.engine.network import Basis, Network, Position, build_network
from graph.engine.propagation import (
    BASES,
    STAGES,
    propagate,
    reachable,
    through_exposure,
    top_routes,
)
from graph.errors import NotFound, QueryError
from graph.model import Label, Stage
from graph.records import GraphVersion

EPSILON = 1e-12


class SubjectKind(StrEnum):
    PRODUCT = "product"
    OEM = "oem"
    END_USE = "end_use"


class Snapshot:
    def __init__(self, data: SupplyData, version: GraphVersion) -> None:
        self.data = data
        self.version = version
        self._named: dict[str, Named] = {}
        self.network: Network = build_network(data)
        self.propagation = propagate(self.network)
        self.products = sorted(i for i, item in data.items.items() if item.label is Label.PRODUCT)
        self._product_rows = np.array([self._row(p) for p in self.products], dtype=np.int64)
        self._end_uses_of = {p: self._end_uses(p) for p in self.products}
        self._total: npt.NDArray[np.float64] = self.propagation.exposure.sum(axis=1)

    # -- naming and lookup -------------------------------------------------------------

    def named(self, node_id: str) -> Named:
        found = self._named.get(node_id)
        if found is None:
            label = self.data.labels.get(node_id)
            found = Named(
                node_id, self.data.names.get(node_id, node_id), label.value if label else ""
            )
            self._named[node_id] = found
        return found

    def source(self, source_id: str) -> SourceInfo:
        props = self.data.sources.get(source_id, {})
        return SourceInfo(
            source_id,
            str(props.get("title") or source_id),
            props.get("publisher"),
            props.get("date"),
            props.get("url"),
        )

    def _country(self, country: str) -> int | None:
        if self.data.labels.get(country) is not Label.COUNTRY:
            raise NotFound(f"no country '{country}' in the graph; use an ISO 3166 alpha-2 code")
        return self.propagation.country_index(country)

    def _row(self, item: str) -> int:
        return self.network.index[Position(item)]

    def _subject_products(self, subject: str) -> tuple[list[int], tuple[Named, ...]]:
        """The positions an answer about ``subject`` averages over, and its products."""
        label = self.data.labels.get(subject)
        if subject in self.data.items:
            return [self._row(subject)], ()
        if label is Label.COMPANY:
            products = [p for p in self.products if subject in self.data.oems.get(p, [])]
        elif label is Label.END_USE:
            products = [p for p in self.products if subject in self._end_uses_of[p]]
        else:
            raise NotFound(
                f"no product, component, magnet type, material, OEM or end use with id '{subject}'"
            )
        if not products:
            raise QueryError(f"'{subject}' has no products in the graph")
        return [self._row(p) for p in products], tuple(self.named(p) for p in products)

    # -- exposure ------------------------------------------------------------------------

    def exposure(self, subject: str, country: str, *, paths: int = 5) -> Exposure:
        c = self._country(country)
        rows, products = self._subject_products(subject)
        prop = self.propagation
        exposure = prop.exposure[rows].mean(axis=0)
        reach = prop.reach[rows].mean(axis=0)
        stages: list[StageShare] = []
        for s, stage in enumerate(STAGES):
            by_basis = [float(exposure[b, s, c]) if c is not None else 0.0 for b in range(2)]
            known = [float(exposure[b, s, :].sum()) for b in range(len(BASES))]
            stages.append(
                StageShare(
                    stage=stage,
                    share=sum(by_basis),
                    company_share=by_basis[0],
                    market_share=by_basis[1],
                    coverage=min(1.0, sum(known) / reach[s]) if reach[s] > EPSILON else 0.0,
                    basis=_basis(known),
                )
            )
        top = max(stages, key=lambda st: st.share)
        return Exposure(
            subject=self.named(subject),
            products=products,
            country=country,
            share=top.share,
            stage=top.stage if top.share > EPSILON else None,
            stages=tuple(stages),
            paths=self._paths(rows, country, paths) if c is not None else (),
            sources=self.sources_behind(rows),
            version=self.version,
        )

    def _paths(self, rows: list[int], country: str, limit: int) -> tuple[CarriedPath, ...]:
        found = [
            CarriedPath(
                tuple(self._step(i) for i in route.positions),
                route.stage,
                country,
                route.basis,
                route.weight / len(rows),
            )
            for v in rows
            for route in top_routes(self.network, v, country, limit=limit)
        ]
        return tuple(sorted(found, key=lambda p: -p.share)[:limit])

    def _step(self, i: int) -> PathStep:
        position = self.network.positions[i]
        supplier = self.named(position.supplier) if position.supplier else None
        return PathStep(self.named(position.item), supplier)

    def sources_behind(
        self, rows: Iterable[int], extra: Iterable[str] = ()
    ) -> tuple[SourceInfo, ...]:
        ids: set[str] = {s for s in extra if s}
        for v in rows:
            for i in reachable(self.network, v):
                ids |= self.network.sources[i]
        return tuple(self.source(s) for s in sorted(ids))

    # -- dependents ----------------------------------------------------------------------

    def item_targets(self, item: str) -> frozenset[int]:
        label = self.data.labels.get(item)
        if label is Label.ELEMENT:
            items = {i for i, elements in self.data.elements.items() if item in elements}
        elif item in self.data.items:
            items = set(sc.covered_items(self.data, frozenset({item})))
        else:
            raise NotFound(f"no element, material, magnet type or component with id '{item}'")
        return frozenset(i for i, p in enumerate(self.network.positions) if p.item in items)

    def _groups(self, kind: SubjectKind) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = defaultdict(list)
        for product in self.products:
            if kind is SubjectKind.PRODUCT:
                keys = [product]
            elif kind is SubjectKind.OEM:
                keys = self.data.oems.get(product, [])
            else:
                keys = self._end_uses_of[product]
            for key in keys:
                groups[key].append(product)
        return groups

    def _per_stage(self, item: str | None) -> npt.NDArray[np.float64]:
        """Shares by position, stage and country (both bases): through ``item`` if given."""
        if item is None:
            return self._total
        return through_exposure(self.propagation, self.item_targets(item))

    def stage_table(
        self, item: str | None = None, kind: SubjectKind = SubjectKind.PRODUCT
    ) -> list[tuple[Named, npt.NDArray[np.float64]]]:
        """For each product (or OEM, or end use): a stages x countries matrix of shares,
        columns in the order of ``countries``."""
        per_stage = self._per_stage(item)
        return [
            (self.named(key), per_stage[[self._row(p) for p in products]].mean(axis=0))
            for key, products in sorted(self._groups(kind).items())
        ]

    @property
    def product_rows(self) -> npt.NDArray[np.int64]:
        """Network rows of the products, in the order of ``products``."""
        return self._product_rows

    @property
    def countries(self) -> tuple[str, ...]:
        return self.propagation.countries

    def dependents(
        self,
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
        c = self._country(country)
        if c is None:
            return []
        per_stage = self._per_stage(item)[:, :, c]
        if kind is SubjectKind.PRODUCT:
            keys = self.products
            table = per_stage[self._product_rows]
            members = [[p] for p in self.products]
        else:
            groups = sorted(self._groups(kind).items())
            keys = [key for key, _ in groups]
            table = np.array(
                [per_stage[[self._row(p) for p in products]].mean(axis=0) for _, products in groups]
            ).reshape(len(groups), len(STAGES))
            members = [products for _, products in groups]
        best_stage = table.argmax(axis=1)
        best = table[np.arange(len(keys)), best_stage]
        order = sorted(
            (i for i in np.flatnonzero(best > EPSILON)), key=lambda i: (-best[i], keys[i])
        )
        out = []
        for i in order[:limit]:
            products = members[i]
            out.append(
                Dependent(
                    subject=self.named(keys[i]),
                    share=float(best[i]),
                    stage=STAGES[int(best_stage[i])],
                    oems=_names(self, {o for p in products for o in self.data.oems.get(p, [])}),
                    end_uses=_names(self, {e for p in products for e in self._end_uses_of[p]}),
                    products=_names(self, set(products)),
                )
            )
        return out

    def _end_uses(self, product: str) -> list[str]:
        """The product's own end uses, or else those of what it directly contains."""
        direct = self.data.end_uses.get(product, [])
        if direct:
            return list(direct)
        found = {
            e
            for edge in self.data.bom.get(product, [])
            for e in self.data.end_uses.get(edge.child, [])
        }
        return sorted(found)

    # -- concentration -------------------------------------------------------------------

    def concentration(
        self,
        *,
        item: str | None = None,
        stage: Stage | None = None,
        year: int | None = None,
        threshold: float = CRMA_BENCHMARK,
    ) -> list[Concentration]:
        if not 0.0 <= threshold <= 1.0:
            raise QueryError(f"threshold must be between 0 and 1, got {threshold}")
        if item is not None and item not in self.data.items:
            raise NotFound(f"no material, magnet type or component with id '{item}'")
        items = [item] if item is not None else sorted(self.data.market_sets)
        out = []
        for i in items:
            if stage is not None and self.data.items[i].stage is not stage:
                continue
            mix = pick(self.data.market_sets.get(i, []), year)
            if mix is None:
                continue
            result = concentration(mix, threshold=threshold)
            out.append(
                Concentration(
                    item=self.named(i),
                    stage=self.data.items[i].stage,
                    year=result.year,
                    shares=tuple(CountryShare(c, s) for c, s in result.shares),
                    hhi=result.hhi,
                    top1=result.top1,
                    top3=result.top3,
                    coverage=result.coverage,
                    threshold=threshold,
                    flagged=result.flagged,
                    source=self.source(result.source) if result.source else None,
                    confidence=result.confidence,
                )
            )
        return out

    # -- scenarios -----------------------------------------------------------------------

    def scenario(
        self,
        *,
        control: str | None = None,
        issuer: str | None = None,
        items: list[str] | None = None,
        approval_rate: float = 0.0,
        start: date | None = None,
        duration_weeks: float = 8.0,
        as_of: date | None = None,
    ) -> Scenario:
        if not 0.0 <= approval_rate <= 1.0:
            raise QueryError(f"approvalRate must be between 0 and 1, got {approval_rate}")
        if duration_weeks < 0:
            raise QueryError(f"durationWeeks must not be negative, got {duration_weeks}")
        regime = self._control(control, issuer, items)
        self._country(regime.issuer)
        first_day = (
            start
            or (
                date.fromisoformat(regime.effective)
                if regime.effective and len(regime.effective) == 10
                else None
            )
            or date.today()
        )
        day = as_of or first_day
        in_force, status = sc.status_on(regime, day)
        covered = sc.covered_items(self.data, regime.items)
        impacts: list[ProductImpact] = []
        volumes: list[VolumeImpact] = []
        if in_force:
            controlled = sc.controlled_fraction(
                self.network, self.propagation, regime.issuer, covered
            )
            impacts = self._impacts(controlled, approval_rate, first_day, duration_weeks)
            volumes = self._volumes(controlled, approval_rate)
        by_oem: dict[str, list[float]] = defaultdict(list)
        by_use: dict[str, list[float]] = defaultdict(list)
        for impact in impacts:
            for oem in impact.oems:
                by_oem[oem.id].append(impact.shortfall)
            for use in impact.end_uses:
                by_use[use.id].append(impact.shortfall)
        rows = [self._row(i.product.id) for i in impacts]
        extra = [regime.source or "", *(v.source or "" for v in volumes)]
        return Scenario(
            control=self.named(regime.id) if regime.id else None,
            issuer=regime.issuer,
            items=_names(self, set(regime.items)),
            covered=_names(self, set(covered)),
            approval_rate=approval_rate,
            start=first_day.isoformat(),
            duration_weeks=duration_weeks,
            as_of=day.isoformat(),
            in_force=in_force,
            status=status,
            products=tuple(impacts),
            oems=_groups(self, by_oem),
            end_uses=_groups(self, by_use),
            volumes=tuple(volumes),
            sources=self.sources_behind(rows, extra),
            version=self.version,
        )

    def _control(
        self, control: str | None, issuer: str | None, items: list[str] | None
    ) -> sc.Control:
        if control is not None:
            regime = sc.control_from_graph(self.data, control)
            if items:
                regime = sc.Control(**{**regime.__dict__, "items": frozenset(items)})
            return regime
        if issuer is None or not items:
            raise QueryError("give a control id, or an issuer and the items it controls")
        return sc.Control(id=None, name="custom control", issuer=issuer, items=frozenset(items))

    def _impacts(
        self,
        controlled: npt.NDArray[np.float64],
        approval_rate: float,
        start: date,
        duration_weeks: float,
    ) -> list[ProductImpact]:
        out = []
        for product in self.products:
            v = self._row(product)
            share = float(controlled[v])
            if share <= EPSILON:
                continue
            shortfall = share * (1.0 - approval_rate)
            tree = {self.network.positions[i].item for i in reachable(self.network, v)}
            cover = sc.stock_cover(self.data, product, tree)
            weeks = sc.weeks_to_stockout(cover, shortfall)
            out.append(
                ProductImpact(
                    product=self.named(product),
                    controlled=share,
                    shortfall=shortfall,
                    oems=_names(self, set(self.data.oems.get(product, []))),
                    end_uses=_names(self, set(self._end_uses_of[product])),
                    cover_weeks=(cover.weeks, cover.weeks_high) if cover else None,
                    weeks_to_stockout=weeks,
                    stockout_dates=(
                        sc.add_weeks(start, weeks[0]).isoformat(),
                        sc.add_weeks(start, weeks[1]).isoformat(),
                    )
                    if weeks
                    else None,
                    runs_out_within_duration=weeks[0] <= duration_weeks if weeks else None,
                )
            )
        return sorted(out, key=lambda i: (-i.shortfall, i.product.id))

    def _volumes(
        self, controlled: npt.NDArray[np.float64], approval_rate: float
    ) -> list[VolumeImpact]:
        out = []
        for volume in self.data.volumes:
            if volume.item not in self.data.items:
                continue
            share = float(controlled[self._row(volume.item)])
            out.append(
                VolumeImpact(
                    holder=self.named(volume.holder),
                    item=self.named(volume.item),
                    kind=volume.kind,
                    year=volume.fact.year,
                    tonnes=volume.tonnes,
                    shortfall_tonnes=volume.tonnes * share * (1.0 - approval_rate),
                    scope=volume.scope,
                    source=volume.fact.source,
                )
            )
        return sorted(out, key=lambda v: (-v.shortfall_tonnes, v.holder.id, v.item.id))


def _names(snapshot: Snapshot, ids: set[str]) -> tuple[Named, ...]:
    return tuple(snapshot.named(i) for i in sorted(ids))


def _groups(snapshot: Snapshot, shortfalls: dict[str, list[float]]) -> tuple[GroupImpact, ...]:
    groups = [GroupImpact(snapshot.named(k), max(v), len(v)) for k, v in shortfalls.items()]
    return tuple(sorted(groups, key=lambda g: (-g.shortfall, g.entity.id)))


def _basis(known: list[float]) -> str:
    company, market = (k > EPSILON for k in known)
    if company and market:
        return "mixed"
    if company:
        return Basis.COMPANY.value
    if market:
        return Basis.MARKET.value
    return "none"
