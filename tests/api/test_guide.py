"""The Neo4j Browser guide: /guide renders docs/browser-guide.md as :play slides with every
saved query runnable, and the real Browser of the test server plays it from a real API."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from api.guide import render_guide
from tests.support.browser import assert_not_blank, browser
from tests.support.neo4j_server import Neo4jServer
from tests.support.served import cli, serving, store_env
from tests.support.stores import DATASET, REPO

GUIDE = (REPO / "docs" / "browser-guide.md").read_text(encoding="utf-8")


def test_every_saved_query_is_a_runnable_block() -> None:
    html = render_guide(GUIDE)
    queries = [q.strip() for q in re.findall(r"```cypher\n(.*?)```", GUIDE, re.S)]
    assert len(queries) >= 6
    runnable = re.findall(r"<pre mode='cypher' class='pre-scrollable code runnable'>", html)
    assert len(runnable) == len(queries)
    assert html.count("<slide") == GUIDE.count("\n## ") + 1
    assert "&lt;" not in GUIDE and "MATCH (c:Company)-[:OPERATES]-&gt;(f:Facility)" in html


def test_provisioned_conf_allowlists_the_guide(neo4j_server: Neo4jServer) -> None:
    conf = (REPO / ".state" / "neo4j-test" / "conf" / "neo4j.conf").read_text()
    assert "browser.remote_content_hostname_whitelist=127.0.0.1,localhost" in conf
    assert "browser.post_connect_cmd=play http://127.0.0.1:8000/guide" in conf


@pytest.mark.slow
def test_browser_plays_the_guide(neo4j_server: Neo4jServer, tmp_path: Path) -> None:
    env = store_env(None, "embedded", tmp_path)
    assert cli("load", str(DATASET), env=env).returncode == 0
    browser_url = f"http://127.0.0.1:{neo4j_server.http_port}/browser/"
    with serving(env, tmp_path) as base, browser() as chromium:
        served = httpx.get(f"{base}/guide")
        assert served.status_code == 200
        assert served.headers["access-control-allow-origin"] == "*"
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(browser_url)
        page.get_by_test_id("username").fill(neo4j_server.user)
        page.get_by_test_id("password").fill(neo4j_server.password)
        page.get_by_test_id("connect").click()
        # the provisioned post_connect_cmd plays the default guide URL once connected
        page.get_by_text(":play http://127.0.0.1:8000/guide").first.wait_for(timeout=60_000)
        page.locator(".monaco-editor").first.click()
        page.keyboard.type(f":play {base}/guide")
        page.keyboard.press("Enter")
        page.get_by_text("Exploring the graph in Neo4j Browser").first.wait_for(timeout=60_000)
        slides = GUIDE.count("\n## ") + 1
        page.get_by_text(f"1 / {slides}").first.wait_for()
        shot = page.screenshot(path=str(tmp_path / "browser-guide.png"))
        page.close()
    assert_not_blank(shot)
