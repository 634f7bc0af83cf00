"""Every bad input of the corpus is refused with ``file:row: field`` and writes nothing.

The store holds the bundled dataset, so cases may refer to ids that exist only there; after
each refusal its counts, graph version and a checksum of its contents are unchanged.
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


def _state(store: Store) -> tuple[dict[str, int], int, str]:
    digest = hashlib.sha256(repr(contents(store)).encode()).hexdigest()
    return store.counts(), store.graph_version().version, digest


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_bad_input_is_refused_and_writes_nothing(
    loaded_store: Store, case: Case, tmp_path: Path
) -> None:
    before = _state(loaded_store)
    target = materialise(case, tmp_path / "case")
    with pytest.raises(LoadError) as caught:
        load(store=loaded_store, path=target)
    expect = case.expect.replace("{folder}", str(tmp_path / "case"))
    messages = [str(p) for p in caught.value.problems]
    assert any(m.startswith(expect + ": ") for m in messages), messages
    assert _state(loaded_store) == before


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
