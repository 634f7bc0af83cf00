"""Per-request DataLoaders for the entity fields a nested query asks many times.

A list of fifty products asking ``oems`` and ``cited`` would otherwise cross to the store's
thread a hundred times; the loaders gather the keys one tick of the event loop asks for,
dedupe them and answer them in one crossing: cited sources in one ``nodes`` call, and the
neighbours one field asks (a label, a relationship, a direction) in one ``neighbours_of``
call, whatever the number of ids; company aliases (KNOWN_AS, few: company imports only) in
one scan of that relationship.
A loader lives for one request only, so it never serves a graph another load replaced.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import NamedTuple

import anyio.to_thread
from strawberry.dataloader import DataLoader

from graph.model import Label, RelType
from graph.records import NodeRef
from graph.stores.base import Store


class Hop(NamedTuple):
    """One neighbour look-up: the relationship ``rel`` from (or to) node ``node_id``."""

    label: Label
    node_id: str
    rel: RelType
    outgoing: bool


class Loaders:
    """One request's loaders, each made when first asked for (most requests ask none)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    @cached_property
    def sources(self) -> DataLoader[str, NodeRef | None]:
        return DataLoader(load_fn=self._sources)

    @cached_property
    def neighbours(self) -> DataLoader[Hop, list[NodeRef]]:
        return DataLoader(load_fn=self._neighbours)

    @cached_property
    def aliases(self) -> DataLoader[str, list[tuple[str, str]]]:
        return DataLoader(load_fn=self._aliases)

    async def _sources(self, ids: Sequence[str]) -> list[NodeRef | None]:
        def fetch(store: Store) -> list[NodeRef]:
            return store.nodes(Label.SOURCE, list(ids))

        found = await anyio.to_thread.run_sync(fetch, self._store)
        by_id = {node.id: node for node in found}
        return [by_id.get(i) for i in ids]

    async def _neighbours(self, hops: Sequence[Hop]) -> list[list[NodeRef]]:
        def fetch(store: Store) -> list[list[NodeRef]]:
            groups: dict[tuple[Label, RelType, bool], list[str]] = {}
            for h in hops:
                groups.setdefault((h.label, h.rel, h.outgoing), []).append(h.node_id)
            found = {
                (label, rel, outgoing): store.neighbours_of(label, ids, rel, outgoing=outgoing)
                for (label, rel, outgoing), ids in groups.items()
            }
            return [found[h.label, h.rel, h.outgoing][h.node_id] for h in hops]

        return await anyio.to_thread.run_sync(fetch, self._store)

    async def _aliases(self, company_ids: Sequence[str]) -> list[list[tuple[str, str]]]:
        """Each company's (spelling, source) pairs, sorted."""

        def fetch(store: Store) -> dict[str, set[tuple[str, str]]]:
            wanted = set(company_ids)
            found: dict[str, set[tuple[str, str]]] = {}
            for r in store.extract_relationships([RelType.KNOWN_AS], properties=("name",)):
                if r.start in wanted:
                    found.setdefault(r.start, set()).add((str(r.properties["name"]), r.end))
            return found

        found = await anyio.to_thread.run_sync(fetch, self._store)
        return [sorted(found.get(i, ())) for i in company_ids]
