"""Hand-computed supply graphs give exact answers on every store.

Each case is written as dataset CSV files, loaded through the real loader into the store
under test, extracted and solved. The arithmetic is in tests/casebook.py.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from graph.engine.snapshot import Snapshot, SubjectKind
from graph.errors import CycleError, NotFound, QueryError
from graph.snapshots import SnapshotCache
from graph.stores.base import Store
from loaders.load import load
from tests.support import casebook

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
    by_item = [(d.subject.id, round(d.share, 12)) for d in snapshot.dependents("CN", "n")]
    assert by_item == [("p1", 0.9), ("p3", 0.45)]
    by_element = [(d.subject.id, round(d.share, 12)) for d in snapshot.dependents("CN", "Dy")]
    assert by_element == by_item
    everything = [(d.subject.id, round(d.share, 12)) for d in snapshot.dependents("CN")]
    assert everything == [("p1", 0.9), ("p3", 0.7), ("p2", 0.5)]
    uses = snapshot.dependents("CN", kind=SubjectKind.OEM)
    assert uses == []


def test_a_cycle_is_refused_with_the_nodes_involved(store: Store, tmp_path: Path) -> None:
    casebook.load_cycle(store, tmp_path / "case")
    with pytest.raises(CycleError) as caught:
        SnapshotCache().get(store)
    assert caught.value.cycles == [["a", "b"]]


def test_unknown_ids_are_not_found(store: Store, tmp_path: Path) -> None:
    snapshot = _solve(store, casebook.chain(), tmp_path)
    with pytest.raises(NotFound, match="no country 'XX'"):
        snapshot.exposure("p", "XX")
    with pytest.raises(NotFound, match="'nothing'"):
        snapshot.exposure("nothing", "CN")
    with pytest.raises(NotFound, match="'nothing'"):
        snapshot.dependents("CN", "nothing")


def test_export_control_shortfall_stock_and_volumes(store: Store, tmp_path: Path) -> None:
    snapshot = _solve(store, casebook.export_control(), tmp_path)
    answer = snapshot.scenario(
        control="x", approval_rate=0.25, duration_weeks=52, as_of=date(2025, 6, 1)
    )
    assert answer.in_force and answer.status == "in force"
    by_oem = snapshot.exposure("o", "CN")
    assert [p.id for p in by_oem.products] == ["p"]
    assert by_oem.share == pytest.approx(snapshot.exposure("p", "CN").share, abs=EXACT)
    [oem] = snapshot.dependents("CN", kind=SubjectKind.OEM)
    assert (oem.subject.id, [p.id for p in oem.products]) == ("o", ["p"])
    [use] = snapshot.dependents("CN", "Dy", kind=SubjectKind.END_USE)
    assert use.subject.id == "auto" and use.share == pytest.approx(0.5, abs=EXACT)
    assert [c.id for c in answer.covered] == ["dy-oxide"]
    [impact] = answer.products
    assert impact.controlled == pytest.approx(0.18, abs=EXACT)
    assert impact.shortfall == pytest.approx(0.135, abs=EXACT)
    assert impact.cover_weeks == (6.0, 8.0)
    assert impact.weeks_to_stockout == (pytest.approx(6 / 0.135), pytest.approx(8 / 0.135))
    assert impact.stockout_dates == ("2026-02-09", "2026-05-24")  # start + 311 and 415 days
    assert impact.runs_out_within_duration is True
    assert [(g.entity.id, g.products) for g in answer.oems] == [("o", 1)]
    [volume] = answer.volumes
    assert volume.shortfall_tonnes == pytest.approx(13.5, abs=1e-9)


def test_a_suspended_control_blocks_nothing_until_the_suspension_ends(
    store: Store, tmp_path: Path
) -> None:
    snapshot = _solve(store, casebook.export_control(), tmp_path)
    during = snapshot.scenario(control="y", as_of=date(2026, 1, 1))
    assert not during.in_force and during.status == "suspended until 2026-11-10"
    assert during.products == () and during.volumes == ()
    after = snapshot.scenario(control="y", as_of=date(2026, 11, 10))
    assert after.in_force
    assert after.products[0].shortfall == pytest.approx(0.18, abs=EXACT)


def test_custom_controls_and_bad_arguments(store: Store, tmp_path: Path) -> None:
    snapshot = _solve(store, casebook.export_control(), tmp_path)
    custom = snapshot.scenario(issuer="CN", items=["m"], approval_rate=0.5, start=date(2025, 4, 4))
    assert custom.control is None
    assert custom.products[0].controlled == pytest.approx(0.5 + 0.5 * 0.2 * 0.0, abs=EXACT)
    assert custom.products[0].shortfall == pytest.approx(0.25, abs=EXACT)
    with pytest.raises(QueryError, match="approvalRate"):
        snapshot.scenario(control="x", approval_rate=1.5)
    with pytest.raises(NotFound, match="'nope'"):
        snapshot.scenario(control="nope")


def test_concentration_by_year_with_hhi_and_flag(store: Store, tmp_path: Path) -> None:
    snapshot = _solve(store, casebook.concentration(), tmp_path)
    [latest] = snapshot.concentration(item="m")
    assert latest.year == 2024
    assert latest.hhi == pytest.approx(8200.0)
    assert (latest.top1, latest.top3, latest.flagged) == (0.9, pytest.approx(1.0), True)
    [older] = snapshot.concentration(item="m", year=2023)
    assert older.hhi == pytest.approx(4600.0) and older.top3 == pytest.approx(1.0)
    assert not older.flagged
    assert snapshot.concentration(item="m", year=2023, threshold=0.5)[0].flagged
    [partial] = snapshot.concentration(item="m", year=2022)
    assert [(s.country, s.share) for s in partial.shares] == [("CN", 0.6)]
    assert partial.coverage == pytest.approx(0.6)
