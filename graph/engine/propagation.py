"""Share-weighted exposure by linear propagation over the supply network.

For every position v, stage s and country c, ``E[v, s, c]`` is the fraction of v's
rare-earth content whose stage-s step happened in c: the sum over all routes from v of the
product of edge shares times the origin share at the end. On a DAG that is
``E = O + W E``, solved once in reverse topological order, so the cost is linear in edges
(never enumerating paths). Pure: no I/O.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from graph.engine.network import Basis, Network, OriginShare
from graph.errors import CycleError
from graph.model import Stage

STAGES: tuple[Stage, ...] = tuple(Stage)
BASES: tuple[Basis, ...] = (Basis.COMPANY, Basis.MARKET)

Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Propagation:
    """The solved network: ``exposure[v, b, s, c]`` by basis, and ``reach[v, s]``, the
    fraction of v's content that reaches stage s at all (known origin or not)."""

    countries: tuple[str, ...]
    exposure: Array
    reach: Array
    weights: sp.csr_array
    levels: tuple[npt.NDArray[np.int64], ...]

    def country_index(self, country: str) -> int | None:
        try:
            return self.countries.index(country)
        except ValueError:
            return None


def weight_matrix(net: Network) -> sp.csr_array:
    n = len(net.positions)
    rows = [i for i, children in enumerate(net.children) for _ in children]
    cols = [j for children in net.children for j in children]
    vals = [w for children in net.children for w in children.values()]
    return sp.csr_array((np.array(vals, dtype=np.float64), (rows, cols)), shape=(n, n))


def find_cycles(net: Network, weights: sp.csr_array) -> list[list[str]]:
    """Strongly connected groups of positions (and self-loops): supply that feeds itself."""
    n = weights.shape[0]
    if n == 0:
        return []
    count, labels = connected_components(weights, directed=True, connection="strong")
    sizes = np.bincount(labels, minlength=count)
    cycles: list[list[str]] = []
    for group in np.flatnonzero(sizes > 1):
        members = np.flatnonzero(labels == group)
        cycles.append(sorted(_describe(net, int(i)) for i in members))
    for i in np.flatnonzero(weights.diagonal()):
        if sizes[labels[i]] == 1:
            cycles.append([_describe(net, int(i))])
    return cycles


def _describe(net: Network, i: int) -> str:
    position = net.positions[i]
    if position.supplier is None:
        return position.item
    return f"{position.item}@{position.supplier}"


def topological_levels(weights: sp.csr_array) -> tuple[npt.NDArray[np.int64], ...]:
    """Positions grouped so that each group's children are all in earlier groups."""
    n = weights.shape[0]
    out_degree = np.diff(weights.indptr).astype(np.int64)
    parents = weights.T.tocsr()
    frontier = np.flatnonzero(out_degree == 0)
    levels: list[npt.NDArray[np.int64]] = []
    remaining = out_degree.copy()
    done = 0
    while frontier.size:
        levels.append(frontier)
        done += frontier.size
        start, stop = parents.indptr[frontier], parents.indptr[frontier + 1]
        touched = (
            np.concatenate([parents.indices[a:b] for a, b in zip(start, stop, strict=True)])
            if frontier.size
            else np.empty(0, dtype=np.int64)
        )
        np.subtract.at(remaining, touched, 1)
        candidates = np.unique(touched)
        frontier = candidates[remaining[candidates] == 0]
    if done != n:
        raise RuntimeError("cycle survived the cycle check")
    return tuple(levels)


def propagate(net: Network) -> Propagation:
    weights = weight_matrix(net)
    cycles = find_cycles(net, weights)
    if cycles:
        raise CycleError(cycles)
    levels = topological_levels(weights)
    shared = _shared_origins(net)
    countries = tuple(sorted({o.country for origins, _, _ in shared for o in origins}))
    c_index = {c: k for k, c in enumerate(countries)}
    n, n_stages, n_countries = len(net.positions), len(STAGES), len(countries)
    split = len(BASES) * n_stages * n_countries
    origin = np.zeros((n, split + n_stages))
    stage_of = np.array([s.order if s is not None else -1 for s in net.stages], dtype=np.int64)
    staged = np.flatnonzero(stage_of >= 0)
    origin[staged, split + stage_of[staged]] = 1.0
    rows, cols, values = _origin_entries(shared, c_index, n_stages)
    origin[rows, cols] = values
    solved = solve(weights, origin, levels)
    exposure = solved[:, :split].reshape(n, len(BASES), n_stages, n_countries)
    return Propagation(countries, exposure, solved[:, split:], weights, levels)


def _origin_entries(
    shared: list[tuple[list[OriginShare], Stage, list[int]]],
    c_index: dict[str, int],
    n_stages: int,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], Array]:
    """(row, column, share) for every origin of every position, as three arrays: each
    shared list is read once, then spread over its rows with numpy."""
    n_countries = len(c_index)
    sizes = np.array([len(origins) for origins, _, _ in shared], dtype=np.int64)
    counts = np.array([len(rows) for _, _, rows in shared], dtype=np.int64)
    total = int(sizes.sum())
    country = np.fromiter(
        (c_index[o.country] for origins, _, _ in shared for o in origins), np.int64, total
    )
    basis = np.fromiter(
        (BASES.index(o.basis) for origins, _, _ in shared for o in origins), np.int64, total
    )
    share = np.fromiter((o.share for origins, _, _ in shared for o in origins), np.float64, total)
    stage = np.repeat(np.array([st.order for _, st, _ in shared], dtype=np.int64), sizes)
    entry_cols = (basis * n_stages + stage) * n_countries + country
    if not shared:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty(0)
    positions = np.concatenate([np.asarray(rows, dtype=np.int64) for _, _, rows in shared])
    per_row = np.repeat(sizes, counts)
    first_entry = np.repeat(np.cumsum(sizes) - sizes, counts)
    pairs = int(per_row.sum())
    offset = np.arange(pairs) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    entry = np.repeat(first_entry, per_row) + offset
    return np.repeat(positions, per_row), entry_cols[entry], share[entry]


def _shared_origins(net: Network) -> list[tuple[list[OriginShare], Stage, list[int]]]:
    """Positions grouped by the origin list they share (one per item, or per company and
    item), so the origin matrix is filled one group at a time, not one row at a time."""
    groups: dict[tuple[int, Stage], tuple[list[OriginShare], Stage, list[int]]] = {}
    for i, origins in enumerate(net.origins):
        stage = net.stages[i]
        if stage is None or not origins:
            continue
        key = (id(origins), stage)
        if key not in groups:
            groups[key] = (origins, stage, [])
        groups[key][2].append(i)
    return list(groups.values())


def solve(weights: sp.csr_array, origin: Array, levels: tuple[npt.NDArray[np.int64], ...]) -> Array:
    """X = O + W X on a DAG, one topological level at a time: each edge is used once.

    Solves in place: ``origin`` becomes the answer (callers pass a fresh array; at 1M
    edges it is hundreds of MB, so no copy)."""
    for level in levels[1:]:
        origin[level] += weights[level] @ origin
    return origin


@dataclass(frozen=True)
class Route:
    """One route from a position to a country: the positions passed and its weight."""

    positions: tuple[int, ...]
    stage: Stage
    basis: Basis
    weight: float


def top_routes(
    net: Network,
    start: int,
    country: str,
    *,
    limit: int = 5,
    max_expansions: int = 20000,
    through: frozenset[int] | None = None,
) -> list[Route]:
    """The heaviest routes from ``start`` that end at an origin in ``country``.

    Best-first: a prefix's weight bounds every route that extends it, so the search stops
    once no open prefix can beat the ``limit``-th route found. With ``through``, only routes
    that pass a position in that set count.
    """
    if limit <= 0:
        return []
    found: list[tuple[float, int, Route]] = []
    counter = 0
    heap: list[tuple[float, int, tuple[int, ...], bool]] = [
        (-1.0, 0, (start,), through is None or start in through)
    ]
    expansions = 0
    while heap and expansions < max_expansions:
        neg, _, path, passed = heapq.heappop(heap)
        prefix = -neg
        if len(found) >= limit and prefix <= found[0][0]:
            break
        expansions += 1
        v = path[-1]
        stage = net.stages[v]
        if passed and stage is not None:
            for origin in net.origins[v]:
                if origin.country != country or origin.share <= 0:
                    continue
                route = Route(path, stage, origin.basis, prefix * origin.share)
                counter += 1
                entry = (route.weight, counter, route)
                if len(found) < limit:
                    heapq.heappush(found, entry)
                elif route.weight > found[0][0]:
                    heapq.heapreplace(found, entry)
        for child, weight in net.children[v].items():
            counter += 1
            child_passed = passed or (through is not None and child in through)
            heapq.heappush(heap, (-(prefix * weight), counter, (*path, child), child_passed))
    return [entry[2] for entry in sorted(found, key=lambda e: (-e[0], e[1]))]


def reachable(net: Network, start: int) -> list[int]:
    seen = {start}
    stack = [start]
    while stack:
        v = stack.pop()
        for child in net.children[v]:
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return sorted(seen)


def through_exposure(prop: Propagation, targets: frozenset[int]) -> Array:
    """Exposure that passes through ``targets`` (first hit): ``F = T + W' F`` where the
    target rows keep their full exposure and lose their outgoing edges."""
    n = prop.exposure.shape[0]
    mask = np.zeros(n, dtype=bool)
    if targets:
        mask[list(targets)] = True
    total = prop.exposure.sum(axis=1).reshape(n, -1)
    origin = np.where(mask[:, None], total, 0.0)
    keep = sp.diags_array((~mask).astype(np.float64))
    cut = sp.csr_array(keep @ prop.weights)
    return solve(cut, origin, prop.levels).reshape(n, len(STAGES), len(prop.countries))
