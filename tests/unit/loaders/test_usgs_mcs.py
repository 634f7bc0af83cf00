"""USGS MCS values, country names and layouts, read without a store."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.model import RelType
from loaders.formats.release import BadValue, Countries, Number, parse_number
from loaders.importer import ReleaseFormat, read_release
from tests.support.stores import REPO

RELEASES = REPO / "tests" / "data" / "releases"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("240000", Number(240000.0)),
        ("7,900", Number(7900.0)),
        ("1,100e", Number(1100.0, estimated=True)),
        (">95", Number(95.0, bound=">")),
        ("<0.5", Number(0.5, bound="<")),
        ("W", Number(None, flag="W")),
        ("NA", Number(None, flag="NA")),
        ("XX", Number(None, flag="XX")),
        ("E", Number(None, flag="E")),
        ("--", Number(0.0)),
        ("-", Number(0.0)),
        ("\u2014", Number(0.0)),
        ("  42 ", Number(42.0)),
        ("", None),
    ],
)
def test_usgs_special_values(cell: str, expected: Number | None) -> None:
    assert parse_number(cell) == expected


@pytest.mark.parametrize("cell", ["12 t", "1.2.3", "n.a.", "e"])
def test_other_cells_are_not_numbers(cell: str) -> None:
    with pytest.raises(BadValue, match="is not a number"):
        parse_number(cell)


@pytest.mark.parametrize(
    ("name", "iso2"),
    [
        ("Burma", "MM"),
        ("Congo (Kinshasa)", "CD"),
        ("Korea, Republic of", "KR"),
        ("Russia", "RU"),
        ("United States ", "US"),
        ("Other countries", "ZZ"),
        ("Viet Nam", "VN"),
        ("Côte d’Ivoire", "CI"),
        ("Atlantis", None),
    ],
)
def test_country_names_resolve_through_the_alias_table_then_pycountry(
    name: str, iso2: str | None
) -> None:
    assert Countries().by_name(name) == iso2


def test_comtrade_codes_that_are_not_iso_numeric() -> None:
    countries = Countries()
    assert [countries.by_comtrade_code(c) for c in ("842", "757", "699", "156", "0")] == [
        "US",
        "CH",
        "IN",
        "CN",
        None,
    ]


def test_the_2025_layout_reads_stray_spaces_units_and_other_commodities() -> None:
    intake = read_release(ReleaseFormat.USGS_MCS, RELEASES / "mcs2025")
    assert intake.problems == []
    produced = {
        (r.start, r.properties["year"]): r.properties["tonnes"]
        for r in intake.relationships
        if r.type is RelType.PRODUCES
    }
    assert produced[("CN", 2024)] == 270_000 and produced[("CN", 2023)] == 255_000
    assert produced[("ZZ", 2023)] == 1_100
    assert (
        "2 file(s) or commodities not in dataset/mappings/mcs_commodities.csv skipped: "
        "Gallium, Iron ore" in intake.notes
    )
    reserves = intake.nodes["obs-usgs-mcs-2025-ree-reserves-zz-2024"].properties
    assert reserves["value"] == 0  # an em dash


def test_a_file_with_no_edition_is_refused(tmp_path: Path) -> None:
    source = RELEASES / "mcs2026" / "MCS2026_Commodities_Data.csv"
    renamed = tmp_path / "commodities.csv"
    renamed.write_bytes(source.read_bytes())
    intake = read_release(ReleaseFormat.USGS_MCS, renamed)
    assert [str(p) for p in intake.problems] == [
        "commodities.csv:1: Source: cannot tell the edition (no MCS<year> in the file)"
    ]
