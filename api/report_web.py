"""The report over HTTP and on the command line.

``GET /report?subject=&country=[&control=&approval=&weeks=&threshold=&format=html|json]``
answers the report page (or its JSON, which the notebook API reads); without ``subject``
it answers a small page to pick the product, OEM or end use and the country. A reader key
as for /graphql: ``Authorization: Bearer <key>``, or, for a browser, the
``supplygraph_key`` cookie that the picker page sets from its key field.

``supplygraph report SUBJECT --country CN [--control ID] [--format html|pdf|json] -o FILE``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import anyio.to_thread
import typer
from rich.console import Console
from starlette.responses import HTMLResponse, JSONResponse, Response

from api.exits import exit_codes
from api.refusals import Refusal, refusal_response
from api.report import DEFAULT_THRESHOLD, ReportRequest, build_report
from api.report_page import render_html
from api.settings import Settings
from graph.errors import NotFound, QueryError
from graph.model import Label

if TYPE_CHECKING:
    from starlette.requests import Request

    from api.service import Service
    from graph.engine.snapshot import Snapshot
    from schema.context import Context

KEY_COOKIE = "supplygraph_key"


def _number(params: dict[str, str], name: str, default: float) -> float:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError as e:
        raise Refusal(400, "BAD_REQUEST", f"'{name}' must be a number, got {raw!r}.") from e


def request_of(params: dict[str, str]) -> ReportRequest:
    subject = params.get("subject", "").strip()
    if not subject:
        raise Refusal(400, "BAD_REQUEST", "Name the subject: /report?subject=<id>&country=CN.")
    return ReportRequest(
        subject=subject,
        country=params.get("country", "CN").strip().upper() or "CN",
        control=params.get("control") or None,
        approval_rate=_number(params, "approval", 0.0),
        duration_weeks=_number(params, "weeks", 8.0),
        threshold=_number(params, "threshold", DEFAULT_THRESHOLD),
    )


async def report_endpoint(request: Request, service: Service) -> Response:
    header = request.headers.get("authorization")
    cookie = request.cookies.get(KEY_COOKIE)
    try:
        service.authorize(header or (f"Bearer {cookie}" if cookie else None), write=False)
        params = dict(request.query_params)
        context: Context = request.state.context
        async with service.gate.read():
            snapshot = await anyio.to_thread.run_sync(context.snapshots.get, context.store)
        if not params.get("subject"):
            return HTMLResponse(picker_html(snapshot))
        wanted = request_of(params)
        try:
            report = await anyio.to_thread.run_sync(
                lambda: build_report(snapshot, wanted, today=context.today())
            )
        except NotFound as e:
            raise Refusal(404, "NOT_FOUND", str(e)) from e
        except QueryError as e:
            raise Refusal(400, "BAD_REQUEST", str(e)) from e
    except Refusal as refusal:
        return refusal_response(refusal)
    if params.get("format") == "json":
        return JSONResponse(report)
    return HTMLResponse(await anyio.to_thread.run_sync(render_html, report))


def _options(pairs: list[tuple[str, str]], selected: str | None = None) -> str:
    return "".join(
        f"<option value='{escape(value, quote=True)}'"
        f"{' selected' if value == selected else ''}>{escape(label)}</option>"
        for value, label in pairs
    )


def picker_html(snapshot: Snapshot) -> str:
    data = snapshot.data
    named = snapshot.named
    oems = sorted({o for p in snapshot.products for o in data.oems.get(p, [])})
    end_uses = sorted(i for i, label in data.labels.items() if label is Label.END_USE)
    countries = sorted(i for i, label in data.labels.items() if label is Label.COUNTRY)
    subjects = (
        [(p, f"product: {named(p).name}") for p in snapshot.products]
        + [(o, f"OEM: {named(o).name}") for o in oems]
        + [(e, f"end use: {named(e).name}") for e in end_uses]
    )
    controls = [("", "none")] + [(c, named(c).name) for c in sorted(data.controls)]
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>supplygraph report</title>
<style>body{{font:15px system-ui,sans-serif;max-width:640px;margin:40px auto}}
label{{display:block;margin:12px 0 4px}}select,input{{width:100%;padding:4px;font:inherit}}
button{{margin-top:18px;padding:6px 18px;font:inherit}}</style></head>
<body><h1>Exposure report</h1>
<form id="pick" method="get" action="/report">
<label for="subject">Product, OEM or end use</label>
<select id="subject" name="subject">{_options(subjects)}</select>
<label for="country">Country</label>
<select id="country" name="country">{_options([(c, c) for c in countries], "CN")}</select>
<label for="control">Scenario: export control</label>
<select id="control" name="control">{_options(controls)}</select>
<label for="approval">Licence approval rate (0 to 1)</label>
<input id="approval" name="approval" value="0">
<label for="key">API key (a reader key; kept in a cookie for this site)</label>
<input id="key" type="password" autocomplete="off">
<button type="submit">Show the report</button>
</form>
<script>
document.getElementById("pick").addEventListener("submit", () => {{
  const key = document.getElementById("key").value.trim();
  if (key) document.cookie =
    "{KEY_COOKIE}=" + encodeURIComponent(key) + "; path=/report; SameSite=Strict";
}});
</script></body></html>"""


def register(
    app: typer.Typer,
    *,
    settings: Callable[[], Settings],
    opened: Callable[..., Any],
    err: Console,
) -> None:
    @app.command()
    def report(
        subject: Annotated[str, typer.Argument(help="Product, item, OEM or end-use id.")],
        out: Annotated[Path, typer.Option("--out", "-o", help="The file to write.")],
        country: Annotated[str, typer.Option(help="ISO 3166 alpha-2 code.")] = "CN",
        control: Annotated[
            str | None, typer.Option(help="An export control id: adds the scenario.")
        ] = None,
        approval: Annotated[float, typer.Option(help="Licence approval rate, 0..1.")] = 0.0,
        weeks: Annotated[float, typer.Option(help="Scenario duration in weeks.")] = 8.0,
        threshold: Annotated[
            float, typer.Option(help="Routes under this share are drawn as 'other'.")
        ] = DEFAULT_THRESHOLD,
        format: Annotated[str, typer.Option(help="html, pdf or json.")] = "html",
    ) -> None:
        """The exposure report: an offline HTML page (charts inlined), a PDF, or its JSON."""
        if format not in ("html", "pdf", "json"):
            err.print(f"[red]bad input:[/red] --format must be html, pdf or json, not {format!r}")
            raise typer.Exit(2)
        wanted = ReportRequest(
            subject=subject,
            country=country.upper(),
            control=control,
            approval_rate=approval,
            duration_weeks=weeks,
            threshold=threshold,
        )
        from api.pdf import html_to_pdf
        from graph.snapshots import SnapshotCache

        config = settings()
        with opened(config, read_only=True) as store, exit_codes(err):
            content = build_report(SnapshotCache().get(store), wanted, today=date.today())
            if format == "json":
                out.write_text(json.dumps(content, indent=2), encoding="utf-8")
            elif format == "html":
                out.write_text(render_html(content), encoding="utf-8")
            else:
                html_to_pdf(render_html(content), out, browser=config.chromium)
        err.print(f"wrote {out}", highlight=False)
