"""Dependents on a hand-made network: ranked by highest stage share, grouped by OEM or
end use, filtered through an item, cut to a limit."""

from __future__ import annotations

import numpy as np
import pytest

from graph.engine.answers import Dependent, SubjectKind
from graph.engine.propagation import STAGES
from graph.engine.snapshot import Snapshot
from graph.errors import QueryError
from graph.model import Label, RelType, Stage
from tests.support.supply import Refs


def _snapshot() -> Snapshot:
    """P1 -> M (1), P2 -> M (.5), P3 -> F (1). M: CN .8; F: CN .1. OEM O makes P1 and
    P2; P2 and P3 are used in E. Dependence on CN: P1 .8, P2 .4, P3 .1."""
    g = Refs().countries("CN", "US")
    for p in ("p1", "p2", "p3"):
        g.node(Label.PRODUCT, p)
    g.node(Label.MAGNET_TYPE, "m").node(Label.MAGNET_TYPE, "f")
    g.node(Label.COMPANY, "o").node(Label.END_USE, "e")
    g.bom("p1", "m", 1.0).bom("p2", "m", 0.5).bom("p3", "f", 1.0)
    g.market("m", CN=0.8).market("f", CN=0.1)
    g.rel(RelType.MAKES, "o", "p1").rel(RelType.MAKES, "o", "p2")
    g.rel(RelType.USED_IN, "p2", "e").rel(RelType.USED_IN, "p3", "e")
    return g.snapshot()


def _ranked(found: list[Dependent]) -> list[tuple[str, float]]:
    return [(d.subject.id, round(d.share, 12)) for d in found]


def test_products_are_ranked_by_their_highest_stage_share() -> None:
    snapshot = _snapshot()
    found = snapshot.dependents("CN")
    assert _ranked(found) == [("p1", 0.8), ("p2", 0.4), ("p3", 0.1)]
    assert {d.stage for d in found} == {Stage.MAGNET}
    assert [o.id for o in found[0].oems] == ["o"] and found[0].end_uses == ()
    assert _ranked(snapshot.dependents("CN", limit=2)) == [("p1", 0.8), ("p2", 0.4)]
    with pytest.raises(QueryError, match="limit must be at least 1"):
        snapshot.dependents("CN", limit=0)


def test_oems_and_end_uses_are_the_mean_of_their_products() -> None:
    snapshot = _snapshot()
    [oem] = snapshot.dependents("CN", kind=SubjectKind.OEM)
    assert (oem.subject.id, oem.share) == ("o", pytest.approx(0.6))
    assert [p.id for p in oem.products] == ["p1", "p2"]
    [use] = snapshot.dependents("CN", kind=SubjectKind.END_USE)
    assert (use.subject.id, use.share) == ("e", pytest.approx(0.25))


def test_through_an_item_counts_only_what_passes_it() -> None:
    assert _ranked(_snapshot().dependents("CN", "f")) == [("p3", 0.1)]


def test_a_country_nothing_comes_from_has_no_dependents() -> None:
    assert _snapshot().dependents("US") == []


def test_the_stage_table_holds_every_stage_and_country() -> None:
    snapshot = _snapshot()
    table = {named.id: shares for named, shares in snapshot.stage_table()}
    assert sorted(table) == ["p1", "p2", "p3"]
    assert table["p1"].shape == (len(STAGES), len(snapshot.countries))
    cn = snapshot.countries.index("CN")
    expected = np.zeros(len(STAGES))
    expected[STAGES.index(Stage.MAGNET)] = 0.4
    assert table["p2"][:, cn] == pytest.approx(expected)
