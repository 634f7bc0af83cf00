"""A load killed with SIGKILL at any point leaves the previous complete version, says a
load is incomplete, and the next load of the same data completes it: on both stores, with
the real CLI as the loader, compared by counts and an export checksum with clean loads."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from api.settings import load_settings
from api.stores import open_store
from graph.records import GraphVersion
from graph.stores.base import Store
from tests.support.crash import checksum, kill_at, renamed_dataset
from tests.support.served import BIN, cli, store_env
from tests.support.stores import DATASET, STORE_KINDS

KILL_POINTS = [
    ("validating", 0.0, 1),
    ("writing nodes", 0.2, 1),
    ("writing relationships", 0.0, 1),
    ("writing relationships", 0.5, 1),
    ("committing", 0.0, 1000),
]
"""(phase announced, seconds after it, rows per write) at which the loader is killed. One row
per write keeps a load still writing when the kill comes; the kill at committing comes after
every write (in the one load transaction whatever the batch size), so that load writes in the
default batches rather than spend most of this test writing one row at a time."""


@pytest.fixture(params=STORE_KINDS)
def env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    return store_env(request, request.param, tmp_path)


@contextmanager
def reading(env: dict[str, str]) -> Iterator[Store]:
    """The store as a reader in another process sees it (read-only where that exists)."""
    store = open_store(load_settings(env), read_only=True)
    try:
        yield store
    finally:
        store.close()


def _state(env: dict[str, str], folder: Path) -> tuple[GraphVersion, dict[str, int], str]:
    with reading(env) as store:
        return store.graph_version(), store.counts(), checksum(store, folder)


@pytest.mark.slow
def test_a_killed_load_leaves_the_previous_version_and_the_next_load_completes_it(
    env: dict[str, str], tmp_path: Path
) -> None:
    renamed = renamed_dataset(DATASET, tmp_path / "renamed")
    assert cli("load", str(DATASET), "-q", env=env).returncode == 0
    v1, counts1, sum1 = _state(env, tmp_path / "x")
    assert v1.version == 1 and v1.incomplete is None
    report = []
    version = v1.version
    for phase, delay, batch_size in KILL_POINTS:
        killed = kill_at(env=env, path=renamed, phase=phase, delay_s=delay, batch_size=batch_size)
        seen, counts, digest = _state(env, tmp_path / "x")
        committed = seen.version > version
        report.append(
            {
                "kill": f"{phase} +{delay}s",
                "running": killed.running,
                "version": seen.version,
                "incomplete": seen.incomplete,
                "checksum": digest[:16],
            }
        )
        if phase != "committing":
            assert killed.running, f"the load finished before the kill at {phase}"
        if not committed:  # all or nothing: nothing of the killed load is visible
            assert (counts, digest) == (counts1, sum1), phase
            assert seen.incomplete is not None or phase == "validating", phase
            assert seen.incomplete is None or phase != "validating", phase
        else:
            assert phase == "committing" and seen.incomplete is None
            version = seen.version
    completed = cli("load", str(renamed), "-q", env=env)
    assert completed.returncode == 0, completed.stderr
    final, counts2, sum2 = _state(env, tmp_path / "x")
    assert final.incomplete is None and final.version == version + 1

    clean_env = dict(env)
    if "SUPPLYGRAPH_STORE" in env and "://" not in env["SUPPLYGRAPH_STORE"]:
        clean_env["SUPPLYGRAPH_STORE"] = str(tmp_path / "clean" / "graph")
    else:
        with reading(env) as store:
            store.clear()
    for path in (DATASET, renamed):
        assert cli("load", str(path), "-q", env=clean_env).returncode == 0
    _, clean_counts, clean_sum = _state(clean_env, tmp_path / "x")
    assert (counts2, sum2) == (clean_counts, clean_sum)
    assert sum2 != sum1
    report.append({"clean": sum1[:16], "clean_renamed": clean_sum[:16], "recovered": sum2[:16]})
    sys.stdout.write(json.dumps(report, indent=1) + "\n")


def test_a_reader_beside_a_running_load_sees_the_last_complete_version(
    env: dict[str, str], tmp_path: Path
) -> None:
    """Read while the loader is writing relationships, then kill it: the reader saw
    version 1, whole, and was told a load is incomplete."""
    renamed = renamed_dataset(DATASET, tmp_path / "renamed")
    assert cli("load", str(DATASET), "-q", env=env).returncode == 0
    _, counts1, sum1 = _state(env, tmp_path / "x")
    process = subprocess.Popen(
        [str(BIN), "load", str(renamed), "--batch-size", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    try:
        for line in process.stderr:
            if line.strip() == "load: writing relationships":
                break
        seen, counts, digest = _state(env, tmp_path / "x")
        assert process.poll() is None, "the load finished before the read"
    finally:
        process.kill()
        process.wait(timeout=30)
        process.stderr.close()
    assert seen.version == 1 and seen.incomplete is not None
    assert (counts, digest) == (counts1, sum1)
    answer = cli("query", "{ graph { version incompleteLoad } }", env=env)
    assert answer.returncode == 0, answer.stderr
    assert json.loads(answer.stdout)["data"]["graph"]["incompleteLoad"] == seen.incomplete
