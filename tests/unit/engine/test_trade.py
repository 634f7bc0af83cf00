"""Country supply mixes from trade flows (basis ``trade``) on hand-made graphs, no store.

The cases through both stores are in tests/support/casebook.py (``trade_mix``); these are
the rule's corners: a company buyer, a closed re-export loop, the ferrite scope, flows
given only in value, two sources for one year, a maker with no tonnes.
"""

from __future__ import annotations

from typing import Any

import pytest

from graph.engine.answers import StageBasis
from graph.engine.network import Basis
from graph.engine.propagation import BASES
from graph.engine.trade import country_mixes
from graph.model import Label, RelType, Stage
from graph.records import NodeRef
from tests.support.supply import Refs

EXACT = 1e-12


def _graph(*countries: str) -> Refs:
    g = Refs().countries(*countries)
    g.node(Label.MAGNET_TYPE, "m", family="ndfeb", hs_code="8505.11")
    return g


def _trade(g: Refs, exporter: str, importer: str, **props: Any) -> Refs:
    defaults: dict[str, Any] = {"item": "m", "hs_code": "8505.11", "year": 2024}
    return g.rel(RelType.TRADES, exporter, importer, **{**defaults, **props})


def _oem_product(g: Refs, country: str, child: str = "m") -> Refs:
    g.node(Label.COMPANY, f"o-{country}", country=country)
    g.node(Label.PRODUCT, f"p-{country}")
    g.rel(RelType.MAKES, f"o-{country}", f"p-{country}")
    return g.bom(f"p-{country}", child, 1.0)


def _magnet(g: Refs, product: str, country: str) -> Any:
    return {s.stage: s for s in g.snapshot().exposure(product, country).stages}[Stage.MAGNET]


def test_a_company_buyer_s_unknown_input_comes_from_its_country_s_mix() -> None:
    """P (OEM in DE) -> C (1) from S (HQ IN, no plants); C -> M (1), M's supplier unknown.
    IN imports M: CN 3 t, JP 1 t (both make M). M for P: CN .75, basis trade; C: IN 1.0."""
    g = _graph("CN", "DE", "IN", "JP").market("m", CN=0.5, JP=0.5)
    g.node(Label.COMPONENT, "c").node(Label.COMPANY, "s", country="IN")
    _oem_product(g, "DE", "c").bom("c", "m", 1.0)
    g.rel(RelType.SOURCES_FROM, "p-DE", "s", item="c", confidence="high")
    _trade(g, "CN", "IN", tonnes=3.0)
    _trade(g, "JP", "IN", tonnes=1.0)
    answer = g.snapshot().exposure("p-DE", "CN")
    stages = {s.stage: s for s in answer.stages}
    assert stages[Stage.MAGNET].share == pytest.approx(0.75, abs=EXACT)
    assert stages[Stage.MAGNET].basis is StageBasis.TRADE
    assert _magnet(g, "p-DE", "JP").trade_share == pytest.approx(0.25, abs=EXACT)
    component = {s.stage: s for s in g.snapshot().exposure("p-DE", "IN").stages}
    assert component[Stage.COMPONENT].basis is StageBasis.COMPANY


def test_a_closed_re_export_loop_is_traced_to_the_world_mix() -> None:
    """A imports M only from B, B only from A, neither makes M: no maker is ever reached,
    so both stand on the world mix (CN .9, JP .1), still as their own supply."""
    g = _graph("A", "B", "CN", "JP").market("m", CN=0.9, JP=0.1)
    _trade(g, "B", "A", tonnes=5.0)
    _trade(g, "A", "B", tonnes=5.0)
    mixes = country_mixes(g.supply())
    assert mixes[("A", "m")].shares == {"CN": pytest.approx(0.9), "JP": pytest.approx(0.1)}
    assert mixes[("B", "m")].shares == {"CN": pytest.approx(0.9), "JP": pytest.approx(0.1)}
    _oem_product(g, "A")
    magnet = _magnet(g, "p-A", "CN")
    assert (magnet.share, magnet.basis) == (pytest.approx(0.9, abs=EXACT), StageBasis.TRADE)


def test_a_loop_with_a_way_out_is_solved_not_enumerated() -> None:
    """A gets M from B (.5) and CN (.5); B gets it from A (.5) and JP (.5). Neither makes
    M. M_A = .5 CN + .5 M_B, M_B = .5 JP + .5 M_A: A = CN 2/3, JP 1/3; B = CN 1/3, JP 2/3."""
    g = _graph("A", "B", "CN", "JP").market("m", CN=0.5, JP=0.5)
    _trade(g, "B", "A", tonnes=1.0)
    _trade(g, "CN", "A", tonnes=1.0)
    _trade(g, "A", "B", tonnes=2.0)
    _trade(g, "JP", "B", tonnes=2.0)
    mixes = country_mixes(g.supply())
    assert mixes[("A", "m")].shares == {"CN": pytest.approx(2 / 3), "JP": pytest.approx(1 / 3)}
    assert mixes[("B", "m")].shares == {"CN": pytest.approx(1 / 3), "JP": pytest.approx(2 / 3)}


def test_ferrite_flows_count_only_for_ferrite() -> None:
    """A flow of scope ferrite (HS 8505.19) counts for a ferrite item with that code, not
    for a rare-earth magnet that carries the same code."""
    g = Refs().countries("CN", "IN")
    g.node(Label.MAGNET_TYPE, "f", family="ferrite", hs_code="8505.19")
    g.node(Label.MAGNET_TYPE, "n", family="ndfeb", hs_code="8505.19")
    g.rel(
        RelType.TRADES,
        "CN",
        "IN",
        item="ferrite",
        hs_code="8505.19",
        year=2024,
        tonnes=50000.0,
        scope="ferrite",
    )
    mixes = country_mixes(g.supply())
    assert mixes[("IN", "f")].shares == {"CN": 1.0}
    assert ("IN", "n") not in mixes


def test_flows_without_tonnes_are_weighed_by_value() -> None:
    g = _graph("CN", "IN", "JP")
    _trade(g, "CN", "IN", value_usd=300.0)
    _trade(g, "JP", "IN", tonnes=9.0, value_usd=100.0)
    assert country_mixes(g.supply())[("IN", "m")].shares == {
        "CN": pytest.approx(0.75),
        "JP": pytest.approx(0.25),
    }


def test_a_maker_s_value_only_imports_cannot_stand_beside_its_tonnes() -> None:
    g = _graph("CN", "IN").rel(RelType.PRODUCES, "IN", "m", tonnes=10.0, year=2024)
    _trade(g, "CN", "IN", value_usd=300.0)
    data = g.supply()
    assert country_mixes(data) == {}
    assert any("neither tonnes" in w for w in data.warnings)


def test_a_maker_without_tonnes_stays_on_the_world_mix() -> None:
    g = _graph("CN", "IN").market("m", CN=0.8, IN=0.2)
    _trade(g, "CN", "IN", tonnes=10.0)
    data = g.supply()
    assert country_mixes(data) == {}
    assert any("no source gives its output in tonnes" in w for w in data.warnings)
    _oem_product(g, "IN")
    assert _magnet(g, "p-IN", "CN").basis is StageBasis.MARKET


def test_one_source_per_year_so_two_releases_never_add_up() -> None:
    """The same 2024 flows from two sources: the first by confidence, then id, is used."""
    g = _graph("CN", "IN", "JP")
    g.nodes.append(NodeRef(Label.SOURCE, "z-src", {"title": "Another release"}))
    _trade(g, "CN", "IN", tonnes=1.0, confidence="high")
    _trade(g, "JP", "IN", tonnes=1.0, confidence="high")
    g.rel(RelType.TRADES, "CN", "IN", item="m", year=2024, tonnes=99.0, source="z-src")
    g.rel(RelType.TRADES, "CN", "IN", item="m", year=2023, tonnes=99.0, confidence="high")
    mix = country_mixes(g.supply())[("IN", "m")]
    assert mix.shares == {"CN": 0.5, "JP": 0.5}
    assert (mix.year, mix.sources) == (2024, ("src-hand",))


def test_own_output_adds_to_imports() -> None:
    g = _graph("CN", "JP").rel(RelType.PRODUCES, "JP", "m", tonnes=3.0, year=2024)
    g.rel(RelType.PRODUCES, "CN", "m", tonnes=9.0, year=2024)
    _trade(g, "CN", "JP", tonnes=1.0)
    assert country_mixes(g.supply())[("JP", "m")].shares == {"CN": 0.25, "JP": 0.75}


def test_without_trade_flows_the_propagation_keeps_two_bases() -> None:
    g = _graph("CN").market("m", CN=1.0)
    _oem_product(g, "CN")
    assert g.snapshot().propagation.bases == (Basis.COMPANY, Basis.MARKET)
    _trade(g, "CN", "CN", tonnes=1.0)
    assert g.snapshot().propagation.bases == (Basis.COMPANY, Basis.MARKET)
    g2 = _graph("CN", "IN").market("m", CN=1.0)
    _oem_product(g2, "IN")
    _trade(g2, "CN", "IN", tonnes=1.0)
    assert g2.snapshot().propagation.bases == BASES
