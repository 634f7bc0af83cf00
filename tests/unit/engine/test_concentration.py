"""Concentration: shares, HHI and top shares of one set (pure), and the question over a
hand-made graph (year, stage, threshold)."""

from __future__ import annotations

import pytest

from graph.engine.answers import Named
from graph.engine.concentration import measure, pick
from graph.engine.facts import Fact, MarketMix
from graph.errors import NotFound, QueryError
from graph.model import Label, Stage
from tests.support.supply import Refs

ITEM = Named("m", "M", "MagnetType")


def test_unattributed_output_is_left_out_of_hhi_and_top_shares() -> None:
    mix = MarketMix("m", {"CN": 0.7, "AU": 0.2, "ZZ": 0.1}, Fact("s", "high", 2024))
    answer = measure(mix, item=ITEM, stage=Stage.MAGNET, source=None)
    assert [(s.country, s.share) for s in answer.shares] == [("CN", 0.7), ("AU", 0.2)]
    assert answer.hhi == pytest.approx(70.0**2 + 20.0**2)
    assert (answer.top1, answer.top3, answer.coverage) == (
        0.7,
        pytest.approx(0.9),
        pytest.approx(0.9),
    )
    assert answer.flagged and answer.year == 2024 and answer.confidence == "high"


def test_the_flag_is_strictly_above_the_threshold() -> None:
    mix = MarketMix("m", {"CN": 0.7, "JP": 0.3}, Fact(None, None, None))
    assert not measure(mix, item=ITEM, stage=None, source=None, threshold=0.7).flagged
    assert measure(mix, item=ITEM, stage=None, source=None, threshold=0.69).flagged


def test_pick_takes_the_year_asked_or_the_best_set() -> None:
    best = MarketMix("m", {"CN": 1.0}, Fact("a", "high", 2024))
    older = MarketMix("m", {"CN": 0.5}, Fact("a", "high", 2023))
    assert pick([best, older], None) is best
    assert pick([best, older], 2023) is older
    assert pick([best, older], 2020) is None


def test_the_question_filters_by_stage_and_year_and_names_the_source() -> None:
    g = Refs().countries("CN", "JP")
    g.node(Label.MAGNET_TYPE, "m").node(Label.MATERIAL, "o", stage="separation", form="oxide")
    g.market("m", 2024, CN=0.9, JP=0.1).market("m", 2023, CN=0.5, JP=0.5)
    snapshot = g.market("o", CN=0.6, JP=0.4).snapshot()
    assert [c.item.id for c in snapshot.concentration()] == ["m", "o"]
    [oxide] = snapshot.concentration(stage=Stage.SEPARATION)
    assert oxide.item.id == "o" and oxide.hhi == pytest.approx(3600 + 1600)
    assert oxide.source is not None and oxide.source.title == "By hand"
    [older] = snapshot.concentration(item="m", year=2023)
    assert (older.year, older.top1, older.flagged) == (2023, 0.5, False)
    assert snapshot.concentration(item="m", year=2020) == []
    with pytest.raises(QueryError, match="threshold must be between 0 and 1"):
        snapshot.concentration(threshold=1.5)
    with pytest.raises(NotFound, match="'nothing'"):
        snapshot.concentration(item="nothing")
