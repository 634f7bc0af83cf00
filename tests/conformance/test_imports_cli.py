"""The real ``supplygraph import`` command, run as a subprocess on every store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.served import cli, store_env
from tests.support.stores import REPO, STORE_KINDS

RELEASES = REPO / "tests" / "data" / "releases"
MCS2024_WORLD = Path("/work/shared/data/usgs-mcs2024-world")


@pytest.fixture(params=STORE_KINDS)
def env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    return store_env(request, request.param, tmp_path)


def _graph(env: dict[str, str]) -> dict[str, object]:
    answer = cli("query", "{ graph { version } }", env=env)
    assert answer.returncode == 0, answer.stderr
    data: dict[str, object] = json.loads(answer.stdout)["data"]["graph"]
    return data


@pytest.mark.skipif(not MCS2024_WORLD.is_dir(), reason="the real MCS 2024 files are not here")
def test_import_usgs_mcs_reports_what_it_wrote_and_the_world_check(env: dict[str, str]) -> None:
    result = cli("import", "usgs-mcs", str(MCS2024_WORLD), env=env)
    assert result.returncode == 0, result.stderr
    assert "PRODUCES" in result.stdout and "total" in result.stdout
    assert "The country rows add to 353,320 t; the rounded world total is 350,000 t" in (
        result.stderr
    )
    assert _graph(env) == {"version": 1}


def test_a_file_of_another_format_exits_2_and_names_the_command(env: dict[str, str]) -> None:
    path = RELEASES / "mcs2025" / "MCS2025_World_Data.csv"
    result = cli("import", "comtrade", str(path), env=env)
    assert result.returncode == 2, result.stderr
    assert (
        "MCS2025_World_Data.csv:1: header: this is a USGS Mineral Commodity Summaries file: "
        "use supplygraph import usgs-mcs"
    ) in result.stderr
    assert "nothing was written" in result.stderr
    assert _graph(env) == {"version": 0}


def test_skip_unknown_lists_the_skipped_rows(env: dict[str, str], tmp_path: Path) -> None:
    source = RELEASES / "baci"
    folder = tmp_path / "baci"
    folder.mkdir()
    for file in source.iterdir():
        (folder / file.name).write_bytes(file.read_bytes())
    with (folder / "BACI_HS22_Y2023_V202501.csv").open("a", encoding="utf-8") as f:
        f.write("2023,999,699,850511,10,1\n")
    refused = cli("import", "baci", str(folder), env=env)
    assert refused.returncode == 2
    line = (
        "BACI_HS22_Y2023_V202501.csv:14: i: unknown country code 999 (not in the country-code file)"
    )
    assert line in refused.stderr
    skipped = cli("import", "baci", str(folder), "--skip-unknown", env=env)
    assert skipped.returncode == 0, skipped.stderr
    assert f"{line} (skipped)" in skipped.stderr
    assert "TRADES" in skipped.stdout
