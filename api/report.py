"""The exposure report's content: one product's, OEM's or end use's dependence on a country,
gathered from the snapshot as JSON in the GraphQL API's shape (schema.answers), plus the
Sankey of its supply routes.

The same document feeds the HTML page (api/report_page.py), the PDF (api/pdf.py), the
``/report?format=json`` route and the notebook API (api/notebook.py), so they cannot drift.

The Sankey is built from the engine's heaviest routes (graph.engine.exposure.carried_paths)
to every country: each band is one route, ending at the stage where its country is known.
A product's content crosses every stage, so bands ending at different stages overlap: the
widths of one stage's bands add up, those of different stages do not. Routes under
``threshold`` are collapsed into one "other" band per stage, and the page says how many.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from graph.engine.answers import CarriedPath
from graph.errors import QueryError

if TYPE_CHECKING:
    from graph.engine.snapshot import Snapshot

ROUTES_PER_COUNTRY = 20
DEFAULT_THRESHOLD = 0.02
"""Routes carrying less than 2% of the content are collapsed into "other"."""


@dataclass(frozen=True)
class ReportRequest:
    subject: str
    country: str
    control: str | None = None
    approval_rate: float = 0.0
    duration_weeks: float = 8.0
    threshold: float = DEFAULT_THRESHOLD


def build_report(snapshot: Snapshot, request: ReportRequest, *, today: date) -> dict[str, Any]:
    """The report as plain JSON; raises the engine's NotFound / QueryError for bad input."""
    from graph.engine.propagation import reachable
    from schema import answers as graphql_answers

    if not 0.0 <= request.threshold < 1.0:
        raise QueryError(f"threshold must be at least 0 and below 1, got {request.threshold}")
    exposure = snapshot.exposure(request.subject, request.country, paths=10)
    rows, _ = snapshot.subject_products(request.subject)
    tree = {
        snapshot.network.positions[i].item for v in rows for i in reachable(snapshot.network, v)
    }
    concentration = [c for c in snapshot.concentration() if c.item.id in tree]
    dependents = snapshot.dependents(request.country, limit=10)
    scenario = None
    if request.control is not None:
        scenario = snapshot.scenario(
            today=today,
            control=request.control,
            approval_rate=request.approval_rate,
            duration_weeks=request.duration_weeks,
        )
    return {
        "request": {
            "subject": request.subject,
            "country": request.country,
            "control": request.control,
            "approvalRate": request.approval_rate,
            "durationWeeks": request.duration_weeks,
            "threshold": request.threshold,
            "today": today.isoformat(),
        },
        "exposure": graphql_answers.as_json(graphql_answers.exposure(exposure)),
        "concentration": [
            graphql_answers.as_json(graphql_answers.concentration(c)) for c in concentration
        ],
        "dependents": [graphql_answers.as_json(graphql_answers.dependent(d)) for d in dependents],
        "scenario": (
            graphql_answers.as_json(graphql_answers.scenario(scenario)) if scenario else None
        ),
        "sankey": sankey(snapshot, request, rows=rows),
    }


def sankey(snapshot: Snapshot, request: ReportRequest, *, rows: list[int]) -> dict[str, Any]:
    """Nodes and links of the supply routes, origins on the left and the subject on the
    right; each link knows its basis and whether it carries the asked country's part."""
    from graph.engine.exposure import carried_paths

    routes: list[CarriedPath] = []
    for country in snapshot.countries:
        routes.extend(carried_paths(snapshot, rows, country, limit=ROUTES_PER_COUNTRY))
    subject = snapshot.named(request.subject)
    nodes: dict[str, dict[str, Any]] = {}
    links: dict[tuple[str, str, str, bool], float] = {}

    def node(key: str, label: str, kind: str) -> str:
        nodes.setdefault(key, {"key": key, "label": label, "kind": kind})
        return key

    end = node("subject", subject.name, "subject")
    collapsed = 0
    for route in routes:
        mine = route.country == request.country
        if route.share < request.threshold:
            collapsed += 1
            other = node(f"other:{route.stage}", f"other · {route.stage.value}", "other")
            key = (other, end, "other", False)
            links[key] = links.get(key, 0.0) + route.share
            continue
        chain = [
            node(
                f"origin:{route.stage}:{route.country}",
                f"{route.stage.value} · {route.country}",
                "country" if mine else "origin",
            )
        ]
        for step in reversed(route.steps):
            if step.item.id == subject.id and step.supplier is None:
                continue
            label = step.item.name + (f" ({step.supplier.name})" if step.supplier else "")
            chain.append(
                node(
                    f"step:{step.item.id}:{step.supplier.id if step.supplier else ''}",
                    label,
                    "step",
                )
            )
        chain.append(end)
        for source, target in zip(chain, chain[1:], strict=False):
            key = (source, target, route.basis.value, mine)
            links[key] = links.get(key, 0.0) + route.share
    order = list(nodes)
    return {
        "nodes": [nodes[k] for k in order],
        "links": [
            {
                "source": order.index(s),
                "target": order.index(t),
                "basis": basis,
                "country": mine,
                "value": value,
            }
            for (s, t, basis, mine), value in links.items()
        ],
        "routes": len(routes),
        "collapsed": collapsed,
        "threshold": request.threshold,
    }
