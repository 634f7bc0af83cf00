"""The exposure report: its content on both stores, the offline HTML page, /report over
HTTP (picker, JSON, refusals, keys), the PDF from the real CLI, and the notebook run by a
real kernel."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import nbclient
import nbformat
import pypdfium2
import pytest

from api.keys import KeyRing, Role
from api.report import ReportRequest, build_report
from api.report_page import render_html
from api.settings import load_settings
from graph.errors import NotFound
from graph.snapshots import SnapshotCache
from graph.stores.base import Store
from loaders.load import load
from tests.support.asgi import Client, in_process, load_into
from tests.support.browser import saturated_pixels
from tests.support.served import cli, store_env
from tests.support.stores import DATASET, REPO, make_store

TODAY = date(2026, 12, 2)
SWIFT = ReportRequest("suzuki-swift", "CN", control="cn-mofcom-18-2025")


def test_report_content_on_each_store(loaded_store: Store) -> None:
    report = build_report(SnapshotCache().get(loaded_store), SWIFT, today=TODAY)
    exposure = report["exposure"]
    assert exposure["subject"]["id"] == "suzuki-swift" and exposure["share"] > 0.9
    assert [s["stage"] for s in exposure["stages"]][:4] == [
        "mining",
        "separation",
        "metal",
        "magnet",
    ]
    sankey = report["sankey"]
    assert sankey["nodes"][0]["kind"] == "subject"
    kinds = {n["kind"] for n in sankey["nodes"]}
    assert {"country", "origin", "step"} <= kinds
    mine = [link for link in sankey["links"] if link["country"]]
    assert mine and all(link["basis"] in ("company", "market", "trade") for link in mine)
    assert any(not link["country"] for link in sankey["links"] if link["basis"] != "other")
    assert 0 < sankey["collapsed"] < sankey["routes"]
    assert report["concentration"] and all(c["threshold"] == 0.65 for c in report["concentration"])
    assert any(c["flagged"] for c in report["concentration"])
    assert report["scenario"]["status"] and report["scenario"]["products"]
    assert [d["share"] for d in report["dependents"]] == sorted(
        (d["share"] for d in report["dependents"]), reverse=True
    )


@pytest.mark.neo4j
def test_same_report_on_both_stores(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    reports = []
    for kind in ("neo4j", "embedded"):
        store = make_store(request, kind, tmp_path)
        try:
            load(store=store, path=str(DATASET), batch_size=50)
            report = build_report(SnapshotCache().get(store), SWIFT, today=TODAY)
        finally:
            store.close()
        report["exposure"].pop("asOf")
        # the engine lists volumes in the store's order (noticed: not sorted), so compare as sets
        volumes = report["scenario"].pop("volumes")
        reports.append((report, sorted(json.dumps(v, sort_keys=True) for v in volumes)))
    assert reports[0] == reports[1]


def test_unknown_subject_is_refused(loaded_store: Store) -> None:
    with pytest.raises(NotFound, match="no-such-car"):
        build_report(
            SnapshotCache().get(loaded_store), ReportRequest("no-such-car", "CN"), today=TODAY
        )


def test_html_is_self_contained(loaded_store: Store) -> None:
    report = build_report(SnapshotCache().get(loaded_store), SWIFT, today=TODAY)
    html = render_html(report)
    assert "default-src 'none'" in html
    assert not re.search(r"""<(script|link|img|iframe)[^>]+(src|href)=['"]?(https?:)?//""", html)
    assert "@import" not in html and "url(http" not in html
    listed = html[html.index("<ol class='sources'>") :]
    links = re.findall(r"<a href='([^']+)'", listed)
    urls = {s["url"] for s in report["exposure"]["sources"] if s["url"]}
    assert links and set(links) <= urls | {
        c["source"]["url"] for c in report["concentration"] if c["source"]
    } | {s["url"] for s in report["scenario"]["sources"] if s["url"]}
    assert "collapsed into the grey “other” bands" in html
    assert "against the 65% benchmark" in html and "timeline to stock-out" in html


@pytest.mark.anyio
async def test_report_over_http(api: Client) -> None:
    picker = await api.get("/report")
    assert picker.status_code == 200 and '<select id="subject"' in picker.text
    assert "suzuki-swift" in picker.text and "cn-mofcom-18-2025" in picker.text
    answer = await api.get(
        "/report", params={"subject": "suzuki-swift", "country": "CN", "format": "json"}
    )
    assert answer.status_code == 200 and answer.json()["exposure"]["share"] > 0.9
    page = await api.get("/report", params={"subject": "suzuki-motor", "country": "CN"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Plotly.newPlot" in page.text and "mean over its" in page.text
    missing = await api.get("/report", params={"subject": "no-such-car"})
    assert missing.status_code == 404 and "no-such-car" in missing.text
    bad = await api.get("/report", params={"subject": "suzuki-swift", "approval": "lots"})
    assert bad.status_code == 400 and "'approval' must be a number" in bad.text


@pytest.mark.anyio
async def test_report_needs_a_key_when_the_server_does(tmp_path: Path) -> None:
    env = store_env(None, "embedded", tmp_path)
    env.update(
        {
            "SUPPLYGRAPH_ANONYMOUS_READS": "false",
            "SUPPLYGRAPH_KEYS_FILE": str(tmp_path / "keys.json"),
        }
    )
    settings = load_settings(env)
    load_into(settings, DATASET)
    key = KeyRing(tmp_path / "keys.json").add("analyst", Role.READER)
    params = {"subject": "suzuki-swift", "format": "json"}
    async with in_process(settings) as client:
        assert (await client.get("/report", params=params)).status_code == 401
        client.cookies.set("supplygraph_key", "sg_not-a-key")
        assert (await client.get("/report", params=params)).status_code == 401
        client.cookies.clear()
        by_header = await client.get(
            "/report", params=params, headers={"Authorization": f"Bearer {key}"}
        )
        assert by_header.status_code == 200
        client.cookies.set("supplygraph_key", key)
        assert (await client.get("/report", params=params)).status_code == 200


@pytest.fixture(scope="module")
def embedded_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    tmp = tmp_path_factory.mktemp("report")
    env = store_env(None, "embedded", tmp)
    done = cli("load", str(DATASET), env=env)
    assert done.returncode == 0, done.stderr
    return env


def test_cli_writes_a_pdf_with_the_charts(embedded_env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "swift.pdf"
    done = cli(
        "report",
        "suzuki-swift",
        "--country",
        "CN",
        "--control",
        "cn-mofcom-18-2025",
        "--format",
        "pdf",
        "-o",
        str(out),
        env=embedded_env,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes()[:5] == b"%PDF-" and out.stat().st_size > 20_000
    pdf = pypdfium2.PdfDocument(out)
    try:
        assert len(pdf) >= 2
        first = pdf[0].render(scale=1).to_pil()
        first.save(tmp_path / "page1.png")
        assert saturated_pixels(first) > 20_000, "page 1 should hold the Sankey"
        text = pdf[0].get_textpage().get_text_range()
        assert "Suzuki Swift" in text and "Supply flow" in text
    finally:
        pdf.close()


def test_cli_refuses_an_unknown_format(embedded_env: dict[str, str], tmp_path: Path) -> None:
    done = cli(
        "report", "suzuki-swift", "--format", "docx", "-o", str(tmp_path / "x"), env=embedded_env
    )
    assert done.returncode == 2 and "--format must be html, pdf or json" in done.stderr
    missing = cli("report", "no-such-car", "-o", str(tmp_path / "x.html"), env=embedded_env)
    assert missing.returncode == 2 and "no-such-car" in missing.stderr


def test_the_example_notebook_runs(
    embedded_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUPPLYGRAPH_STORE", embedded_env["SUPPLYGRAPH_STORE"])
    notebook = nbformat.read(REPO / "docs" / "notebook.ipynb", as_version=4)
    nbclient.NotebookClient(notebook, timeout=180, kernel_name="python3").execute()
    outputs = [c.outputs for c in notebook.cells if c.cell_type == "code"]
    assert all(o and o[-1]["output_type"] == "execute_result" for o in outputs)
    stages = outputs[0][-1]["data"]["text/plain"]
    assert "separation" in stages and "coverage" in stages


def test_notebook_api_from_a_server(embedded_env: dict[str, str], tmp_path: Path) -> None:
    from api.notebook import NotebookError, explore
    from tests.support.served import serving

    local = explore(
        "suzuki-swift", control="cn-mofcom-18-2025", store=embedded_env["SUPPLYGRAPH_STORE"]
    )
    with serving(embedded_env, tmp_path) as base:
        remote = explore("suzuki-swift", control="cn-mofcom-18-2025", server=base)
        with pytest.raises(NotebookError, match="404"):
            explore("no-such-car", server=base)
    assert remote.stages.equals(local.stages) and remote.scenario.equals(local.scenario)
    assert list(local.stages.index)[:2] == ["mining", "separation"]
    assert local.stages.loc["metal", "share"] > 0.9 and len(local.concentration) > 0
    assert not local.dependents.empty and not local.scenario.empty
