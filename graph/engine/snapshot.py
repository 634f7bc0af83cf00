"""One solved snapshot of the graph: the core every question shares.

``Snapshot`` is built once per graph version (see graph.snapshots). It holds the supply
facts, the network and its propagation (solved on first use), and the naming, source and
subject look-ups. Each question lives in its own module and takes the snapshot:
graph.engine.exposure, .dependents, .concentration, .controls, .scenario, .mitigate and
.watch (and graph.engine.audit, which asks the others). The methods below delegate to
them so callers ask ``snapshot.exposure(...)``.

Nothing here reads a clock: a question that depends on the date takes ``today``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import date

import numpy as np
import numpy.typing as npt

from graph.engine import concentration as _concentration
from graph.engine import controls as _controls
from graph.engine import dependents as _dependents
from graph.engine import exposure as _exposure
from graph.engine import mitigate as _mitigate
from graph.engine import scenario as _scenario
from graph.engine import watch as _watch
from graph.engine.answers import (
    Concentration,
    ControlStatus,
    Dependent,
    Exposure,
    Named,
    Scenario,
    SourceInfo,
    SubjectKind,
)
from graph.engine.concentration import CRMA_BENCHMARK
from graph.engine.facts import SupplyData
from graph.engine.network import Network, Position, build_network
from graph.engine.propagation import Propagation, propagate, reachable
from graph.errors import NotFound, QueryError
from graph.model import Label, Stage
from graph.records import GraphVersion


class Snapshot:
    def __init__(self, data: SupplyData, version: GraphVersion) -> None:
        self.data = data
        self.version = version
        self._named: dict[str, Named] = {}
        self.network: Network = build_network(data)
        self._propagation: Propagation | None = None
        self._solving = threading.Lock()
        self.products = sorted(i for i, item in data.items.items() if item.label is Label.PRODUCT)
        self._product_rows = np.array([self.row(p) for p in self.products], dtype=np.int64)
        self.end_uses_of: dict[str, list[str]] = {p: self._end_uses(p) for p in self.products}
        """Each product's end uses: its own, or else those of what it directly contains."""

    @property
    def propagation(self) -> Propagation:
        """The solved network, solved on first use: a question that needs only market
        shares (concentration, controls) answers even where a supply cycle makes the
        solve fail with CycleError."""
        with self._solving:
            if self._propagation is None:
                self._propagation = propagate(self.network)
            return self._propagation

    @property
    def total(self) -> npt.NDArray[np.float64]:
        """Shares by position, stage and country, both bases added."""
        total: npt.NDArray[np.float64] = self.propagation.exposure.sum(axis=1)
        return total

    # -- naming, sources and lookup ------------------------------------------------------

    def named(self, node_id: str) -> Named:
        found = self._named.get(node_id)
        if found is None:
            label = self.data.labels.get(node_id)
            found = Named(
                node_id, self.data.names.get(node_id, node_id), label.value if label else ""
            )
            self._named[node_id] = found
        return found

    def names(self, ids: Iterable[str]) -> tuple[Named, ...]:
        """The named entities of ``ids``, once each, in id order."""
        return tuple(self.named(i) for i in sorted(set(ids)))

    def source(self, source_id: str) -> SourceInfo:
        props = self.data.sources.get(source_id, {})
        return SourceInfo(
            source_id,
            str(props.get("title") or source_id),
            props.get("publisher"),
            props.get("date"),
            props.get("url"),
        )

    def sources_behind(
        self, rows: Iterable[int], extra: Iterable[str] = ()
    ) -> tuple[SourceInfo, ...]:
        """The sources of every position reachable from ``rows``, plus ``extra`` ids."""
        ids: set[str] = {s for s in extra if s}
        for v in rows:
            for i in reachable(self.network, v):
                ids |= self.network.sources[i]
        return tuple(self.source(s) for s in sorted(ids))

    def country_column(self, country: str) -> int | None:
        """The country's column in the propagation, None when no share reaches it;
        NotFound when the graph has no such country."""
        if self.data.labels.get(country) is not Label.COUNTRY:
            raise NotFound(f"no country '{country}' in the graph; use an ISO 3166 alpha-2 code")
        return self.propagation.country_index(country)

    def row(self, item: str) -> int:
        """The network row of an item as it is used (not as one supplier's output)."""
        return self.network.index[Position(item)]

    def subject_products(self, subject: str) -> tuple[list[int], tuple[Named, ...]]:
        """The rows an answer about ``subject`` averages over, and, for an OEM or end use,
        its products (an item answers for itself)."""
        label = self.data.labels.get(subject)
        if subject in self.data.items:
            return [self.row(subject)], ()
        if label is Label.COMPANY:
            products = [p for p in self.products if subject in self.data.oems.get(p, [])]
        elif label is Label.END_USE:
            products = [p for p in self.products if subject in self.end_uses_of[p]]
        else:
            raise NotFound(
                f"no product, component, magnet type, material, OEM or end use with id '{subject}'"
            )
        if not products:
            raise QueryError(f"'{subject}' has no products in the graph")
        return [self.row(p) for p in products], tuple(self.named(p) for p in products)

    @property
    def product_rows(self) -> npt.NDArray[np.int64]:
        """Network rows of the products, in the order of ``products``."""
        return self._product_rows

    @property
    def countries(self) -> tuple[str, ...]:
        return self.propagation.countries

    def _end_uses(self, product: str) -> list[str]:
        direct = self.data.end_uses.get(product, [])
        if direct:
            return list(direct)
        found = {
            e
            for edge in self.data.bom.get(product, [])
            for e in self.data.end_uses.get(edge.child, [])
        }
        return sorted(found)

    # -- the questions (one module each) -------------------------------------------------

    def exposure(self, subject: str, country: str, *, paths: int = 5) -> Exposure:
        return _exposure.exposure(self, subject, country, paths=paths)

    def dependents(
        self,
        country: str,
        item: str | None = None,
        kind: SubjectKind = SubjectKind.PRODUCT,
        *,
        limit: int | None = None,
    ) -> list[Dependent]:
        return _dependents.dependents(self, country, item, kind, limit=limit)

    def stage_table(
        self, item: str | None = None, kind: SubjectKind = SubjectKind.PRODUCT
    ) -> list[tuple[Named, npt.NDArray[np.float64]]]:
        return _dependents.stage_table(self, item, kind)

    def concentration(
        self,
        *,
        item: str | None = None,
        stage: Stage | None = None,
        year: int | None = None,
        threshold: float = CRMA_BENCHMARK,
    ) -> list[Concentration]:
        return _concentration.concentration(
            self, item=item, stage=stage, year=year, threshold=threshold
        )

    def scenario(
        self,
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
        return _scenario.scenario(
            self,
            today=today,
            control=control,
            issuer=issuer,
            items=items,
            approval_rate=approval_rate,
            start=start,
            duration_weeks=duration_weeks,
            as_of=as_of,
        )

    def controls(self, *, as_of: date) -> list[ControlStatus]:
        return _controls.control_statuses(self, as_of)

    def mitigate(
        self, subject: str, country: str, *, target: float, stage: Stage | None = None
    ) -> _mitigate.Mitigation:
        return _mitigate.mitigate(self, subject, country, target=target, stage=stage)

    def control_events(self, *, start: date, end: date) -> list[_watch.ControlEvent]:
        return _watch.control_events(self, start=start, end=end)
