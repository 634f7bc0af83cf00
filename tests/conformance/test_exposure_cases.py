"""Hand-computed supply graphs give exact answers on every store.

Each case is written as dataset CSV files, loaded through the real loader into the store
under test, extracted and solved. The cases and their expected numbers are in
tests/support/casebook.py; tests/unit/engine/test_casebook.py runs the same checks on the
engine alone.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import count
from pathlib import Path

import pytest

from graph.engine.snapshot import Snapshot
from graph.snapshots import SnapshotCache
from graph.stores.base import Store
from loaders.importer import import_release
from loaders.load import load
from tests.support import casebook


def _through(store: Store, folder: Path) -> casebook.Solve:
    written = count()

    def solve(case: casebook.DatasetWriter) -> Snapshot:
        written_to = case.write(folder / f"case-{next(written)}")
        load(store=store, path=str(written_to))
        for kind, release in casebook.releases(written_to):
            import_release(kind, release, store=store, batch_size=100)
        return SnapshotCache().get(store)

    return solve


@pytest.mark.parametrize("check", casebook.CHECKS, ids=lambda check: check.__name__)
def test_casebook(check: Callable[[casebook.Solve], None], store: Store, tmp_path: Path) -> None:
    check(_through(store, tmp_path))


def test_a_cycle_is_refused_with_the_nodes_involved(store: Store, tmp_path: Path) -> None:
    casebook.load_cycle(store, tmp_path / "case")
    casebook.a_cycle_is_refused_with_the_nodes_involved(SnapshotCache().get(store))
