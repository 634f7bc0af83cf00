"""The exposure report as one self-contained HTML page (api/report.py gathers its content).

plotly.js is read from the plotly wheel and inlined, so the page opens offline; its
Content-Security-Policy forbids the page any request at all. The only external URLs are
the sources' own links, which load nothing until a reader follows them.

Over 400 lines on purpose: one figure builder and one section renderer per part of the page,
read top to bottom in page order; split, the page's layout would be spread over modules.
"""

from __future__ import annotations

import json
from functools import cache
from html import escape
from importlib.resources import files
from string import Template
from typing import Any

from graph.engine.concentration import CRMA_BENCHMARK

BASIS_COLOURS = {"company": "31,119,180", "market": "255,127,14", "trade": "44,160,44"}
OTHER_COLOUR = "150,150,150"
NODE_COLOURS = {
    "subject": "#222222",
    "country": "#b2182b",
    "origin": "#9e9e9e",
    "step": "#5b6770",
    "other": "#cccccc",
}


@cache
def plotly_js() -> str:
    """plotly.min.js as the installed plotly wheel ships it."""
    return (files("plotly") / "package_data" / "plotly.min.js").read_text(encoding="utf-8")


@cache
def _template() -> Template:
    return Template((files("api") / "templates" / "report.html").read_text(encoding="utf-8"))


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _script_json(value: Any) -> str:
    """JSON safe inside a <script> element."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e")


def render_html(report: dict[str, Any]) -> str:
    exposure = report["exposure"]
    request = report["request"]
    country = escape(exposure["country"])
    subject = escape(exposure["subject"]["name"])
    figures: dict[str, Any] = {
        "sankey": sankey_figure(report),
        "stages": stage_figure(report),
    }
    sections = [_headline(report), _sankey_section(report), _stages_section(report)]
    sections.append(_paths_section(report))
    if report["concentration"]:
        figures["concentration"] = concentration_figure(report)
        sections.append(_concentration_section(report))
    if report["scenario"] is not None:
        if _timed(report)[0]:
            figures["scenario"] = scenario_figure(report)
        sections.append(_scenario_section(report))
    sections.append(_dependents_section(report))
    sections.append(_sources_section(report))
    return _template().substitute(
        title=f"{subject}: dependence on {country}",
        lede=(
            f"Where the rare earths in {subject} come from, stage by stage, and how much of "
            f"them passes through {country}."
        ),
        provenance=escape(
            f"Graph version {exposure['graphVersion']}, loaded {exposure.get('asOf') or '?'}; "
            f"report of {request['today']}. Shares are fractions of the rare-earth content."
        ),
        plotly=plotly_js().replace("</script", "<\\/script"),
        body="\n".join(sections),
        figures=_script_json(figures),
    )


def _section(title: str, inner: str) -> str:
    return f"<section><h2>{escape(title)}</h2>\n{inner}\n</section>"


def _headline(report: dict[str, Any]) -> str:
    exposure = report["exposure"]
    stage = exposure["stage"] or "no stage"
    products = exposure["products"]
    over = (
        f"<p class='note'>The mean over its {len(products)} products (unweighted).</p>"
        if products
        else ""
    )
    return (
        f"<section><p><span class='headline'>{_pct(exposure['share'])}</span> "
        f"of the content passes {escape(exposure['country'])} at its heaviest stage "
        f"({escape(stage)}).</p>{over}</section>"
    )


def sankey_figure(report: dict[str, Any]) -> dict[str, Any]:
    data = report["sankey"]
    colours = []
    for link in data["links"]:
        rgb = BASIS_COLOURS.get(link["basis"], OTHER_COLOUR)
        colours.append(f"rgba({rgb},{0.8 if link['country'] else 0.22})")
    return {
        "data": [
            {
                "type": "sankey",
                "arrangement": "snap",
                "valueformat": ".1%",
                "node": {
                    "label": [n["label"] for n in data["nodes"]],
                    "color": [NODE_COLOURS[n["kind"]] for n in data["nodes"]],
                    "pad": 12,
                    "thickness": 14,
                },
                "link": {
                    "source": [link["source"] for link in data["links"]],
                    "target": [link["target"] for link in data["links"]],
                    "value": [link["value"] for link in data["links"]],
                    "color": colours,
                    "customdata": [link["basis"] for link in data["links"]],
                    "hovertemplate": "%{value} on %{customdata} basis<extra></extra>",
                },
            }
        ],
        "layout": {
            "height": max(420, 22 * len(data["nodes"])),
            "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
            "font": {"size": 11},
        },
    }


def _legend(country: str) -> str:
    items = [
        f"<span><i class='swatch' style='background:rgba({rgb},0.8)'></i>{escape(basis)} "
        f"(through {escape(country)})</span>"
        for basis, rgb in BASIS_COLOURS.items()
    ]
    items.append(
        f"<span><i class='swatch' style='background:rgba({BASIS_COLOURS['market']},0.22)'>"
        "</i>elsewhere (pale)</span>"
    )
    items.append(
        f"<span><i class='swatch' style='background:{NODE_COLOURS['country']}'></i>"
        f"stages in {escape(country)}</span>"
    )
    return f"<p class='legend note'>{''.join(items)}</p>"


def _sankey_section(report: dict[str, Any]) -> str:
    data = report["sankey"]
    country = report["exposure"]["country"]
    collapsed = (
        f"{data['collapsed']} of {data['routes']} routes carry less than "
        f"{data['threshold']:.0%} each and are collapsed into the grey “other” bands."
        if data["collapsed"]
        else f"All {data['routes']} routes are drawn (none under {data['threshold']:.0%})."
    )
    return _section(
        "Supply flow",
        f"{_legend(country)}<div id='sankey' class='chart'></div>"
        "<p class='note'>Each band is one of the heaviest routes from a stage's origin to the "
        "subject, coloured by the basis of its share (company links, market shares, trade "
        "mixes). Bands ending at the same stage add up; bands of different stages overlap, "
        f"since the content crosses every stage. {escape(collapsed)}</p>",
    )


def stage_figure(report: dict[str, Any]) -> dict[str, Any]:
    stages = report["exposure"]["stages"]
    names = [s["stage"] for s in stages]
    parts = [("company", "companyShare"), ("market", "marketShare"), ("trade", "tradeShare")]
    data: list[dict[str, Any]] = [
        {
            "type": "bar",
            "name": f"{basis} basis",
            "x": names,
            "y": [s[field] for s in stages],
            "marker": {"color": f"rgb({BASIS_COLOURS[basis]})"},
            "hovertemplate": "%{y:.1%}<extra>%{fullData.name}</extra>",
        }
        for basis, field in parts
    ]
    data.append(
        {
            "type": "scatter",
            "mode": "markers+text",
            "name": "coverage",
            "x": names,
            "y": [s["coverage"] for s in stages],
            "text": [f"coverage {s['coverage']:.0%}" for s in stages],
            "textposition": "top center",
            "marker": {"symbol": "line-ew-open", "size": 30, "color": "#444"},
        }
    )
    return {
        "data": data,
        "layout": {
            "barmode": "stack",
            "height": 360,
            "yaxis": {"tickformat": ".0%", "range": [0, 1.12], "title": {"text": "share"}},
            "margin": {"l": 60, "r": 10, "t": 10, "b": 40},
            "legend": {"orientation": "h"},
        },
    }


def _stages_section(report: dict[str, Any]) -> str:
    exposure = report["exposure"]
    rows = "".join(
        f"<tr><td>{escape(s['stage'])}</td><td class='num'>{_pct(s['share'])}</td>"
        f"<td>{escape(s['basis'])}</td><td class='num'>{_pct(s['coverage'])}</td></tr>"
        for s in exposure["stages"]
    )
    return _section(
        f"Share through {exposure['country']}, by stage",
        "<div id='stages' class='chart'></div><table><tr><th>stage</th><th class='num'>share"
        "</th><th>basis</th><th class='num'>coverage</th></tr>"
        f"{rows}</table><p class='note'>Coverage: the fraction of the flow reaching the stage "
        "whose country is known.</p>",
    )


def _paths_section(report: dict[str, Any]) -> str:
    paths = report["exposure"]["paths"]
    if not paths:
        return _section("Top paths", "<p>No route reaches the country.</p>")
    rows = "".join(
        f"<tr><td class='num'>{_pct(p['share'])}</td><td>{escape(p['stage'])}</td>"
        f"<td>{escape(p['basis'])}</td><td>{escape(_route(p))}</td></tr>"
        for p in paths
    )
    return _section(
        "Top paths",
        f"<table><tr><th class='num'>share</th><th>stage</th><th>basis</th><th>route</th></tr>"
        f"{rows}</table>",
    )


def _route(path: dict[str, Any]) -> str:
    return " → ".join(
        s["item"]["name"] + (f" ({s['supplier']['name']})" if s["supplier"] else "")
        for s in path["steps"]
    )


def concentration_figure(report: dict[str, Any]) -> dict[str, Any]:
    rows = report["concentration"]
    labels = [f"{c['item']['name']} ({c['stage'] or '-'})" for c in rows]
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "y": labels,
                "x": [c["top1"] for c in rows],
                "text": [c["shares"][0]["country"] if c["shares"] else "" for c in rows],
                "textposition": "inside",
                "marker": {"color": ["#b2182b" if c["flagged"] else "#4d7ea8" for c in rows]},
                "hovertemplate": "top country %{text}: %{x:.1%}<extra></extra>",
            }
        ],
        "layout": {
            "height": 120 + 28 * len(rows),
            "xaxis": {"tickformat": ".0%", "range": [0, 1]},
            "yaxis": {"automargin": True},
            "margin": {"l": 10, "r": 10, "t": 10, "b": 40},
            "shapes": [
                {
                    "type": "line",
                    "x0": CRMA_BENCHMARK,
                    "x1": CRMA_BENCHMARK,
                    "yref": "paper",
                    "y0": 0,
                    "y1": 1,
                    "line": {"color": "#222", "dash": "dash"},
                }
            ],
        },
    }


def _concentration_section(report: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><td>{escape(c['item']['name'])}</td><td>{escape(c['stage'] or '-')}</td>"
        f"<td>{escape(c['shares'][0]['country'] if c['shares'] else '-')}</td>"
        f"<td class='num{' flag' if c['flagged'] else ''}'>{_pct(c['top1'])}</td>"
        f"<td class='num'>{c['hhi']:,.0f}</td><td class='num'>{_pct(c['coverage'])}</td></tr>"
        for c in report["concentration"]
    )
    return _section(
        f"Concentration against the {CRMA_BENCHMARK:.0%} benchmark",
        "<div id='concentration' class='chart'></div><table><tr><th>item</th><th>stage</th>"
        "<th>top country</th><th class='num'>top share</th><th class='num'>HHI</th>"
        f"<th class='num'>coverage</th></tr>{rows}</table><p class='note'>Items in the "
        "subject's supply tree with market shares; red: one country above the EU Critical "
        f"Raw Materials Act's {CRMA_BENCHMARK:.0%} benchmark.</p>",
    )


def _subject_impacts(report: dict[str, Any]) -> list[dict[str, Any]]:
    scenario = report["scenario"]
    exposure = report["exposure"]
    mine = {p["id"] for p in exposure["products"]} or {exposure["subject"]["id"]}
    impacts: list[dict[str, Any]] = scenario["products"]
    chosen = [p for p in impacts if p["product"]["id"] in mine]
    return chosen or impacts[:10]


def _timed(report: dict[str, Any]) -> tuple[list[dict[str, Any]], bool]:
    """The impacts with a stock cover to draw: the subject's, else every product's that
    has one (True: they are not the subject's)."""
    mine = [p for p in _subject_impacts(report) if p["weeksToStockout"]]
    if mine:
        return mine, False
    return [p for p in report["scenario"]["products"] if p["weeksToStockout"]], True


def scenario_figure(report: dict[str, Any]) -> dict[str, Any]:
    scenario = report["scenario"]
    impacts, _ = _timed(report)
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "name": "weeks to stock-out (low)",
                "y": [p["product"]["name"] for p in impacts],
                "x": [p["weeksToStockout"][0] for p in impacts],
                "error_x": {
                    "type": "data",
                    "symmetric": False,
                    "array": [p["weeksToStockout"][1] - p["weeksToStockout"][0] for p in impacts],
                    "arrayminus": [0 for _ in impacts],
                },
                "marker": {"color": "#b2182b"},
            }
        ],
        "layout": {
            "height": 160 + 30 * len(impacts),
            "xaxis": {"title": {"text": f"weeks from {scenario['countedFrom'] or 'start'}"}},
            "yaxis": {"automargin": True},
            "margin": {"l": 10, "r": 10, "t": 10, "b": 50},
            "shapes": [
                {
                    "type": "line",
                    "x0": scenario["durationWeeks"],
                    "x1": scenario["durationWeeks"],
                    "yref": "paper",
                    "y0": 0,
                    "y1": 1,
                    "line": {"color": "#222", "dash": "dash"},
                }
            ],
        },
    }


def _scenario_section(report: dict[str, Any]) -> str:
    scenario = report["scenario"]
    control = scenario["control"]["name"] if scenario["control"] else scenario["issuer"]
    rows = "".join(
        f"<tr><td>{escape(p['product']['name'])}</td><td class='num'>{_pct(p['controlled'])}"
        f"</td><td class='num'>{_pct(p['shortfall'])}</td><td>"
        + (
            escape(f"{p['weeksToStockout'][0]:.1f}-{p['weeksToStockout'][1]:.1f} weeks")
            if p["weeksToStockout"]
            else "no stock data"
        )
        + "</td><td>"
        + escape(" to ".join(p["stockoutDates"]) if p["stockoutDates"] else "-")
        + "</td></tr>"
        for p in _subject_impacts(report)
    )
    timed, others = _timed(report)
    if not timed:
        timeline = "<p class='note'>No product in the graph has stock data: no timeline.</p>"
    else:
        drawn = (
            "<p class='note'>The subject has no stock data; the timeline shows the products "
            "that do.</p>"
            if others
            else ""
        )
        timeline = f"{drawn}<div id='scenario' class='chart'></div>"
    return _section(
        "Scenario: timeline to stock-out",
        f"<p>{escape(control)}: {escape(scenario['status'])} on {escape(scenario['asOf'])}, "
        f"approval rate {_pct(scenario['approvalRate'])}, over "
        f"{scenario['durationWeeks']:g} weeks (dashed line).</p>{timeline}"
        "<table><tr><th>product</th>"
        "<th class='num'>controlled</th><th class='num'>shortfall</th><th>weeks to stock-out"
        f"</th><th>stock-out dates</th></tr>{rows}</table>",
    )


def _dependents_section(report: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><td>{escape(d['subject']['name'])}</td><td class='num'>{_pct(d['share'])}</td>"
        f"<td>{escape(d['stage'])}</td><td>{escape(d['basis'])}</td></tr>"
        for d in report["dependents"]
    )
    return _section(
        f"Products most dependent on {report['exposure']['country']}",
        "<table><tr><th>product</th><th class='num'>share</th><th>stage</th><th>basis</th>"
        f"</tr>{rows}</table>",
    )


def _sources_section(report: dict[str, Any]) -> str:
    seen: dict[str, dict[str, Any]] = {}
    for source in report["exposure"]["sources"]:
        seen[source["id"]] = source
    for c in report["concentration"]:
        if c["source"]:
            seen.setdefault(c["source"]["id"], c["source"])
    if report["scenario"]:
        for source in report["scenario"]["sources"]:
            seen.setdefault(source["id"], source)
    items = []
    for source in seen.values():
        title = escape(source["title"])
        if source["url"] and str(source["url"]).startswith(("https://", "http://")):
            title = f"<a href='{escape(source['url'], quote=True)}' rel='noreferrer'>{title}</a>"
        meta = ", ".join(escape(str(v)) for v in (source["publisher"], source["date"]) if v)
        items.append(f"<li>{title}{' (' + meta + ')' if meta else ''}</li>")
    return _section("Sources", f"<ol class='sources'>{''.join(items)}</ol>")
