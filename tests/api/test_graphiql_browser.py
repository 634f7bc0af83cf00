"""GraphiQL works with no internet: headless Chromium (Debian's ``chromium``, driven by
playwright against that executable, never a browser playwright downloads) opens /graphql of
a real server with every request outside it blocked, sees the IDE render from the package's
files, runs a query in it and reads the answer. The screenshot is kept as a test artifact in
tests/artifacts/graphiql.png (git-ignored)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Route, sync_playwright

from tests.support.served import cli, serving, store_env
from tests.support.stores import DATASET

CHROMIUM = shutil.which("chromium")
INSTALL = "apt-get update && apt-get install -y chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
QUERY = '{ product(id: "suzuki-swift") { name oems { id } } }'

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None, reason=f"the browser test needs Debian's Chromium: {INSTALL}"
    ),
]


def test_graphiql_renders_and_runs_a_query_offline(tmp_path: Path) -> None:
    assert CHROMIUM is not None
    env = store_env(None, "embedded", tmp_path)
    assert cli("load", str(DATASET), "-q", env=env).returncode == 0
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "graphiql.png"
    shot.unlink(missing_ok=True)
    with serving(env, tmp_path) as base, sync_playwright() as playwright:
        served: list[str] = []
        blocked: list[str] = []

        def only_the_server(route: Route) -> None:
            url = route.request.url
            if url.startswith(base + "/"):
                served.append(url)
                route.continue_()
            else:
                blocked.append(url)
                route.abort()

        browser = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
        )
        try:
            browser.route("**/*", only_the_server)
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{base}/graphql", wait_until="networkidle")
            page.wait_for_selector(".graphiql-container .graphiql-query-editor .CodeMirror")
            page.evaluate(
                """q => document.querySelector('.graphiql-query-editor .CodeMirror')
                       .CodeMirror.setValue(q)""",
                QUERY,
            )
            page.click(".graphiql-execute-button")
            page.wait_for_function(
                """() => document.querySelector('.graphiql-response .CodeMirror')
                         ?.CodeMirror.getValue().includes('suzuki-motor')""",
                timeout=30_000,
            )
            answer = page.evaluate(
                "() => document.querySelector('.graphiql-response .CodeMirror')"
                ".CodeMirror.getValue()"
            )
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert blocked == [], f"the page asked outside the server: {blocked}"
    assert errors == []
    assert '"id": "suzuki-motor"' in answer and '"name": "Suzuki Swift"' in answer
    assert f"{base}/static/graphiql/graphiql.min.js" in served
    assert any(url == f"{base}/graphql" for url in served)
    assert shot.stat().st_size > 10_000
