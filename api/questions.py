"""The analysts' questions as CLI commands: exposure, dependents, concentration, scenario,
controls.

Each prints a table, or with ``--json`` the answer in the GraphQL API's shape (camelCase
names, the same nesting: schema.answers converts both), so a script can switch between
them. Tables round for reading (``-`` where nothing is known); JSON keeps full floats.
Read-only: against the embedded store they work while `supplygraph serve` runs.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console

from api import tables
from api.exits import EXIT_BAD_INPUT, exit_codes
from api.settings import Settings
from graph.engine.answers import Scenario, StageBasis, SubjectKind
from graph.model import Stage

if TYPE_CHECKING:
    from graph.engine.snapshot import Snapshot

T = TypeVar("T")

Json = Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")]


def emit(answer: Any) -> None:
    """Print a converted answer (schema.answers) as the GraphQL API gives it."""
    from schema import answers as graphql_answers

    sys.stdout.write(json.dumps(graphql_answers.as_json(answer), indent=2))
    sys.stdout.write("\n")


def pct(share: float, *, digits: int = 1) -> str:
    return f"{share:.{digits}%}"


def num(value: float) -> str:
    """A figure for a table: at most three significant decimals (``0.91``, not
    ``0.9099999999999999``)."""
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def parse_day(text: str | None, err: Console) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError as e:
        err.print(f"[red]bad input:[/red] {e}")
        raise typer.Exit(EXIT_BAD_INPUT) from e


def answering(
    *, settings: Callable[[], Settings], opened: Callable[..., Any], err: Console
) -> Callable[[Callable[[Snapshot], T]], T]:
    """Ask a question of a snapshot of the configured store, opened read-only (so it works
    beside a running server), errors mapped to exit codes."""

    def answer(ask: Callable[[Snapshot], T]) -> T:
        from graph.snapshots import SnapshotCache

        with opened(settings(), read_only=True) as store, exit_codes(err):
            return ask(SnapshotCache().get(store))

    return answer


def register(
    app: typer.Typer,
    *,
    settings: Callable[[], Settings],
    opened: Callable[..., Any],
    out: Console,
    err: Console,
) -> None:
    """Add the question commands to ``app``; the CLI hands over how it opens stores."""
    answer = answering(settings=settings, opened=opened, err=err)

    @app.command()
    def exposure(
        subject: Annotated[str, typer.Argument(help="Product, item, OEM or end-use id.")],
        country: Annotated[str, typer.Option(help="ISO 3166 alpha-2 code.")] = "CN",
        paths: Annotated[int, typer.Option(help="How many heaviest paths to show.")] = 5,
        as_json: Json = False,
    ) -> None:
        """Share-weighted dependence on a country, stage by stage, with paths and sources."""
        result = answer(lambda s: s.exposure(subject, country, paths=paths))
        if as_json:
            from schema import answers as graphql_answers

            return emit(graphql_answers.exposure(result))
        table = tables.table(
            f"{result.subject.name}: {pct(result.share)} via {country} "
            f"(highest at {result.stage.value if result.stage else '-'})",
            ("stage", "share", "company", "market", "trade", "coverage", "basis"),
            right=("share", "company", "market", "trade", "coverage"),
        )
        for s in result.stages:
            known = s.basis is not StageBasis.NONE
            table.add_row(
                s.stage.value,
                pct(s.share) if known else "-",
                pct(s.company_share) if known else "-",
                pct(s.market_share) if known else "-",
                pct(s.trade_share) if known else "-",
                pct(s.coverage, digits=0),
                s.basis.value,
            )
        out.print(table)
        for p in result.paths:
            steps = " > ".join(
                st.item.id + (f" @{st.supplier.id}" if st.supplier else "") for st in p.steps
            )
            out.print(f"  {pct(p.share):>6}  {p.stage.value:<10} {p.basis.value:<7} {steps}")
        out.print("sources: " + ", ".join(s.id for s in result.sources))

    @app.command()
    def dependents(
        country: Annotated[str, typer.Option(help="ISO 3166 alpha-2 code.")] = "CN",
        item: Annotated[str | None, typer.Option(help="Only through this item.")] = None,
        kind: Annotated[SubjectKind, typer.Option(help="Rank products, OEMs or end uses.")] = (
            SubjectKind.PRODUCT
        ),
        limit: Annotated[int | None, typer.Option(help="Show the first N.")] = None,
        as_json: Json = False,
    ) -> None:
        """Everything that depends on a country (for an item), ranked by share."""
        found = answer(lambda s: s.dependents(country, item, kind, limit=limit))
        if as_json:
            from schema import answers as graphql_answers

            return emit([graphql_answers.dependent(d) for d in found])
        table = tables.table(
            f"{kind.value}s depending on {country}" + (f" for {item}" if item else ""),
            ("id", "name", "share", "stage", "basis", "OEMs", "end uses"),
            wrap=("name", "OEMs", "end uses"),
            right=("share",),
        )
        for d in found:
            table.add_row(
                d.subject.id,
                d.subject.name,
                pct(d.share),
                d.stage.value,
                d.basis.value,
                ", ".join(o.id for o in d.oems),
                ", ".join(e.id for e in d.end_uses),
            )
        out.print(table)

    @app.command()
    def concentration(
        item: Annotated[str | None, typer.Option(help="One item (default: all).")] = None,
        stage: Annotated[Stage | None, typer.Option(help="Only items of this stage.")] = None,
        year: Annotated[int | None, typer.Option(help="Year of the facts (default: best).")] = None,
        threshold: Annotated[float, typer.Option(help="Flag a top share above this.")] = 0.65,
        as_json: Json = False,
    ) -> None:
        """Shares by country, HHI and top-1/top-3 of each item's world output."""
        found = answer(
            lambda s: s.concentration(item=item, stage=stage, year=year, threshold=threshold)
        )
        if as_json:
            from schema import answers as graphql_answers

            return emit([graphql_answers.concentration(c) for c in found])
        table = tables.table(
            f"concentration (flag above {pct(threshold, digits=0)})",
            ("item", "stage", "year", "HHI", "top1", "top3", "flag", "countries"),
            wrap=("countries",),
            right=("HHI", "top1", "top3"),
        )
        for c in found:
            shares = ", ".join(f"{s.country} {pct(s.share, digits=0)}" for s in c.shares[:4])
            table.add_row(
                c.item.id,
                c.stage.value if c.stage else "",
                str(c.year) if c.year is not None else "-",
                f"{c.hhi:,.0f}",
                pct(c.top1),
                pct(c.top3),
                "yes" if c.flagged else "",
                shares,
            )
        out.print(table)

    @app.command()
    def scenario(
        control: Annotated[str | None, typer.Option(help="A bundled export control id.")] = None,
        issuer: Annotated[str | None, typer.Option(help="Or: the issuing country...")] = None,
        item: Annotated[list[str] | None, typer.Option(help="...and the items (repeat).")] = None,
        approval_rate: Annotated[float, typer.Option(help="Share of exports approved.")] = 0.0,
        start: Annotated[
            str | None, typer.Option(help="First day (ISO; default: effective).")
        ] = None,
        duration_weeks: Annotated[float, typer.Option(help="How long licences stall.")] = 8.0,
        as_of: Annotated[str | None, typer.Option(help="Judge the control on this day.")] = None,
        as_json: Json = False,
    ) -> None:
        """Apply an export control: shortfall by product, OEM and end use; stock-out weeks."""
        first = parse_day(start, err)
        day = parse_day(as_of, err)
        result = answer(
            lambda s: s.scenario(
                today=date.today(),
                control=control,
                issuer=issuer,
                items=item,
                approval_rate=approval_rate,
                start=first,
                duration_weeks=duration_weeks,
                as_of=day,
            )
        )
        if as_json:
            from schema import answers as graphql_answers

            return emit(graphql_answers.scenario(result))
        _print_scenario(result, out)

    @app.command()
    def controls(
        as_of: Annotated[str | None, typer.Option(help="The day (ISO; default today).")] = None,
        as_json: Json = False,
    ) -> None:
        """Every export control on a day: its status and the act that decides it."""
        day = parse_day(as_of, err) or date.today()
        found = answer(lambda s: s.controls(as_of=day))
        if as_json:
            from schema import answers as graphql_answers

            return emit([graphql_answers.control_status(c) for c in found])
        table = tables.table(
            f"export controls on {day.isoformat()}",
            ("control", "issuer", "status", "decided by", "in force from", "licences"),
            wrap=("status", "licences"),
        )
        for c in found:
            table.add_row(
                c.control.id,
                c.issuer,
                c.status,
                c.act.id if c.act else "-",
                c.in_force_from or "-",
                ", ".join(x.exporter.id for x in c.licences if x.exporter) or "-",
            )
        out.print(table)


def _print_scenario(result: Scenario, out: Console) -> None:
    name = result.control.name if result.control else "custom control"
    decided = f" ({result.act.id})" if result.act else ""
    out.print(
        f"{name}: {result.status}{decided} on {result.as_of}; approval "
        f"{pct(result.approval_rate, digits=0)}, {num(result.duration_weeks)} weeks "
        f"from {result.start}"
    )
    if result.counted_from and result.in_force:
        out.print(f"stock-outs counted from {result.counted_from}")
    if result.licensed:
        out.print("general licences: " + ", ".join(x.id for x in result.licensed))
    if not result.in_force:
        again = (
            f"it binds again on {result.counted_from}"
            if result.counted_from
            else "it does not bind again"
        )
        out.print(f"nothing is blocked on {result.as_of}: the control is {result.status}; {again}")
        return
    if not result.products:
        out.print("no product's supply passes a controlled export")
        return
    table = tables.table(
        "products (ctrl: share through controlled exports; out?: runs out within the stall)",
        ("product", "ctrl", "short", "cover wk", "stock-out", "out?"),
        right=("ctrl", "short"),
    )
    for p in result.products:
        cover = f"{num(p.cover_weeks[0])}-{num(p.cover_weeks[1])}" if p.cover_weeks else "-"
        stockout = "-"
        if p.weeks_to_stockout:
            stockout = f"{p.weeks_to_stockout[0]:.1f}-{p.weeks_to_stockout[1]:.1f} wk"
            if p.stockout_dates:  # one line each: the table stays within 80 columns
                stockout += f"\n{p.stockout_dates[0]}\n{p.stockout_dates[1]}"
        runs_out = {True: "yes", False: "no", None: "-"}[p.runs_out_within_duration]
        table.add_row(p.product.id, pct(p.controlled), pct(p.shortfall), cover, stockout, runs_out)
    out.print(table)
    for title, groups in (("OEMs", result.oems), ("end uses", result.end_uses)):
        if groups:
            grouped = tables.table(
                title, ("id", "name", "shortfall (largest)", "products"), wrap=("name",)
            )
            for g in groups:
                grouped.add_row(g.entity.id, g.entity.name, pct(g.shortfall), str(g.products))
            out.print(grouped)
    if result.volumes:
        volumes = tables.table(
            "volumes (tonnes a year)",
            ("holder", "item", "kind", "year", "tonnes", "short"),
            right=("tonnes", "short"),
        )
        for v in result.volumes:
            volumes.add_row(
                v.holder.id,
                v.item.id,
                v.kind,
                str(v.year) if v.year is not None else "-",
                num(v.tonnes),
                num(v.shortfall_tonnes),
            )
        out.print(volumes)
