"""The report in a real headless Chromium (Debian's, driven by playwright): opened from a
file with every request recorded, and served by a real `supplygraph serve` through the
picker page; screenshots kept beside the test's tmp_path and checked not blank."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from api.report import ReportRequest, build_report
from api.report_page import render_html
from graph.snapshots import SnapshotCache
from graph.stores.base import Store
from tests.support.browser import assert_not_blank, browser, saturated_pixels
from tests.support.served import cli, serving, store_env
from tests.support.stores import DATASET

pytestmark = pytest.mark.slow


def test_report_file_opens_offline_and_draws(loaded_store: Store, tmp_path: Path) -> None:
    report = build_report(
        SnapshotCache().get(loaded_store),
        ReportRequest("suzuki-swift", "CN", control="cn-mofcom-18-2025"),
        today=date(2026, 12, 2),
    )
    page_file = tmp_path / "report.html"
    page_file.write_text(render_html(report), encoding="utf-8")
    requested: list[str] = []
    with browser() as chromium:
        page = chromium.new_page(viewport={"width": 1200, "height": 900})
        page.on("request", lambda r: requested.append(r.url))
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(page_file.as_uri())
        page.wait_for_selector("body[data-rendered='yes']")
        page.wait_for_selector("#sankey .sankey-node")
        assert page.locator("#stages .bars path").count() > 0
        assert page.locator("#concentration .bars path").count() > 0
        assert page.locator("#scenario .bars path").count() > 0
        assert "the timeline shows the products that do" in page.inner_text("body")
        shot = page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        page.close()
    assert errors == []
    assert requested == [page_file.as_uri()], "the page asked for something outside itself"
    image = assert_not_blank(shot)
    assert saturated_pixels(image) > 50_000


def test_served_report_through_the_picker(tmp_path: Path) -> None:
    env = store_env(None, "embedded", tmp_path)
    assert cli("load", str(DATASET), env=env).returncode == 0
    with serving(env, tmp_path) as base, browser() as chromium:
        page = chromium.new_page(viewport={"width": 1200, "height": 900})
        page.goto(f"{base}/report")
        picker = page.screenshot(path=str(tmp_path / "picker.png"))
        page.select_option("#subject", "suzuki-motor")
        page.select_option("#country", "CN")
        page.select_option("#control", "cn-mofcom-18-2025")
        page.click("button[type=submit]")
        page.wait_for_selector("#sankey .sankey-node")
        assert "subject=suzuki-motor" in page.url and "country=CN" in page.url
        assert "Suzuki Motor" in page.inner_text("h1")
        shot = page.screenshot(path=str(tmp_path / "served.png"), full_page=True)
        page.close()
    assert_not_blank(picker, at_least=10)
    assert saturated_pixels(assert_not_blank(shot)) > 50_000
