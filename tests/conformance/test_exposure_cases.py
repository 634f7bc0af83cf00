"""Hand-computed supply graphs give exact answers on every store.

Each case is written as dataset CSV files, loaded through the real loader into the store
under test, extracted and solved. The arithmetic is in tests/casebook.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.analysis import Snapshot, SnapshotCache
from graph.errors import CycleError, NotFound
from graph.store import Store
from loaders.load import load
from tests import casebook

EXACT = 1e-12


def _solve(store: Store, case: casebook.DatasetWriter, tmp_path: Path) -> Snapshot:
    load(store=store, path=str(case.write(tmp_path / "case")))
    return SnapshotCache().get(store)


def _stages(snapshot: Snapshot, item: str, country: str) -> dict[str, tuple[float, str]]:
    answer = snapshot.exposure(item, country)
    return {s.stage.value: (s.share, s.basis) for s in answer.stages}


def test_chain_multiplies_nothing_but_ones(store: Store, tmp_path: Path) -> None:
    snapshot = _solve(store, casebook.chain(), tmp_path)
    answer = snapshot.exposure("p", "CN")
    stages = {s.stage.value: s for s in answer.stages}
    assert stages["magnet"].share == pytest.approx(0.9, abs=EXACT)
    assert stages["separation"].share == pytest.approx(0.8, abs=EXACT)
    assert stages["mining"].share == pytest.approx(0.6, abs=EXACT)
    assert stages["metal"].share == 0.0 and stages["metal"].basis == "none"
    assert stages["metal"].coverage == 0.0
    assert stages["magnet"].basis == "market" and stages["magnet"].coverage == pytest.approx(1.0)
    assert answer.share == pytest.approx(0.9, abs=EXACT)
    assert answer.stage is not None and answer.stage.value == "magnet"
    assert [step.item.id for step in answer.paths[0].steps] == ["p", "c", "m"]
    assert [s.id for s in answer.sources] == [casebook.SOURCE]


def test_diamond_adds_both_paths(store: Store, tmp_path: Path) -> None:
    snapshot = _solve(store, casebook.diamond(), tmp_path)
    answer = snapshot.exposure("p", "CN")
    assert answer.share == pytest.approx(0.7 * 0.9 + 0.3 * 0.5 * 0.9, abs=EXACT)
    weights = sorted(round(p.share, 12) for p in answer.paths)
    assert weights == [round(0.3 * 0.5 * 0.9, 12), round(0.7 * 0.9, 12)]
    assert {tuple(s.item.id for s in p.steps) for p in answer.paths} == {
        ("p", "a", "m"),
        ("p", "b", "m"),
    }


def test_two_suppliers_and_the_market_remainder(store: Store, tmp_path: Path) -> None:
    snapshot = _solve(store, casebook.two_suppliers(), tmp_path)
    cn = {s.stage.value: s for s in snapshot.exposure("p", "CN").stages}["magnet"]
    jp = {s.stage.value: s for s in snapshot.exposure("p", "JP").stages}["magnet"]
    assert cn.share == pytest.approx(0.39, abs=EXACT)
    assert cn.company_share == pytest.approx(0.3, abs=EXACT)
    assert cn.market_share == pytest.approx(0.09, abs=EXACT)
    assert jp.share == pytest.approx(0.61, abs=EXACT)
    assert cn.basis == "mixed"
    suppliers = {
        p.steps[-1].supplier.id if p.steps[-1].supplier else None
        for p in snapshot.exposure("p", "JP").paths
    }
    assert suppliers == {"s1", None}


def test_facility_tonnes_weight_a_company_s_countries(store: Store, tmp_path: Path) -> None:
    snapshot = _solve(store, casebook.facility_sites(), tmp_path)
    assert _stages(snapshot, "p", "VN")["magnet"] == (pytest.approx(0.75, abs=EXACT), "company")
    assert _stages(snapshot, "p", "JP")["magnet"] == (pytest.approx(0.25, abs=EXACT), "company")
    assert _stages(snapshot, "p", "CN")["magnet"][0] == 0.0


def test_market_shares_stand_in_without_company_links(store: Store, tmp_path: Path) -> None:
    snapshot = _solve(store, casebook.chain(), tmp_path)
    assert {s.basis for s in snapshot.exposure("p", "US").stages if s.share > 0} == {"market"}
    assert _stages(snapshot, "p", "US")["mining"][0] == pytest.approx(0.4, abs=EXACT)


def test_dependents_filtered_by_item_and_element(store: Store, tmp_path: Path) -> None:
    snapshot = _solve(store, casebook.item_filter(), tmp_path)
    by_item = [(d.product.id, round(d.share, 12)) for d in snapshot.dependents("CN", "n")]
    assert by_item == [("p1", 0.9), ("p3", 0.45)]
    by_element = [(d.product.id, round(d.share, 12)) for d in snapshot.dependents("CN", "Dy")]
    assert by_element == by_item
    everything = [(d.product.id, round(d.share, 12)) for d in snapshot.dependents("CN")]
    assert everything == [("p1", 0.9), ("p3", 0.7), ("p2", 0.5)]


def test_a_cycle_is_refused_with_the_nodes_involved(store: Store, tmp_path: Path) -> None:
    with pytest.raises(CycleError) as caught:
        _solve(store, casebook.cycle(), tmp_path)
    assert caught.value.cycles == [["a", "b"]]


def test_unknown_ids_are_not_found(store: Store, tmp_path: Path) -> None:
    snapshot = _solve(store, casebook.chain(), tmp_path)
    with pytest.raises(NotFound, match="no country 'XX'"):
        snapshot.exposure("p", "XX")
    with pytest.raises(NotFound, match="'nothing'"):
        snapshot.exposure("nothing", "CN")
    with pytest.raises(NotFound, match="'nothing'"):
        snapshot.dependents("CN", "nothing")
