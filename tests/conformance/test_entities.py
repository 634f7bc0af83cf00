"""Entity lookups, pagination and neighbours: the same on every store."""

from __future__ import annotations

import csv

from graph.model import Label, RelType
from graph.stores.base import Store
from tests.support.stores import DATASET


def _ids(file: str) -> list[str]:
    with (DATASET / file).open(encoding="utf-8") as handle:
        return sorted(row["id"] for row in csv.DictReader(handle))


def test_pages_walk_every_node_once_in_id_order(loaded_store: Store) -> None:
    expected = _ids("companies.csv")
    seen: list[str] = []
    after: str | None = None
    while True:
        page = loaded_store.page(Label.COMPANY, after=after, first=4)
        if not page:
            break
        seen += [n.id for n in page]
        after = page[-1].id
    assert seen == expected
    assert loaded_store.count(Label.COMPANY) == len(expected)


def test_lookup_by_id_returns_the_properties_as_loaded(loaded_store: Store) -> None:
    [jl] = loaded_store.nodes(Label.COMPANY, ["jl-mag"])
    assert jl.properties["country"] == "CN"
    assert jl.properties["roles"] == ["magnet_maker"]
    assert loaded_store.nodes(Label.COMPANY, ["nobody"]) == []
    assert loaded_store.labels_of(["jl-mag", "CN", "Dy", "nobody"]) == {
        "jl-mag": Label.COMPANY,
        "CN": Label.COUNTRY,
        "Dy": Label.ELEMENT,
    }


def test_neighbours_follow_relationships_both_ways(loaded_store: Store) -> None:
    oems = loaded_store.neighbours(Label.PRODUCT, "suzuki-swift", RelType.MAKES, outgoing=False)
    assert [(n.label, n.id) for n in oems] == [(Label.COMPANY, "suzuki-motor")]
    covered = loaded_store.neighbours(
        Label.EXPORT_CONTROL, "cn-mofcom-18-2025", RelType.COVERS, outgoing=True
    )
    ids = {n.id for n in covered}
    assert {"Dy", "Tb", "Sm", "ndfeb-sintered-dytb", "smco"} <= ids
    assert "Nd" not in ids


def test_neighbours_of_many_ids_match_one_id_at_a_time(loaded_store: Store) -> None:
    """The DataLoaders' batched read: one call, the same answer as a call per id."""
    products = [n.id for n in loaded_store.page(Label.PRODUCT, after=None, first=30)]
    asked = [*products, "no-such-product"]
    for rel, outgoing in ((RelType.MAKES, False), (RelType.USED_IN, True)):
        many = loaded_store.neighbours_of(Label.PRODUCT, asked, rel, outgoing=outgoing)
        assert list(many) == asked
        for node_id in asked:
            one = loaded_store.neighbours(Label.PRODUCT, node_id, rel, outgoing=outgoing)
            assert [(n.label, n.id, n.properties) for n in many[node_id]] == [
                (n.label, n.id, n.properties) for n in one
            ]
    assert sum(len(v) for v in many.values()) >= len(products) // 2  # not a vacuous match
    assert many["no-such-product"] == []
    none = loaded_store.neighbours_of(Label.COUNTRY, ["CN", "US"], RelType.MAKES, outgoing=True)
    assert none == {"CN": [], "US": []}
    assert loaded_store.neighbours_of(Label.PRODUCT, [], RelType.MAKES, outgoing=False) == {}


def test_extraction_returns_every_relationship_with_its_properties(loaded_store: Store) -> None:
    produces = list(loaded_store.extract_relationships([RelType.PRODUCES]))
    assert len(produces) == loaded_store.counts()["PRODUCES"]
    usgs_cn = [
        r
        for r in produces
        if r.start == "CN" and r.end == "re-concentrate" and r.properties.get("tonnes")
    ]
    assert [r.properties["tonnes"] for r in usgs_cn] == [270000.0]
    assert usgs_cn[0].properties["year"] == 2024


def test_extraction_reads_only_the_properties_asked_for(loaded_store: Store) -> None:
    rels = list(loaded_store.extract_relationships([RelType.PRODUCES], properties={"tonnes"}))
    assert rels and all(set(r.properties) <= {"tonnes"} for r in rels)
    assert any(r.properties for r in rels) and any(not r.properties for r in rels)
