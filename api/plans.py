"""The planner's and the watch's CLI commands: `supplygraph mitigate` and `supplygraph watch`.

Like api.questions: a table, or with ``--json`` the GraphQL shape (schema.plans). The
clock is read here, at the edge (``--as-of`` overrides it), never in the engine.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from api.exits import EXIT_BAD_INPUT
from api.questions import Json, answering, emit, num, parse_day, pct
from api.settings import Settings
from graph.engine.concentration import CRMA_BENCHMARK
from graph.model import Stage

T = TypeVar("T")

WITHIN = re.compile(r"^(\d+)([dw]?)$")


def parse_within(text: str) -> timedelta:
    """``30d``, ``4w`` or a bare number of days."""
    found = WITHIN.match(text.strip())
    if found is None:
        raise ValueError(f"--within '{text}' is not a number of days or weeks (30d, 4w)")
    count, unit = int(found.group(1)), found.group(2)
    return timedelta(weeks=count) if unit == "w" else timedelta(days=count)


def _prices(before: float | None, after: float | None) -> str:
    if before is None and after is None:
        return "-"
    return f"{'-' if before is None else f'{before:g}'} -> {'-' if after is None else f'{after:g}'}"


def register(
    app: typer.Typer,
    *,
    settings: Callable[[], Settings],
    opened: Callable[..., Any],
    out: Console,
    err: Console,
) -> None:
    answer = answering(settings=settings, opened=opened, err=err)

    @app.command()
    def mitigate(
        subject: Annotated[str, typer.Argument(help="Product, item, OEM or end-use id.")],
        country: Annotated[str, typer.Option(help="ISO 3166 alpha-2 code.")] = "CN",
        target: Annotated[
            float, typer.Option(help="Highest share to leave (default 0.65, EU CRMA).")
        ] = CRMA_BENCHMARK,
        stage: Annotated[
            Stage | None, typer.Option(help="Only this stage (default: every stage above).")
        ] = None,
        as_json: Json = False,
    ) -> None:
        """Plan the least sourcing change that brings a share of a country under a target."""
        plan = answer(lambda s: s.mitigate(subject, country, target=target, stage=stage))
        if as_json:
            from schema import plans

            return emit(plans.mitigation(plan))
        verdict = "target met" if plan.feasible else "target NOT met"
        out.print(
            f"{plan.subject.name} via {country}: {verdict} at {pct(plan.target, digits=0)}; "
            f"highest share left {pct(plan.best_share)}"
        )
        table = Table(title="stages")
        for column in (
            "stage",
            "before",
            "after",
            "lowest",
            "tonnes/yr",
            "objective",
            "extra cost",
            "why not",
        ):
            table.add_column(column)
        for s in plan.stages:
            table.add_row(
                s.stage,
                pct(s.before),
                pct(s.after),
                pct(s.lowest),
                num(s.tonnes) if s.tonnes is not None else "-",
                s.objective,
                f"{s.extra_cost:,.6g} {s.cost_unit}" if s.extra_cost is not None else "-",
                s.reason or "",
            )
        out.print(table)
        moves = Table(title="moves")
        for column in (
            "stage",
            "consumer",
            "item",
            "from",
            "to",
            "share",
            "tonnes/yr",
            "USD/kg",
            "extra cost",
        ):
            moves.add_column(column)
        for m in plan.moves:
            moves.add_row(
                m.stage,
                m.consumer.id,
                m.item.id,
                m.supplier.id if m.supplier else "market",
                m.to.id,
                pct(m.share),
                num(m.tonnes) if m.tonnes is not None else "-",
                _prices(m.usd_per_kg_from, m.usd_per_kg_to),
                f"{m.extra_cost:,.6g}" if m.extra_cost is not None else "-",
            )
        out.print(moves)
        for b in plan.binding:
            out.print(
                f"binding: {b.supplier.id} at {b.stage}: {num(b.spare)} t spare "
                f"({num(b.capacity)} t capacity, {num(b.assigned)} t assigned) all used"
            )
        for note in plan.notes:
            out.print(f"note: {note}")

    @app.command()
    def watch(
        within: Annotated[str, typer.Option(help="How far ahead: 30d, 4w ...")] = "30d",
        as_of: Annotated[str | None, typer.Option(help="From this day (ISO; default today).")] = (
            None
        ),
        as_json: Json = False,
    ) -> None:
        """Export-control status changes coming up, with the products each one reaches."""
        try:
            span = parse_within(within)
        except ValueError as e:
            err.print(f"[red]bad input:[/red] {e}")
            raise typer.Exit(EXIT_BAD_INPUT) from e
        start = parse_day(as_of, err) or date.today()
        end = start + span
        events = answer(lambda s: s.control_events(start=start, end=end))
        if as_json:
            from schema import plans

            return emit([plans.control_event(e) for e in events])
        if not events:
            out.print(f"no export control changes status from {start} to {end}")
            return
        for event in events:
            act = f" ({event.act.id})" if event.act else ""
            out.print(
                f"{event.day}  {event.control.id}: {event.change.replace('_', ' ')}{act}, "
                f"{event.before} -> {event.after}"
            )
            if not event.products:
                reached = [*event.covered, *event.covered_abroad]
                covered = ", ".join(c.id for c in reached) or "no item in the graph"
                out.print(f"  reaches no product (covers {covered})")
            for p in event.products:
                out.print(f"  {pct(p.shortfall):>6}  {p.product.id}")
