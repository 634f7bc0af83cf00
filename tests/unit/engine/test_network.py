"""Pure pieces of the engine: splitting an input between suppliers, levels, cycles."""

from __future__ import annotations

import pytest

from graph.engine.facts import Fact, SupplierLink
from graph.engine.network import split_links


def _link(supplier: str, share: float | None) -> SupplierLink:
    return SupplierLink("c", "m", supplier, share, Fact("s", "high", 2024))


def test_known_shares_leave_the_rest_to_the_market() -> None:
    parts, rest = split_links([_link("a", 0.6), _link("b", 0.3)])
    assert [(link.supplier, w) for link, w in parts] == [("a", 0.6), ("b", 0.3)]
    assert rest == pytest.approx(0.1)


def test_links_without_a_share_split_what_is_left_equally() -> None:
    parts, rest = split_links([_link("a", 0.5), _link("b", None), _link("c", None)])
    assert [(link.supplier, w) for link, w in parts] == [("a", 0.5), ("b", 0.25), ("c", 0.25)]
    assert rest == 0.0


def test_shares_above_one_are_scaled_down() -> None:
    parts, rest = split_links([_link("a", 0.8), _link("b", 0.8)])
    assert [w for _, w in parts] == [pytest.approx(0.5), pytest.approx(0.5)]
    assert rest == 0.0


def test_no_links_means_all_market() -> None:
    assert split_links([]) == ([], 1.0)
