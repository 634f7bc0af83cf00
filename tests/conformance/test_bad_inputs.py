"""Every bad input of the corpus is refused with ``file:row: field`` and writes nothing.

The store holds the bundled dataset, so cases may refer to ids that exist only there; after
each refusal its counts, graph version and a checksum of its contents are unchanged.

One loaded store per kind serves the module (loaded_store). Its full state is taken once and
then after each case; a case's "before" is the previous case's "after" while the graph
version is the one it was taken at (every load that writes bumps it, so a look-alike that
loads invalidates it), and the full state is taken again otherwise. A case that writes
anything, even without bumping the version, fails on its own "after" check.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from graph.errors import LoadError
from graph.model import Label
from graph.stores.base import Store
from loaders.load import load
from tests.support.bad_inputs import CASES, VALID, Case, materialise
from tests.support.stores import contents

State = tuple[dict[str, int], int, str]


class Taken:
    """The last full state taken of one store, and the graph version it was taken at."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.last: State | None = None

    def now(self) -> State:
        digest = hashlib.sha256(repr(contents(self.store)).encode()).hexdigest()
        self.last = self.store.counts(), self.store.graph_version().version, digest
        return self.last

    def before(self) -> State:
        """The state taken last if the graph version is still the one it was taken at."""
        if self.last is not None and self.last[1] == self.store.graph_version().version:
            return self.last
        return self.now()


@pytest.fixture(scope="module")
def taken(loaded_store: Store) -> Taken:
    return Taken(loaded_store)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_bad_input_is_refused_and_writes_nothing(
    loaded_store: Store, taken: Taken, case: Case, tmp_path: Path
) -> None:
    before = taken.before()
    target = materialise(case, tmp_path / "case")
    with pytest.raises(LoadError) as caught:
        load(store=loaded_store, path=target)
    expect = case.expect.replace("{folder}", str(tmp_path / "case"))
    messages = [str(p) for p in caught.value.problems]
    assert any(m.startswith(expect + ": ") for m in messages), messages
    assert taken.now() == before


def test_the_check_sees_a_write_that_keeps_the_version(loaded_store: Store, taken: Taken) -> None:
    """The shared "before" cannot hide a write: one node written outside a load (the
    version unchanged) makes the "after" differ, and removing it restores the state."""
    before = taken.before()
    row = {"id": "check-sees-a-write", "name": "Written", "source": "s", "confidence": "low"}
    loaded_store.upsert_nodes(Label.PRODUCT, [row])
    try:
        after = taken.now()
        assert after[1] == before[1]
        assert after != before
    finally:
        loaded_store.delete_nodes(Label.PRODUCT, ["check-sees-a-write"])
    assert taken.now() == before


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 60
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("name", sorted(VALID))
def test_a_valid_look_alike_loads(loaded_store: Store, name: str, tmp_path: Path) -> None:
    content, expected_name = VALID[name]
    (tmp_path / "products.csv").write_bytes(content)
    summary, _ = load(store=loaded_store, path=str(tmp_path))
    assert summary.nodes["Product"].created + summary.nodes["Product"].matched == 1
    names = [n.properties["name"] for n in loaded_store.page(Label.PRODUCT, after="ok-", first=50)]
    assert expected_name in names
