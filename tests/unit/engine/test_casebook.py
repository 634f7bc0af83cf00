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
from graph.records import GraphVersion
from tests.support import casebook
from tests.support.supply import supply_from_dataset


@pytest.mark.parametrize("check", casebook.CHECKS, ids=lambda check: check.__name__)
def test_casebook(check: Callable[[casebook.Solve], None], tmp_path: Path) -> None:
    written = count()

    def solve(case: casebook.DatasetWriter) -> Snapshot:
        folder = case.write(tmp_path / f"case-{next(written)}")
        supply = supply_from_dataset(folder, releases=casebook.releases(folder))
        return Snapshot(supply, GraphVersion(1, None))

    check(solve)
