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

from graph.errors import CycleError
from graph.model import Stage
from graph.network import Basis, Network

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
    countries = tuple(sorted({o.country for origins in net.origins for o in origins}))
    c_index = {c: k for k, c in enumerate(countries)}
    n, n_stages, n_countries = len(net.positions), len(STAGES), len(countries)
    width = len(BASES) * n_stages * n_countries + n_stages
    origin = np.zeros((n, width))
    for i, origins in enumerate(net.origins):
        stage = net.stages[i]
        if stage is None:
            continue
        s = stage.order
        origin[i, len(BASES) * n_stages * n_countries + s] = 1.0
        for o in origins:
            b = BASES.index(o.basis)
            origin[i, (b * n_stages + s) * n_countries + c_index[o.country]] += o.share
    solved = solve(weights, origin, levels)
    split = len(BASES) * n_stages * n_countries
    exposure = solved[:, :split].reshape(n, len(BASES), n_stages, n_countries)
    return Propagation(countries, exposure, solved[:, split:], weights, levels)


def solve(weights: sp.csr_array, origin: Array, levels: tuple[npt.NDArray[np.int64], ...]) -> Array:
    """X = O + W X on a DAG, one topological level at a time: each edge is used once."""
    solved = origin.copy()
    for level in levels[1:]:
        solved[level] += weights[level] @ solved
    return solved


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
