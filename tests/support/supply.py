"""Supply data for the engine with no store: from dataset files, or built by hand.

``supply_from_dataset`` sends the files through the real reader and validator (with
nothing already in a store), and any public releases through the real importer's reader
(loaders.importer.read_release), and cuts the records down the way a store's extraction
does: only the labels, relationship types and relationship properties the engine reads,
and no empty values. ``Refs`` builds the same kind of records in a test.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from graph.engine.facts import (
    ANALYSIS_LABELS,
    ANALYSIS_PROPERTIES,
    ANALYSIS_RELATIONSHIPS,
    SupplyData,
    build_supply,
)
from graph.engine.snapshot import Snapshot
from graph.errors import LoadError
from graph.model import Label, RelType, Stage
from graph.records import GraphVersion, NodeRecord, NodeRef, RelRecord, RelRef
from loaders.formats import dataset
from loaders.importer import ReleaseFormat, read_release
from loaders.validate import NothingStored, validate


def supply_from_dataset(
    path: Path | str, releases: Iterable[tuple[ReleaseFormat, Path]] = ()
) -> SupplyData:
    """The dataset, then each release as ``supplygraph import`` would add it: the nodes it
    wants only where the dataset lacks them."""
    batch = validate(lambda: dataset.read(str(path)), store=NothingStored()).batch()
    records: list[NodeRecord] = list(batch.nodes)
    relationships: list[RelRecord] = list(batch.relationships)
    for kind, release in releases:
        intake = read_release(kind, release)
        if intake.problems:
            raise LoadError(intake.problems)
        held = {n.id for n in records}
        records += [
            n for n in [*intake.wanted.values(), *intake.nodes.values()] if n.id not in held
        ]
        relationships += intake.relationships
    labels = frozenset(ANALYSIS_LABELS)
    types = frozenset(ANALYSIS_RELATIONSHIPS)
    nodes = [
        NodeRef(n.label, n.id, {k: v for k, v in n.properties.items() if v is not None})
        for n in records
        if n.label in labels
    ]
    rels = [
        RelRef(
            r.type,
            r.start,
            r.end,
            {k: v for k, v in r.properties.items() if k in ANALYSIS_PROPERTIES and v is not None},
        )
        for r in relationships
        if r.type in types
    ]
    return build_supply(nodes, rels)


FIXED_STAGES = {Label.MAGNET_TYPE: Stage.MAGNET, Label.COMPONENT: Stage.COMPONENT}


class Refs:
    """A graph built by hand, as a store would extract it: plain node and relationship
    records, turned into ``SupplyData`` by the engine's own ``build_supply``."""

    def __init__(self, source: str = "src-hand") -> None:
        self.source = source
        self.nodes: list[NodeRef] = [NodeRef(Label.SOURCE, source, {"title": "By hand"})]
        self.rels: list[RelRef] = []
        self.labels: dict[str, Label] = {}

    def node(self, label: Label, node_id: str, **props: Any) -> Refs:
        """A node named by its id; magnet types and components get the stage the loader
        gives them."""
        self.labels[node_id] = label
        stage = FIXED_STAGES.get(label)
        defaults = {"name": node_id, **({"stage": stage.value} if stage else {})}
        self.nodes.append(NodeRef(label, node_id, {**defaults, **props}))
        return self

    def countries(self, *codes: str) -> Refs:
        for code in codes:
            self.node(Label.COUNTRY, code)
        return self

    def rel(self, rel: RelType, start: str, end: str, **props: Any) -> Refs:
        self.rels.append(RelRef(rel, start, end, {"source": self.source, **props}))
        return self

    def bom(self, parent: str, child: str, share: float) -> Refs:
        contains = self.labels[parent] in (Label.PRODUCT, Label.COMPONENT)
        rel = RelType.CONTAINS if contains else RelType.MADE_FROM
        return self.rel(rel, parent, child, share=share, confidence="high")

    def market(self, item: str, year: int = 2024, **shares: float) -> Refs:
        for country, share in shares.items():
            self.rel(RelType.PRODUCES, country, item, share=share, year=year, confidence="high")
        return self

    def supply(self) -> SupplyData:
        return build_supply(self.nodes, self.rels)

    def snapshot(self) -> Snapshot:
        return Snapshot(self.supply(), GraphVersion(1, None))
