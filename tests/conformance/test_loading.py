"""Loading, idempotency and refusal of bad input: the same on every store."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from graph.errors import LoadError, StoreError
from graph.model import Label, RelType
from graph.records import RelRecord
from graph.stores.base import Store
from loaders.load import load, prepare
from loaders.writer import write_records
from tests.support.stores import DATASET, contents


def test_bundled_dataset_loads_every_row(store: Store) -> None:
    batch = prepare(store=store, path=str(DATASET))
    summary, version = load(store=store, path=str(DATASET), batch_size=37)
    expected_nodes = Counter(n.label.value for n in batch.nodes)
    expected_rels = Counter(r.type.value for r in batch.relationships)
    counts = store.counts()
    for label in Label:
        assert counts[label.value] == expected_nodes.get(label.value, 0), label
    for rel in RelType:
        assert counts[rel.value] == expected_rels.get(rel.value, 0), rel
    assert summary.total.created == len(batch.nodes) + len(batch.relationships)
    assert summary.total.matched == 0
    assert version.version == 1
    assert counts["Product"] >= 8 and counts["PRODUCES"] >= 20


def test_loading_twice_leaves_the_graph_identical(store: Store) -> None:
    load(store=store, path=str(DATASET))
    before = contents(store)
    summary, version = load(store=store, path=str(DATASET))
    assert summary.total.created == 0
    assert summary.total.matched == len(before[0]) + len(before[1])
    assert contents(store) == before
    assert version.version == 2


def test_bad_rows_are_all_listed_and_nothing_is_written(store: Store, tmp_path: Path) -> None:
    load(store=store, path=str(DATASET))
    before = contents(store)
    bad = tmp_path / "bad"
    shutil.copytree(DATASET, bad)
    with (bad / "bom.csv").open("a", encoding="utf-8") as f:
        f.write("suzuki-swift,auto-aux-motors,1.4,,,,,sg-modelling,low,\n")
        f.write("suzuki-swift,no-such-part,0.5,,,,,sg-modelling,low,\n")
    with (bad / "products.csv").open("a", encoding="utf-8") as f:
        f.write("new-product,A new product,,sg-modelling,certain,\n")
    lines = (bad / "bom.csv").read_text(encoding="utf-8").splitlines()
    n = len(lines)
    with pytest.raises(LoadError) as caught:
        load(store=store, path=str(bad))
    messages = [str(p) for p in caught.value.problems]
    assert f"bom.csv:{n - 1}: share: Input should be less than or equal to 1 (got '1.4')" in (
        messages
    )
    assert any(m.startswith(f"bom.csv:{n}: child: 'no-such-part' is not defined") for m in messages)
    assert any(m.startswith("products.csv:") and ": confidence: " in m for m in messages)
    assert contents(store) == before
    assert store.graph_version().version == 1


def test_a_dataset_may_refer_to_nodes_already_stored(store: Store, tmp_path: Path) -> None:
    load(store=store, path=str(DATASET))
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "products.csv").write_text(
        "id,name,oem,source,confidence,note\n"
        "swift-hybrid,Suzuki Swift hybrid,suzuki-motor,seed-bs-rediff-2025-06,low,test\n",
        encoding="utf-8",
    )
    (extra / "bom.csv").write_text(
        "parent,child,share,source,confidence\nswift-hybrid,auto-aux-motors,1.0,sg-modelling,low\n",
        encoding="utf-8",
    )
    summary, _ = load(store=store, path=str(extra))
    assert summary.nodes["Product"].created == 1
    assert summary.relationships["CONTAINS"].created == 1
    assert [
        n.id for n in store.neighbours(Label.PRODUCT, "swift-hybrid", RelType.MAKES, outgoing=False)
    ] == ["suzuki-motor"]


def test_unknown_columns_and_files_are_refused(store: Store, tmp_path: Path) -> None:
    (tmp_path / "countries.csv").write_text("id,name,colour\nCN,China,red\n", encoding="utf-8")
    (tmp_path / "notes.csv").write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load(store=store, path=str(tmp_path))
    messages = [str(p) for p in caught.value.problems]
    assert "countries.csv:1: colour: unknown column" in messages
    assert any(m.startswith("notes.csv:0: file: unknown file name") for m in messages)
    assert store.count(Label.COUNTRY) == 0


def test_a_row_naming_two_ids_loaded_earlier_loads(store: Store, tmp_path: Path) -> None:
    """Consumer, item and supplier all exist only in the store: one batched look-up resolves
    them all (the first unknown id used to stop the look-up)."""
    load(store=store, path=str(DATASET))
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "sourcing.csv").write_text(
        "consumer,item,supplier,share,year,source,confidence,note\n"
        "suzuki-motor,ndfeb-sintered,jl-mag,,2031,sg-modelling,low,test\n",
        encoding="utf-8",
    )
    summary, _ = load(store=store, path=str(extra))
    assert summary.relationships["SOURCES_FROM"].created == 1
    suppliers = store.neighbours(Label.COMPANY, "suzuki-motor", RelType.SOURCES_FROM, outgoing=True)
    assert "jl-mag" in [n.id for n in suppliers]


def test_a_store_reports_relationships_it_could_not_write(store: Store) -> None:
    store.upsert_nodes(Label.COUNTRY, [{"id": "CN", "name": "China"}])
    store.upsert_nodes(Label.COMPANY, [{"id": "co", "name": "Co", "country": "CN"}])
    rows = [
        {"start": "co", "end": "CN", "key": "k-ok", "source": "s"},
        {"start": "ghost", "end": "CN", "key": "k-ghost", "source": "s"},
        {"start": "co", "end": "XX", "key": "k-nowhere", "source": "s"},
    ]
    counts = store.upsert_relationships(
        RelType.HEADQUARTERED_IN, Label.COMPANY, Label.COUNTRY, rows
    )
    assert (counts.created, counts.matched) == (1, 0)
    assert counts.dropped == ("k-ghost", "k-nowhere")
    again = store.upsert_relationships(RelType.HEADQUARTERED_IN, Label.COMPANY, Label.COUNTRY, rows)
    assert (again.created, again.matched, again.dropped) == (0, 1, ("k-ghost", "k-nowhere"))
    assert store.counts()["HEADQUARTERED_IN"] == 1


def test_the_writer_fails_loudly_when_a_store_drops_a_row(store: Store) -> None:
    ghost = RelRecord(
        RelType.HEADQUARTERED_IN, Label.COMPANY, "ghost", Label.COUNTRY, "CN", "k-ghost", {}
    )
    with pytest.raises(StoreError, match="could not write 1 HEADQUARTERED_IN.*k-ghost"):
        write_records(store=store, nodes=[], relationships=[ghost], batch_size=10)
