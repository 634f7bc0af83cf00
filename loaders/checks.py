"""Checks across rows, whatever the input format: repeated facts, shares above 1, supply cycles.

Each check keeps a compact state per fact (64-bit hashes and packed origins, not records), so
a file of millions of rows is checked in bounded memory; what the store already holds counts
too (its shares, its bill-of-materials edges).
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Mapping
from hashlib import blake2b

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from graph.errors import Problem
from graph.model import RelType
from graph.records import Origin, RelRecord, RelRef

SHARE_TOLERANCE = 0.005
"""Shares of one whole may add up to 1 plus this much (rounded figures): 0.5%."""

MAX_CYCLES = 50
"""Cycles named at most (each on its own line)."""

SHARE_PROPERTIES = ("key", "share", "source", "year", "item")
SUPPLY_TYPES = (RelType.CONTAINS, RelType.MADE_FROM)
"""Bill-of-materials edges: the engine's supply network follows them, so they must not cycle."""

Group = Callable[[str, str, Mapping[str, object]], tuple[object, ...]]

SHARE_GROUPS: dict[RelType, tuple[str, Group]] = {
    RelType.CONTAINS: ("parent", lambda s, e, p: (s, p.get("source"), p.get("year"))),
    RelType.MADE_FROM: ("parent", lambda s, e, p: (s, p.get("source"), p.get("year"))),
    RelType.PRODUCES: ("item", lambda s, e, p: (e, p.get("source"), p.get("year"))),
    RelType.SOURCES_FROM: (
        "consumer",
        lambda s, e, p: (s, p.get("item"), p.get("source"), p.get("year")),
    ),
}
"""Which shares make one whole: one parent's children (per source and year), one market set
(item, year, source), one consumer's sourcing of one item (per source and year)."""


def digest(*parts: object) -> int:
    """A 64-bit hash of ``parts``: the identity a check keeps instead of the text."""
    text = "\x1f".join(str(p) for p in parts).encode("utf-8", "surrogatepass")
    return int.from_bytes(blake2b(text, digest_size=8).digest(), "big")


class Origins:
    """Origins packed into one int each (file index, row)."""

    def __init__(self) -> None:
        self._files: list[str] = []
        self._index: dict[str, int] = {}

    def pack(self, origin: Origin) -> int:
        i = self._index.get(origin.file)
        if i is None:
            i = self._index[origin.file] = len(self._files)
            self._files.append(origin.file)
        return (i << 40) | origin.row

    def unpack(self, packed: int) -> Origin:
        return Origin(self._files[packed >> 40], packed & ((1 << 40) - 1))


class RelationshipChecks:
    """Feed every new relationship with ``add``; ``finish`` returns the problems."""

    def __init__(
        self,
        *,
        stored_shares: Iterable[RelRef] = (),
        stored_edges: Iterable[RelRef] = (),
    ) -> None:
        self.origins = Origins()
        self._keys: dict[int, int] = {}
        self._problems: list[Problem] = []
        self._totals: dict[int, float] = defaultdict(float)
        self._stored_share: dict[int, tuple[int, float]] = {}
        self._stored_total: dict[int, float] = defaultdict(float)
        self._over: dict[int, tuple[int, str]] = {}
        self._ids: dict[str, int] = {}
        self._names: list[str] = []
        self._parents: list[int] = []
        self._children: list[int] = []
        self._edge_origin: list[int] = []
        for ref in stored_shares:
            self._add_stored_share(ref)
        for ref in stored_edges:
            self._edge(ref.start, ref.end, -1)

    def _add_stored_share(self, ref: RelRef) -> None:
        share = ref.properties.get("share")
        spec = SHARE_GROUPS.get(ref.type)
        if spec is None or not isinstance(share, float | int):
            return
        group = digest(ref.type.value, *spec[1](ref.start, ref.end, ref.properties))
        self._stored_share[digest(ref.properties.get("key"))] = (group, float(share))
        self._totals[group] += float(share)
        self._stored_total[group] += float(share)

    def _node(self, node_id: str) -> int:
        i = self._ids.get(node_id)
        if i is None:
            i = self._ids[node_id] = len(self._names)
            self._names.append(node_id)
        return i

    def _edge(self, parent: str, child: str, origin: int) -> None:
        self._parents.append(self._node(parent))
        self._children.append(self._node(child))
        self._edge_origin.append(origin)

    def add(self, rel: RelRecord, origin: Origin) -> None:
        packed = self.origins.pack(origin)
        key = digest(rel.key)
        first = self._keys.get(key)
        if first is not None:
            self._problems.append(
                Problem(
                    origin.file,
                    origin.row,
                    "row",
                    f"repeats the fact at {self.origins.unpack(first)} "
                    "(same ends, source and year)",
                )
            )
            return
        self._keys[key] = packed
        self._share(rel, key, packed)
        if rel.type in SUPPLY_TYPES:
            self._edge(rel.start, rel.end, packed)

    def _share(self, rel: RelRecord, key: int, packed: int) -> None:
        spec = SHARE_GROUPS.get(rel.type)
        share = rel.properties.get("share")
        if spec is None or not isinstance(share, float | int):
            return
        whole = spec[1](rel.start, rel.end, rel.properties)
        group = digest(rel.type.value, *whole)
        replaced = self._stored_share.pop(key, None)
        if replaced is not None:  # a re-load replaces the stored fact of the same key
            self._totals[replaced[0]] -= replaced[1]
            self._stored_total[replaced[0]] -= replaced[1]
        self._totals[group] += float(share)
        if self._totals[group] > 1.0 + SHARE_TOLERANCE:
            self._over[group] = (
                packed,
                f"the shares of {rel.type.value} rows for '{whole[0]}' from source "
                f"'{rel.properties.get('source')}'",
            )

    def finish(self) -> list[Problem]:
        problems = list(self._problems)
        for group, (packed, what) in self._over.items():
            total = self._totals[group]
            if total <= 1.0 + SHARE_TOLERANCE:
                continue
            stored = self._stored_total.get(group, 0.0)
            held = f" ({stored:.4g} of it already in the store)" if stored > 0 else ""
            origin = self.origins.unpack(packed)
            problems.append(
                Problem(
                    origin.file,
                    origin.row,
                    "share",
                    f"{what} add up to {total:.4g}, above 1{held}",
                )
            )
        problems.extend(self._cycles())
        return problems

    def _cycles(self) -> list[Problem]:
        """Every cycle through a new edge, once: named in order from the first new row's
        parent, reported at the row that closes it."""
        n = len(self._names)
        if n == 0 or not any(o >= 0 for o in self._edge_origin):
            return []
        parents = np.array(self._parents, dtype=np.int64)
        children = np.array(self._children, dtype=np.int64)
        graph = sp.csr_array(
            (np.ones(len(parents), dtype=np.int8), (parents, children)), shape=(n, n)
        )
        _, component = connected_components(graph, directed=True, connection="strong")
        sizes = np.bincount(component)
        cyclic = (component[parents] == component[children]) & (
            (sizes[component[parents]] > 1) | (parents == children)
        )
        if not cyclic.any():
            return []
        adjacency: dict[int, list[int]] = defaultdict(list)
        new_edges: dict[tuple[int, int], int] = {}
        for e in np.flatnonzero(cyclic).tolist():
            p, c = int(parents[e]), int(children[e])
            adjacency[p].append(c)
            origin = self._edge_origin[e]
            if origin >= 0 and (p, c) not in new_edges:
                new_edges[(p, c)] = origin  # edges come in input order: the first row
        seen: set[tuple[int, ...]] = set()
        out: list[Problem] = []
        for (p, c), _ in sorted(new_edges.items(), key=lambda kv: kv[1]):
            cycle = [p, *_shortest_path(adjacency, c, p)]
            rotation = cycle[:-1]
            low = rotation.index(min(rotation))
            canonical = tuple(rotation[low:] + rotation[:low])
            if canonical in seen:
                continue
            seen.add(canonical)
            closing = max(new_edges.get(pair, -1) for pair in zip(cycle, cycle[1:], strict=False))
            where = self.origins.unpack(closing)
            named = " -> ".join(self._names[i] for i in cycle)
            out.append(
                Problem(
                    where.file,
                    where.row,
                    "child",
                    f"supply cycle: {named} (an item would be made from itself)",
                )
            )
            if len(out) >= MAX_CYCLES:
                break
        return out


def _shortest_path(adjacency: Mapping[int, list[int]], start: int, goal: int) -> list[int]:
    """Nodes from ``start`` to ``goal`` (both included) by breadth-first search."""
    previous: dict[int, int] = {start: start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            break
        for nxt in adjacency.get(node, ()):
            if nxt not in previous:
                previous[nxt] = node
                queue.append(nxt)
    path = [goal]
    while path[-1] != start:
        path.append(previous[path[-1]])
    return path[::-1]


def check_relationships(rels: Iterable[RelRecord]) -> list[Problem]:
    """The checks over records that carry their origin (the neo4j-admin reader's)."""
    checks = RelationshipChecks()
    for rel in rels:
        if rel.origin is not None:
            checks.add(rel, rel.origin)
    return checks.finish()
