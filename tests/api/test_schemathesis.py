"""Schemathesis against the real served app: generated GraphQL queries (valid ones, and
invalid ones) get an answer or a typed refusal, never a server error.

The run is bounded (the issue's 200 valid and 100 invalid queries, on one server for both)
and derandomized, so it is the same run every time; a failure is reported as found, without
shrinking (each shrink step is a request to the server). IDs and strings are drawn half
from the bundled dataset's ids and cursors over them (so the answers' code paths run, not
only "not found") and half from arbitrary text; integers half small and positive (page
sizes, limits, path counts), half arbitrary. schemathesis keeps scalar strategies in a
process-wide registry; no other test uses schemathesis.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.graphql import nodes

from schema.pagination import encode_cursor
from tests.support.served import cli, serving, store_env
from tests.support.stores import DATASET

pytestmark = pytest.mark.slow

EXAMPLES = {GenerationMode.POSITIVE: 200, GenerationMode.NEGATIVE: 100}
"""The bound the issue set: 200 valid queries and 100 invalid ones, no server error."""


def dataset_ids() -> list[str]:
    ids: set[str] = set()
    for table in sorted(DATASET.glob("*.csv")):
        with table.open(newline="") as f:
            ids.update(row["id"] for row in csv.DictReader(f) if row.get("id"))
    return sorted(ids)


def register_scalars() -> None:
    ids = dataset_ids()
    real = st.sampled_from(ids + [encode_cursor(i) for i in ids])
    text = st.one_of(real, st.text(max_size=30)).map(nodes.String)
    schemathesis.graphql.scalar("ID", text)
    schemathesis.graphql.scalar("String", text)
    small = st.integers(min_value=1, max_value=60)
    schemathesis.graphql.scalar("Int", st.one_of(small, st.integers()).map(nodes.Int))


def error_codes(body: Any) -> list[str]:
    errors = body.get("errors") if isinstance(body, dict) else None
    return [str((e.get("extensions") or {}).get("code")) for e in errors or []]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """One real server on the bundled dataset for both modes: its URL and its log."""
    tmp = tmp_path_factory.mktemp("schemathesis")
    env = store_env(None, "embedded", tmp)
    loaded = cli("load", str(DATASET), "--quiet", env=env)
    assert loaded.returncode == 0, loaded.stderr
    register_scalars()
    with serving(env, tmp) as base:
        yield base, tmp / "serve.log"


@pytest.mark.parametrize("mode", list(EXAMPLES), ids=lambda m: m.value)
def test_generated_queries_get_no_server_error(
    mode: GenerationMode, served: tuple[str, Path]
) -> None:
    base, log_path = served
    outcomes: Counter[tuple[int, str]] = Counter()
    schema = schemathesis.graphql.from_url(f"{base}/graphql")

    @settings(
        max_examples=EXAMPLES[mode],
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=schema.as_strategy(mode))
    def answered_without_server_error(case: Any) -> None:
        response = case.call(timeout=60)
        assert "Traceback" not in response.text
        codes = error_codes(response.json())
        outcome = f"{response.status_code} {case.body!r}: {response.text[:500]}"
        assert response.status_code < 500, outcome
        assert "INTERNAL" not in codes, outcome
        outcomes[(response.status_code, ",".join(sorted(set(codes))) or "answered")] += 1

    answered_without_server_error()
    log = log_path.read_text(errors="replace")

    assert sum(outcomes.values()) >= EXAMPLES[mode]
    assert "unexpected error" not in log and "Traceback" not in log
    if mode is GenerationMode.POSITIVE:
        answered = outcomes[(200, "answered")]
        assert answered >= EXAMPLES[mode] // 10, outcomes
    else:
        assert outcomes[(200, "GRAPHQL_VALIDATION")] >= EXAMPLES[mode] // 2, outcomes
