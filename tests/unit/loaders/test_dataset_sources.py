"""The bundled dataset's provenance holds: every row cites a Source that exists.

Read through the real dataset reader, with no store. The same checks run on a small bad
dataset first, so each can be seen to fail.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from loaders.formats import dataset
from loaders.raw import RawRow
from loaders.rows import SourceRow
from tests.support.casebook import DatasetWriter

DATASET = Path(__file__).resolve().parents[3] / "dataset"
SOURCE_OPTIONAL = {"countries.csv"}
"""Files whose rows may leave ``source`` empty (docs/data-format.md)."""
MODELLING = "sg-modelling"


def _rows(folder: Path) -> list[RawRow]:
    rows: list[RawRow] = []
    for item in dataset.read(str(folder)):
        assert isinstance(item, RawRow), f"{item.origin}: {item.field}: {item.message}"
        rows.append(item)
    return rows


def _source_ids(rows: list[RawRow]) -> set[str]:
    return {row.cells["id"] for row in rows if row.model is SourceRow}


def unresolved_sources(folder: Path) -> list[str]:
    """One line per row whose ``source`` is missing or names no row of sources.csv."""
    rows = _rows(folder)
    known = _source_ids(rows)
    problems: list[str] = []
    for row in rows:
        if row.model is SourceRow:
            continue
        source = row.cells.get("source")
        if source is None:
            if row.origin.file not in SOURCE_OPTIONAL:
                problems.append(f"{row.origin}: source: missing")
        elif source not in known:
            problems.append(f"{row.origin}: source: '{source}' is not in sources.csv")
    return problems


def modelling_rows_not_low(folder: Path) -> list[str]:
    return [
        f"{row.origin}: confidence: '{row.cells.get('confidence')}' on an {MODELLING} row"
        for row in _rows(folder)
        if row.cells.get("source") == MODELLING and row.cells.get("confidence") != "low"
    ]


def uncited_sources(folder: Path) -> list[str]:
    rows = _rows(folder)
    cited = {row.cells.get("source") for row in rows if row.model is not SourceRow}
    return sorted(_source_ids(rows) - cited)


def test_the_checks_catch_a_dangling_source_an_uncited_one_and_confident_modelling(
    tmp_path: Path,
) -> None:
    d = DatasetWriter().countries("CN")
    d.add("sources.csv", id="never-cited", title="A report nobody cites")
    d.add("sources.csv", id=MODELLING, title="Modelling assumptions")
    d.add("products.csv", id="p", name="P", source="nowhere")
    d.add("products.csv", id="q", name="Q", source=MODELLING, confidence="medium")
    folder = d.write(tmp_path / "bad")
    assert unresolved_sources(folder) == ["products.csv:2: source: 'nowhere' is not in sources.csv"]
    assert modelling_rows_not_low(folder) == [
        "products.csv:3: confidence: 'medium' on an sg-modelling row"
    ]
    assert uncited_sources(folder) == ["never-cited"]


def test_every_bundled_row_cites_a_source_that_exists() -> None:
    assert unresolved_sources(DATASET) == []


def test_bundled_modelling_rows_are_low_confidence() -> None:
    assert modelling_rows_not_low(DATASET) == []


def test_every_bundled_source_is_cited() -> None:
    assert uncited_sources(DATASET) == []


def test_bundled_dataset_keeps_its_coverage_floor() -> None:
    """The floor issue 15 set: companies and plants along every stage, supply links,
    products in each of the six end uses, and a market set at each stage of NdFeB's chain."""
    rows = _rows(DATASET)
    per_file = Counter(row.origin.file for row in rows)
    assert per_file["companies.csv"] >= 40
    assert per_file["facilities.csv"] >= 40
    assert per_file["products.csv"] >= 50
    assert per_file["sourcing.csv"] >= 20
    stages = {row.cells["stage"] for row in rows if row.origin.file == "facilities.csv"}
    assert stages >= {"mining", "separation", "metal", "magnet"}
    products = {row.cells["id"] for row in rows if row.origin.file == "products.csv"}
    end_uses = {
        row.cells["end_use"]
        for row in rows
        if row.origin.file == "end_use_links.csv" and row.cells["item"] in products
    }
    assert end_uses == {
        "automotive",
        "defence",
        "medical-imaging",
        "wind",
        "drones",
        "electronics",
    }
    with_market = {row.cells["item"] for row in rows if row.origin.file == "market_shares.csv"}
    assert {"re-concentrate", "ndpr-oxide", "ndpr-metal", "ndfeb-sintered"} <= with_market
