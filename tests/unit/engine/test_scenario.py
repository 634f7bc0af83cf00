"""Export-control scenarios on a hand-made graph, with the clock handed in: the first day
defaults to the control's effective date, else to ``today``, and the status follows."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest

from graph.engine.controls import Control, status_on
from graph.engine.snapshot import Snapshot
from graph.errors import QueryError
from graph.model import Label, RelType
from tests.support.supply import Refs

ENGINE = Path(__file__).resolve().parents[3] / "graph" / "engine"


def _snapshot() -> Snapshot:
    """P (OEM O, HQ IN) -> M (1); M: CN .6 JP .4. O holds 3-6 weeks of M. Control X (CN,
    over M) is effective from "2025-04", a month only; control Y from 2025-01-10."""
    g = Refs().countries("CN", "JP", "IN")
    g.node(Label.PRODUCT, "p").node(Label.MAGNET_TYPE, "m").node(Label.COMPANY, "o", country="IN")
    g.bom("p", "m", 1.0).market("m", CN=0.6, JP=0.4)
    g.rel(RelType.MAKES, "o", "p")
    g.rel(RelType.HOLDS_STOCK, "o", "m", weeks=3.0, weeks_high=6.0)
    g.node(Label.EXPORT_CONTROL, "x", issuer="CN", effective="2025-04")
    g.node(Label.EXPORT_CONTROL, "y", issuer="CN", effective="2025-01-10")
    g.rel(RelType.COVERS, "x", "m").rel(RelType.COVERS, "y", "m")
    return g.snapshot()


def test_a_month_only_control_is_in_force_from_the_first_of_the_month() -> None:
    """Partial dates mean the start of their period: "2025-04" is 1 April, whatever today
    is (it used to be today, so the answer moved with the clock)."""
    snapshot = _snapshot()
    for today in (date(2025, 3, 15), date(2025, 4, 20), date(2027, 1, 1)):
        answer = snapshot.scenario(control="x", today=today)
        assert (answer.start, answer.as_of, answer.counted_from) == ("2025-04-01",) * 3
        assert answer.in_force and answer.products[0].shortfall == pytest.approx(0.6)
    before = snapshot.scenario(control="x", today=date(2025, 3, 15), as_of=date(2025, 3, 31))
    assert not before.in_force and before.status == "not yet in force (effective 2025-04)"
    assert before.products == () and before.counted_from == "2025-04-01"


def test_a_full_effective_date_is_the_first_day_whatever_today_is() -> None:
    answer = _snapshot().scenario(control="y", today=date(2027, 1, 1))
    assert (answer.start, answer.as_of, answer.in_force) == ("2025-01-10", "2025-01-10", True)


def test_stock_runs_out_counted_from_today_when_nothing_else_gives_a_start() -> None:
    """Shortfall .6 against 3-6 weeks of cover: 5 and 10 weeks, 35 and 70 days."""
    answer = _snapshot().scenario(issuer="CN", items=["m"], today=date(2025, 4, 20))
    [impact] = answer.products
    assert answer.start == "2025-04-20" and answer.control is None
    assert impact.cover_weeks == (3.0, 6.0)
    assert impact.weeks_to_stockout == (pytest.approx(5.0), pytest.approx(10.0))
    assert impact.stockout_dates == ("2025-05-25", "2025-06-29")
    assert impact.runs_out_within_duration is True
    assert [(g.entity.id, g.products) for g in answer.oems] == [("o", 1)]


def test_bad_arguments_are_refused() -> None:
    snapshot = _snapshot()
    with pytest.raises(QueryError, match="durationWeeks must not be negative"):
        snapshot.scenario(control="x", duration_weeks=-1, today=date(2025, 5, 1))
    with pytest.raises(QueryError, match="give a control id, or an issuer and the items"):
        snapshot.scenario(issuer="CN", today=date(2025, 5, 1))


@pytest.mark.parametrize(
    ("day", "in_force", "status"),
    [
        (date(2025, 1, 1), False, "not yet in force (effective 2025-02-01)"),
        (date(2025, 2, 1), True, "in force"),
        (date(2025, 6, 1), False, "suspended until 2025-09-01"),
        (date(2025, 9, 1), True, "in force"),
        (date(2026, 1, 1), False, "expired on 2026-01-01"),
    ],
)
def test_status_by_day(day: date, in_force: bool, status: str) -> None:
    control = Control(
        id="c",
        name="C",
        issuer="CN",
        items=frozenset({"m"}),
        effective="2025-02-01",
        suspended_from="2025-05-01",
        suspended_until="2025-09-01",
        expires="2026-01-01",
    )
    assert status_on(control, day) == (in_force, status)


def test_the_engine_reads_no_clock() -> None:
    """The date comes in as an argument: no call to date.today() or datetime.now()."""
    calls = [
        f"{path.name}:{node.lineno}"
        for path in sorted(ENGINE.glob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute)
        and node.attr in ("today", "now", "utcnow")
        and isinstance(node.value, ast.Name)
        and node.value.id in ("date", "datetime")
    ]
    assert sorted(p.name for p in ENGINE.glob("*.py")) and calls == []
