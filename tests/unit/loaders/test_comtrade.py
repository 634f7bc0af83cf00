"""UN Comtrade rows, read without a store: totals, breakdowns, both sides, extra columns."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from graph.errors import LoadError
from graph.model import RelType
from loaders.importer import ReleaseFormat, read_release
from tests.support.stores import REPO

SOURCE = REPO / "tests" / "data" / "releases" / "comtrade" / "comtrade_india_2024.csv"


def _without(tmp_path: Path, lines: set[int]) -> Path:
    with SOURCE.open(newline="", encoding="utf-8") as f:
        rows = [r for i, r in enumerate(csv.reader(f), start=1) if i not in lines]
    target = tmp_path / SOURCE.name
    with target.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return target


def _tonnes(path: Path) -> dict[tuple[str, str, object], object]:
    intake = read_release(ReleaseFormat.COMTRADE, path)
    assert intake.problems == []
    return {
        (r.start, r.end, r.properties["hs_code"]): r.properties["tonnes"]
        for r in intake.relationships
        if r.type is RelType.TRADES
    }


def test_breakdown_rows_count_only_where_a_flow_has_no_total(tmp_path: Path) -> None:
    assert _tonnes(SOURCE)[("CN", "IN", "8505.11")] == 600  # the total row, not 600 + 520 + 80
    # Without India's total row (line 2) the sea and air rows stand in: 520 + 80; China's
    # own export declaration (line 5) is not India's, so it is not used either way.
    assert _tonnes(_without(tmp_path, {2}))[("CN", "IN", "8505.11")] == 600


def test_without_the_importers_report_the_exporters_is_used(tmp_path: Path) -> None:
    intake = read_release(ReleaseFormat.COMTRADE, _without(tmp_path, {2, 3, 4}))
    (flow,) = [
        r
        for r in intake.relationships
        if (r.start, r.end, r.properties["hs_code"]) == ("CN", "IN", "8505.11")
    ]
    assert flow.properties["reported_by"] == "exporter"
    assert flow.properties["tonnes"] == 655 and flow.properties["mirror_tonnes"] is None


def test_columns_after_is_aggregate_are_ignored_with_a_note() -> None:
    intake = read_release(ReleaseFormat.COMTRADE, SOURCE)
    assert "comtrade_india_2024.csv: 1 column(s) after isAggregate ignored: downloadedBy" in (
        intake.notes
    )


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    text = SOURCE.read_text(encoding="utf-8").replace("netWgt,", "netWeight,", 1)
    target = tmp_path / "c.csv"
    target.write_text(text, encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        read_release(ReleaseFormat.COMTRADE, target)
    assert [str(p) for p in caught.value.problems] == ["c.csv:1: netWgt: column missing"]
