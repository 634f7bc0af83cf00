"""Bad release files are refused with ``file:row: column: message`` and nothing written, on
every store; ``--skip-unknown`` skips unknown countries, units and HS codes and says so."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from graph.errors import LoadError
from graph.model import Label, RelType
from graph.stores.base import Store
from loaders.importer import ReleaseFormat, import_release
from tests.support.stores import REPO

RELEASES = REPO / "tests" / "data" / "releases"
MCS2024_WORLD = Path("/work/shared/data/usgs-mcs2024-world/mcs2024-raree_world.csv")


def _refused(store: Store, kind: ReleaseFormat, path: Path) -> list[str]:
    with pytest.raises(LoadError) as caught:
        import_release(kind, path, store=store, batch_size=10)
    return [str(p) for p in caught.value.problems]


def _nothing_written(store: Store) -> None:
    assert all(n == 0 for n in store.counts().values()), store.counts()
    assert store.graph_version().version == 0


def _edit(source: Path, target: Path, old: bytes, new: bytes) -> Path:
    data = source.read_bytes()
    assert old in data
    target.write_bytes(data.replace(old, new, 1))
    return target


def _comtrade_rows(tmp_path: Path, edits: dict[int, dict[str, str]]) -> Path:
    """The hand-written Comtrade download with some cells changed (row numbers as in the file)."""
    source = RELEASES / "comtrade" / "comtrade_india_2024.csv"
    with source.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    for line, cells in edits.items():
        for column, value in cells.items():
            rows[line - 1][header.index(column)] = value
    target = tmp_path / "comtrade.csv"
    with target.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return target


@pytest.mark.skipif(not MCS2024_WORLD.is_file(), reason="the real MCS 2024 file is not here")
def test_an_unknown_country_is_refused_with_its_row_and_nothing_is_written(
    store: Store, tmp_path: Path
) -> None:
    bad = _edit(
        MCS2024_WORLD, tmp_path / MCS2024_WORLD.name, b"MCS2024,Madagascar,", b"MCS2024,Atlantis,"
    )
    problems = _refused(store, ReleaseFormat.USGS_MCS, bad)
    assert problems == [
        "mcs2024-raree_world.csv:10: Country: unknown country name 'Atlantis': "
        "add it to dataset/mappings/country_aliases.csv"
    ]  # once, though the row holds three figures
    _nothing_written(store)


@pytest.mark.skipif(not MCS2024_WORLD.is_file(), reason="the real MCS 2024 file is not here")
def test_skip_unknown_imports_the_rest_and_lists_what_it_skipped(
    store: Store, tmp_path: Path
) -> None:
    bad = _edit(
        MCS2024_WORLD, tmp_path / MCS2024_WORLD.name, b"MCS2024,Brazil,", b"MCS2024,Atlantis,"
    )
    report = import_release(
        ReleaseFormat.USGS_MCS, bad, store=store, batch_size=10, skip_unknown=True
    )
    assert {str(p) for p in report.skipped} == {
        "mcs2024-raree_world.csv:4: Country: unknown country name 'Atlantis': "
        "add it to dataset/mappings/country_aliases.csv"
    }
    assert len(report.skipped) == 1
    starts = {r.start for r in store.extract_relationships([RelType.PRODUCES])}
    assert "CN" in starts and "BR" not in starts


def test_unknown_hs_codes_countries_and_bad_numbers_are_all_listed(
    store: Store, tmp_path: Path
) -> None:
    bad = _comtrade_rows(
        tmp_path,
        {
            5: {"cmdCode": "2846"},
            6: {"partnerISO": "XYZ"},
            9: {"netWgt": "53,000 kg"},
            10: {"freqCode": "M"},
        },
    )
    assert _refused(store, ReleaseFormat.COMTRADE, bad) == [
        "comtrade.csv:5: cmdCode: HS code '2846' is not in dataset/mappings/hs_items.csv: "
        "an aggregate of 2846.10, 2846.90; download at HS6",
        "comtrade.csv:6: partnerISO: unknown country 'XYZ'",
        "comtrade.csv:9: netWgt: '53,000 kg' is not a number",
        "comtrade.csv:10: freqCode: 'M' is not annual data: download with freqCode A",
    ]
    _nothing_written(store)


def test_an_unknown_unit_is_refused(store: Store, tmp_path: Path) -> None:
    source = RELEASES / "mcs2025" / "MCS2025_World_Data.csv"
    bad = _edit(
        source,
        tmp_path / source.name,
        b'Brazil,"Mine production, rare-earth-oxide equivalent",metric tons',
        b'Brazil,"Mine production, rare-earth-oxide equivalent",carats',
    )
    assert _refused(store, ReleaseFormat.USGS_MCS, bad) == [
        "MCS2025_World_Data.csv:4: UNIT_MEAS: unknown unit 'carats'"
    ]
    _nothing_written(store)


@pytest.mark.parametrize(
    ("kind", "path", "message"),
    [
        (
            ReleaseFormat.COMTRADE,
            RELEASES / "mcs2025" / "MCS2025_World_Data.csv",
            "this is a USGS Mineral Commodity Summaries file: use supplygraph import usgs-mcs",
        ),
        (
            ReleaseFormat.BACI,
            RELEASES / "comtrade" / "comtrade_india_2024.csv",
            "this is a UN Comtrade file: use supplygraph import comtrade",
        ),
        (
            ReleaseFormat.USGS_MCS,
            RELEASES / "baci" / "BACI_HS22_Y2023_V202501.csv",
            "this is a CEPII BACI file: use supplygraph import baci",
        ),
        (
            ReleaseFormat.COMTRADE,
            REPO / "dataset" / "market_shares.csv",
            "this is a supplygraph dataset file: use supplygraph load",
        ),
    ],
)
def test_a_file_of_another_format_is_named(
    store: Store, kind: ReleaseFormat, path: Path, message: str
) -> None:
    (problem,) = _refused(store, kind, path)
    assert problem == f"{path.name}:1: header: {message}"
    _nothing_written(store)


def test_a_repeated_baci_row_is_refused(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "baci"
    shutil.copytree(RELEASES / "baci", folder)
    data = folder / "BACI_HS22_Y2023_V202501.csv"
    with data.open("a", encoding="utf-8") as f:
        f.write("2023,156,699,850511,28102.5,612.3\n")
    (problem,) = _refused(store, ReleaseFormat.BACI, folder)
    assert problem.startswith("BACI_HS22_Y2023_V202501.csv:14: row: repeats the fact at ")
    assert "BACI_HS22_Y2023_V202501.csv:2" in problem
    _nothing_written(store)


def test_an_id_the_store_holds_under_another_label_is_refused(store: Store) -> None:
    store.upsert_nodes(Label.COMPANY, [{"id": "re-metals", "name": "A company"}])
    problems = _refused(store, ReleaseFormat.BACI, RELEASES / "baci")
    assert problems == [
        "BACI_HS22_Y2023_V202501.csv:10: id: 're-metals' is a Company in the store, not a Material"
    ]
    assert store.counts()["TRADES"] == 0
