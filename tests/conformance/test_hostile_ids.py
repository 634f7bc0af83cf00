"""Ids and names that would break a query built by splicing values into its text go in and
come back unharmed on both stores, and reach each store only as parameters."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.model import NODES, Label, RelType
from graph.stores.base import Store
from tests.support.hostile import HOSTILE_IDS, Sent, recorded_store
from tests.support.stores import STORE_KINDS

SENTINELS = ("CN", "JP")
"""Countries written first: a statement that escaped its parameters would delete them."""


@pytest.fixture(params=STORE_KINDS)
def recorded(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Store, Sent]]:
    store, sent = recorded_store(request, request.param, tmp_path, monkeypatch)
    try:
        yield store, sent
    finally:
        store.close()


def _company(node_id: str) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(NODES[Label.COMPANY].properties)
    row.update(id=node_id, name=f"name {node_id}", country="CN", roles=[node_id, "oem"])
    row.update(source=node_id, note=node_id)
    return row


def _write(store: Store) -> None:
    countries = [dict.fromkeys(NODES[Label.COUNTRY].properties) for _ in SENTINELS]
    for row, code in zip(countries, SENTINELS, strict=True):
        row.update(id=code, name=f"Country {code}")
    store.upsert_nodes(Label.COUNTRY, countries)
    store.upsert_nodes(Label.COMPANY, [_company(h) for h in HOSTILE_IDS])
    store.upsert_relationships(
        RelType.HEADQUARTERED_IN,
        Label.COMPANY,
        Label.COUNTRY,
        [{"start": h, "end": "CN", "key": f"{h}>CN", "note": h} for h in HOSTILE_IDS],
    )


def test_hostile_ids_round_trip_unharmed(recorded: tuple[Store, Sent]) -> None:
    store, _ = recorded
    _write(store)
    assert store.count(Label.COUNTRY) == len(SENTINELS)
    assert store.count(Label.COMPANY) == len(HOSTILE_IDS)
    assert store.labels_of([*HOSTILE_IDS, "CN", "not-there"]) == {
        **dict.fromkeys(HOSTILE_IDS, Label.COMPANY),
        "CN": Label.COUNTRY,
    }
    found = {n.id: n.properties for n in store.nodes(Label.COMPANY, HOSTILE_IDS)}
    assert set(found) == set(HOSTILE_IDS)
    for h in HOSTILE_IDS:
        assert found[h]["name"] == f"name {h}" and found[h]["note"] == h
        assert found[h]["roles"] == [h, "oem"]
        [country] = store.neighbours(Label.COMPANY, h, RelType.HEADQUARTERED_IN, outgoing=True)
        assert (country.label, country.id) == (Label.COUNTRY, "CN")
    inbound = store.neighbours(Label.COUNTRY, "CN", RelType.HEADQUARTERED_IN, outgoing=False)
    assert sorted(n.id for n in inbound) == sorted(HOSTILE_IDS)
    rels = list(store.extract_relationships([RelType.HEADQUARTERED_IN]))
    assert sorted((r.start, r.end, r.properties["key"], r.properties["note"]) for r in rels) == (
        sorted((h, "CN", f"{h}>CN", h) for h in HOSTILE_IDS)
    )
    for h in HOSTILE_IDS:
        page = store.page(Label.COMPANY, after=h, first=100)
        assert [n.id for n in page] == sorted(i for i in HOSTILE_IDS if i > h)
    for h in HOSTILE_IDS:
        assert store.bump_version(h).loaded_at == h
        assert store.graph_version().loaded_at == h
    assert sorted(n.id for n in store.extract_nodes([Label.COUNTRY])) == sorted(SENTINELS)


def test_hostile_values_reach_the_store_only_as_parameters(
    recorded: tuple[Store, Sent],
) -> None:
    store, sent = recorded
    _write(store)
    for h in HOSTILE_IDS:
        store.nodes(Label.COMPANY, [h])
        store.labels_of([h])
        store.page(Label.COMPANY, after=h, first=5)
        store.neighbours(Label.COMPANY, h, RelType.HEADQUARTERED_IN, outgoing=True)
        store.bump_version(h)
    assert sent.calls, "the recorder saw nothing: the test would pass vacuously"
    for statement in sent.statements():
        for h in HOSTILE_IDS:
            assert h not in statement, f"{h!r} was spliced into: {statement}"
    values = {v for v in sent.parameter_values() if isinstance(v, str)}
    for h in HOSTILE_IDS:
        assert h in values, f"{h!r} never reached the store as a parameter"
