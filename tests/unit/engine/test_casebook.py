"""The hand-computed cases on the engine alone: no store, no Java.

The same dataset files the conformance suite loads into each store are read and validated
here with nothing stored, and solved directly; the checks are those of
tests/support/casebook.py, so a difference between the engine and a store shows up as one
side failing.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import count
from pathlib import Path

import pytest

from graph.engine.snapshot import Snapshot
from graph.model import Label
from graph.records import GraphVersion
from tests.support import casebook
from tests.support.supply import Refs, supply_from_dataset


@pytest.mark.parametrize("check", casebook.CHECKS, ids=lambda check: check.__name__)
def test_casebook(check: Callable[[casebook.Solve], None], tmp_path: Path) -> None:
    written = count()

    def solve(case: casebook.DatasetWriter) -> Snapshot:
        folder = case.write(tmp_path / f"case-{next(written)}")
        supply = supply_from_dataset(folder, releases=casebook.releases(folder))
        return Snapshot(supply, GraphVersion(1, None))

    check(solve)


def test_a_cycle_is_refused_with_the_nodes_involved() -> None:
    """casebook.cycle(), built by hand: the loader would refuse it before any write."""
    g = Refs().countries("CN")
    g.node(Label.PRODUCT, "p").node(Label.MAGNET_TYPE, "m")
    g.node(Label.MATERIAL, "a", stage="metal", form="metal")
    g.node(Label.MATERIAL, "b", stage="metal", form="alloy")
    g.bom("p", "m", 1.0).bom("m", "a", 1.0).bom("a", "b", 0.5).bom("b", "a", 0.5)
    casebook.a_cycle_is_refused_with_the_nodes_involved(g.market("a", CN=1.0).snapshot())
