"""Row validation messages name the file, row and field, and say what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.errors import LoadError
from graph.model import Label
from loaders.formats import dataset
from loaders.validate import NothingStored, validate
from tests.support.casebook import DatasetWriter
from tests.support.views import KnownIds


def _problems(folder: Path) -> list[str]:
    with pytest.raises(LoadError) as caught:
        validate(lambda: dataset.read(str(folder)), store=NothingStored())
    return [str(p) for p in caught.value.problems]


def test_every_bad_field_is_reported_with_its_row(tmp_path: Path) -> None:
    d = DatasetWriter().countries("CN")
    d.add("products.csv", id="p", name="P")
    d.add("magnet_types.csv", id="m", name="M", family="ndfeb", rare_earth="maybe")
    d.add("bom.csv", parent="p", child="m", share=0.5, kg_per_unit=-1)
    d.add("market_shares.csv", item="m", country="cn", year=2024, share=0.5, scope="x")
    d.add(
        "export_controls.csv", id="x", name="X", issuer="CN", announced="2025-13", status="in_force"
    )
    problems = _problems(d.write(tmp_path))
    assert (
        "magnet_types.csv:2: rare_earth: Input should be a valid boolean, unable to "
        "interpret input (got 'maybe')" in problems
    )
    assert (
        "bom.csv:2: kg_per_unit: Input should be greater than or equal to 0 (got '-1')" in problems
    )
    assert any(
        p.startswith("market_shares.csv:2: country: String should match pattern") for p in problems
    )
    assert any(p.startswith("export_controls.csv:2: announced: Value error") for p in problems)


def test_shares_of_one_whole_may_not_exceed_one(tmp_path: Path) -> None:
    d = DatasetWriter().countries("CN", "JP")
    d.add("magnet_types.csv", id="m", name="M", family="ndfeb", rare_earth="true")
    d.market("m", CN=0.7, JP=0.4)
    problems = _problems(d.write(tmp_path))
    assert problems == [
        "market_shares.csv:3: share: the shares of PRODUCES rows for 'm' from source "
        "'src-test' add up to 1.1, above 1"
    ]


def test_duplicate_ids_and_wrong_kinds_are_refused(tmp_path: Path) -> None:
    d = DatasetWriter().countries("CN")
    d.add("products.csv", id="p", name="P").add("components.csv", id="p", name="Also P")
    d.add("companies.csv", id="co", name="Co", country="CN", roles="oem")
    d.add("sourcing.csv", consumer="co", item="co", supplier="co")
    problems = _problems(d.write(tmp_path))
    assert "products.csv:2: id: 'p' is already defined at components.csv:2" in problems
    assert (
        "sourcing.csv:2: item: 'co' is a Company, expected Material or MagnetType or "
        "Component" in problems
    )


def test_a_suspended_control_needs_its_end_date(tmp_path: Path) -> None:
    d = DatasetWriter().countries("CN")
    d.add(
        "export_controls.csv",
        id="x",
        name="X",
        issuer="CN",
        announced="2025-10-09",
        status="suspended",
    )
    assert _problems(d.write(tmp_path)) == [
        "export_controls.csv:2: suspended_until: a suspended control needs suspended_until"
    ]


def test_references_resolve_against_the_store(tmp_path: Path) -> None:
    d = DatasetWriter()
    d.add("products.csv", id="p", name="P", oem="known-oem")
    batch = validate(
        lambda: dataset.read(str(d.write(tmp_path))),
        store=KnownIds({"known-oem": Label.COMPANY}),
    ).batch()
    assert [(r.start, r.end) for r in batch.relationships] == [("known-oem", "p")]


def test_a_duplicate_id_is_reported_once(tmp_path: Path) -> None:
    """The second row's own relationships are not built, so no "repeats the fact" follows."""
    d = DatasetWriter().countries("CN")
    d.add("companies.csv", id="co", name="Co", country="CN", roles="oem")
    d.add("companies.csv", id="co", name="Co again", country="CN", roles="oem")
    assert _problems(d.write(tmp_path)) == [
        "companies.csv:3: id: 'co' is already defined at companies.csv:2"
    ]


def test_each_supply_cycle_is_named_once_in_order(tmp_path: Path) -> None:
    d = DatasetWriter()
    d.material("a", "metal", "metal").material("b", "metal", "metal").material(
        "c", "metal", "metal"
    )
    d.bom("a", "b", 0.5).bom("b", "a", 0.5).bom("a", "b", 0.5, year=2024).bom("c", "c", 0.1)
    assert [p for p in _problems(d.write(tmp_path)) if "cycle" in p] == [
        "bom.csv:3: child: supply cycle: a -> b -> a (an item would be made from itself)",
        "bom.csv:5: child: supply cycle: c -> c (an item would be made from itself)",
    ]


def test_all_references_of_a_row_are_reported(tmp_path: Path) -> None:
    d = DatasetWriter()
    d.add("sourcing.csv", consumer="nobody", item="nothing", supplier="no-one")
    problems = _problems(d.write(tmp_path))
    assert [p.split(": ")[1] for p in problems] == ["consumer", "item", "supplier"]
