"""CEPII BACI, read without a store: product codes as text, both country-code layouts."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.errors import LoadError
from graph.model import RelType
from loaders.formats import baci
from loaders.formats.release import Countries, Intake, hs_items

OLD_CODES = (
    "country_code,country_name_abbreviation,country_name_full,iso_2digit_alpha,iso_3digit_alpha\n"
    "156,China,China,CN,CHN\n699,India,India,IN,IND\n490,Other Asia nes,Other Asia nes,,\n"
)


def _read(folder: Path) -> Intake:
    intake = Intake()
    baci.read(folder, intake=intake, countries=Countries(), codes=hs_items())
    return intake


def test_older_country_code_files_and_padded_cells(tmp_path: Path) -> None:
    (tmp_path / "country_codes_V202201.csv").write_text(OLD_CODES, encoding="latin-1")
    (tmp_path / "BACI_HS17_Y2020_V202201.csv").write_text(
        "t,i,j,k,v,q\n2020,156,699,850511,  10.5,          NA\n2020,156,699,10121,1,1\n",
        encoding="utf-8",
    )
    intake = _read(tmp_path)
    assert intake.problems == []
    (flow,) = [r for r in intake.relationships if r.type is RelType.TRADES]
    assert (flow.start, flow.end, flow.properties["value_usd"]) == ("CN", "IN", 10_500.0)
    assert flow.properties["tonnes"] is None
    assert flow.properties["source"] == "cepii-baci-hs17-v202201"
    assert "BACI: 2 row(s) parsed, 1 in the HS codes of dataset/mappings/hs_items.csv kept" in (
        intake.notes
    )


def test_without_its_country_code_file_baci_is_refused(tmp_path: Path) -> None:
    (tmp_path / "BACI_HS17_Y2020_V202201.csv").write_text("t,i,j,k,v,q\n", encoding="utf-8")
    with pytest.raises(LoadError, match=r"country-code file \(country_codes_V\*\.csv\)"):
        _read(tmp_path)


def test_a_bad_number_is_refused_with_its_row(tmp_path: Path) -> None:
    (tmp_path / "country_codes_V202201.csv").write_text(OLD_CODES, encoding="utf-8")
    (tmp_path / "BACI_HS17_Y2020_V202201.csv").write_text(
        "t,i,j,k,v,q\n2020,156,699,850511,ten,1\n", encoding="utf-8"
    )
    assert [str(p) for p in _read(tmp_path).problems] == [
        "BACI_HS17_Y2020_V202201.csv:2: row: t, v and q must be numbers, got '2020', 'ten', '1'"
    ]
