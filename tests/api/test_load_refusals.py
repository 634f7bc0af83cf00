"""A handful of the bad-input corpus through the real `supplygraph load`: exit 2, every
problem printed literally as ``file:row: field: message``, and nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.bad_inputs import CASES, Case, P, materialise
from tests.support.served import cli, store_env
from tests.support.stores import DATASET, STORE_KINDS

THROUGH_THE_CLI = (
    "symlink-loop",
    "directory-named-like-a-file",
    "path-is-a-device",
    "ten-megabyte-cell",
    "bom-recycling-loop",
    "duplicate-header-column",
)


@pytest.fixture(params=STORE_KINDS)
def env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    return store_env(request, request.param, tmp_path)


def _graph(env: dict[str, str]) -> dict[str, object]:
    answer = cli("query", "{ graph { version } products { totalCount } }", env=env)
    assert answer.returncode == 0, answer.stderr
    data: dict[str, object] = json.loads(answer.stdout)["data"]
    return data


def test_refusals_exit_2_name_the_row_and_write_nothing(
    env: dict[str, str], tmp_path: Path
) -> None:
    assert cli("load", str(DATASET), "-q", env=env).returncode == 0
    before = _graph(env)
    emoji = Case("emoji-code", {"products.csv": P + "new-p,P,:x:,low,\n"}, "products.csv:2: source")
    cases = [c for c in CASES if c.name in THROUGH_THE_CLI] + [emoji]
    assert len(cases) == len(THROUGH_THE_CLI) + 1
    for case in cases:
        folder = tmp_path / case.name
        result = cli("load", materialise(case, folder), "-q", env=env)
        assert result.returncode == 2, (case.name, result.stderr)
        expect = case.expect.replace("{folder}", str(folder))
        assert any(line.startswith(expect + ": ") for line in result.stderr.splitlines()), (
            case.name,
            result.stderr,
        )
        assert "nothing was written" in result.stderr
        assert "Traceback" not in result.stderr
    assert "(got ':x:')" in result.stderr
    assert _graph(env) == before
