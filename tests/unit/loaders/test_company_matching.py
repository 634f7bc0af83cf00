"""Supplier names as companies write them, matched against the bundled dataset's companies
(read from dataset/companies.csv, no store)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from loaders.matching import Matcher, Verdict, mapping_text, normalise, read_mapping
from tests.support.spellings import VARIANTS
from tests.support.stores import DATASET


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    with (DATASET / "companies.csv").open(encoding="utf-8") as f:
        return Matcher({row["id"]: row["name"] for row in csv.DictReader(f)})


@pytest.mark.parametrize(("name", "company"), VARIANTS)
def test_a_variant_is_matched_to_its_company(matcher: Matcher, name: str, company: str) -> None:
    match = matcher.match(name, new_id="new")
    assert (match.verdict, match.company) == (Verdict.MATCHED, company)
    assert match.score is not None and match.score >= 88


def test_a_genuinely_new_company_is_new(matcher: Matcher) -> None:
    match = matcher.match("Acme Magnetics GmbH", new_id="acme-magnetics")
    assert (match.verdict, match.company, match.candidates) == (
        Verdict.NEW,
        "acme-magnetics",
        (),
    )


def test_a_close_but_different_name_is_flagged_not_merged(matcher: Matcher) -> None:
    match = matcher.match("Niron Magnetics", new_id="niron-magnetics")
    assert match.verdict is Verdict.AMBIGUOUS and not match.merged
    assert match.company == "niron-magnetics"
    assert [c.company for c in match.candidates] == ["noveon"]


def test_the_legal_suffixes_go_and_the_words_stay() -> None:
    assert normalise("JL MAG Rare-Earth Co., Ltd.") == "jl mag rare earth"
    assert normalise("Robert Bosch GmbH") == "robert bosch"
    assert normalise("Limited") == "limited"


def test_the_mapping_file_overrides_and_is_read_back(matcher: Matcher, tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    flagged = matcher.match("Niron Magnetics", new_id="niron-magnetics")
    path.write_text(mapping_text([flagged]), encoding="utf-8")
    assert read_mapping(path) == {}  # ambiguous: left blank for the analyst
    path.write_text("name,company,status\nNiron Magnetics,noveon,ambiguous-accepted\n")
    accepted = Matcher(matcher.companies, read_mapping(path)).match("NIRON magnetics", new_id="x")
    assert (accepted.verdict, accepted.company) == (Verdict.MAPPED, "noveon")
