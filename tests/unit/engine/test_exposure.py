"""Exposure on small hand-made networks: shares multiply along a chain, paths add, the
market stands in for what company links leave open, and an OEM is its products' mean."""

from __future__ import annotations

import pytest

from graph.engine.answers import StageBasis
from graph.errors import NotFound, QueryError
from graph.model import Label, RelType, Stage
from tests.support.supply import Refs

EXACT = 1e-12


def _chain() -> Refs:
    """P -(.5)-> C -(1)-> M (magnet) -(1)-> O (oxide). M: CN .8 JP .2; O: CN .5 MY .5."""
    g = Refs().countries("CN", "JP", "MY", "US")
    g.node(Label.PRODUCT, "p").node(Label.COMPONENT, "c")
    g.node(Label.MAGNET_TYPE, "m").node(Label.MATERIAL, "o", stage="separation", form="oxide")
    g.bom("p", "c", 0.5).bom("c", "m", 1.0).bom("m", "o", 1.0)
    return g.market("m", CN=0.8, JP=0.2).market("o", CN=0.5, MY=0.5)


def test_a_chain_multiplies_its_shares() -> None:
    answer = _chain().snapshot().exposure("p", "CN")
    stages = {s.stage: s for s in answer.stages}
    assert stages[Stage.MAGNET].share == pytest.approx(0.5 * 0.8, abs=EXACT)
    assert stages[Stage.SEPARATION].share == pytest.approx(0.5 * 0.5, abs=EXACT)
    assert stages[Stage.MINING].share == 0.0
    assert stages[Stage.MINING].basis is StageBasis.NONE
    assert stages[Stage.MAGNET].basis is StageBasis.MARKET
    assert stages[Stage.MAGNET].coverage == pytest.approx(1.0)
    assert (answer.share, answer.stage) == (pytest.approx(0.4, abs=EXACT), Stage.MAGNET)
    assert [step.item.id for step in answer.paths[0].steps] == ["p", "c", "m"]
    assert answer.paths[0].share == pytest.approx(0.4, abs=EXACT)
    assert [s.title for s in answer.sources] == ["By hand"]


def test_a_country_with_no_share_gets_zero_and_no_paths() -> None:
    answer = _chain().snapshot().exposure("p", "US")
    assert answer.share == 0.0 and answer.stage is None and answer.paths == ()


def test_zero_paths_asked_gives_the_shares_and_no_paths() -> None:
    """paths=0 used to raise IndexError in the route search (found by the schemathesis run)."""
    snapshot = _chain().snapshot()
    answer = snapshot.exposure("p", "CN", paths=0)
    assert answer.paths == ()
    assert answer.share == pytest.approx(0.4, abs=EXACT)
    assert answer.stages == snapshot.exposure("p", "CN").stages


def test_a_diamond_adds_both_paths() -> None:
    g = Refs().countries("CN")
    g.node(Label.PRODUCT, "p").node(Label.COMPONENT, "a").node(Label.COMPONENT, "b")
    g.node(Label.MAGNET_TYPE, "m")
    g.bom("p", "a", 0.6).bom("p", "b", 0.4).bom("a", "m", 1.0).bom("b", "m", 1.0)
    answer = g.market("m", CN=0.5).snapshot().exposure("p", "CN")
    assert answer.share == pytest.approx(0.6 * 0.5 + 0.4 * 0.5, abs=EXACT)
    assert [(tuple(s.item.id for s in p.steps), round(p.share, 12)) for p in answer.paths] == [
        (("p", "a", "m"), 0.3),
        (("p", "b", "m"), 0.2),
    ]


def test_the_market_stands_in_for_what_company_links_leave_open() -> None:
    """C buys a quarter of its magnets from S (headquartered in JP); the rest comes from
    the market (CN 1.0): magnet stage CN .75 (market), JP .25 (company)."""
    g = Refs().countries("CN", "JP")
    g.node(Label.PRODUCT, "p").node(Label.COMPONENT, "c").node(Label.MAGNET_TYPE, "m")
    g.node(Label.COMPANY, "s", country="JP")
    g.bom("p", "c", 1.0).bom("c", "m", 1.0).market("m", CN=1.0)
    g.rel(RelType.SOURCES_FROM, "c", "s", item="m", share=0.25)
    snapshot = g.snapshot()
    cn = {s.stage: s for s in snapshot.exposure("p", "CN").stages}[Stage.MAGNET]
    jp = {s.stage: s for s in snapshot.exposure("p", "JP").stages}[Stage.MAGNET]
    assert (cn.company_share, cn.market_share) == (0.0, pytest.approx(0.75, abs=EXACT))
    assert (jp.company_share, jp.market_share) == (pytest.approx(0.25, abs=EXACT), 0.0)
    assert cn.basis is StageBasis.MIXED and jp.basis is StageBasis.MIXED
    [path] = snapshot.exposure("p", "JP").paths
    assert path.steps[-1].supplier is not None and path.steps[-1].supplier.id == "s"


def test_an_oem_is_the_unweighted_mean_of_its_products() -> None:
    g = Refs().countries("CN")
    g.node(Label.PRODUCT, "p1").node(Label.PRODUCT, "p2").node(Label.COMPANY, "o")
    g.node(Label.MAGNET_TYPE, "m").node(Label.MAGNET_TYPE, "f")
    g.bom("p1", "m", 1.0).bom("p2", "f", 1.0).market("m", CN=0.8).market("f", CN=0.2)
    g.rel(RelType.MAKES, "o", "p1").rel(RelType.MAKES, "o", "p2")
    g.node(Label.COMPANY, "idle")
    snapshot = g.snapshot()
    answer = snapshot.exposure("o", "CN")
    assert answer.share == pytest.approx(0.5, abs=EXACT)
    assert [p.id for p in answer.products] == ["p1", "p2"]
    with pytest.raises(QueryError, match="'idle' has no products"):
        snapshot.exposure("idle", "CN")


def test_unknown_subjects_and_countries_are_not_found() -> None:
    snapshot = _chain().snapshot()
    with pytest.raises(NotFound, match="no country 'XX'"):
        snapshot.exposure("p", "XX")
    with pytest.raises(NotFound, match="'nothing'"):
        snapshot.exposure("nothing", "CN")
