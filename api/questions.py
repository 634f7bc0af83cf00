"""The analysts' questions as CLI commands: exposure, dependents, concentration, scenario.

Each prints a table, or with ``--json`` the same answer the GraphQL API gives, as JSON.
Read-only: against the embedded store they work while `supplygraph serve` runs.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from enum import Enum
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from api.exits import EXIT_BAD_INPUT, exit_codes
from api.settings import Settings
from graph.engine.answers import SubjectKind
from graph.engine.snapshot import Snapshot
from graph.model import Stage
from graph.snapshots import SnapshotCache

T = TypeVar("T")

Json = Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")]


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    return str(value)


def _emit(answer: Any) -> None:
    sys.stdout.write(
        json.dumps(
            asdict(answer) if not isinstance(answer, list) else [asdict(a) for a in answer],
            default=_plain,
            indent=2,
        )
    )
    sys.stdout.write("\n")


def register(
    app: typer.Typer,
    *,
    settings: Callable[[], Settings],
    opened: Callable[..., Any],
    out: Console,
    err: Console,
) -> None:
    """Add the question commands to ``app``; the CLI hands over how it opens stores."""

    def answer(ask: Callable[[Snapshot], T]) -> T:
        with opened(settings(), read_only=True) as store, exit_codes(err):
            return ask(SnapshotCache().get(store))

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
            return _emit(result)
        table = Table(
            title=f"{result.subject.name}: {result.share:.1%} via {country} "
            f"(highest at {result.stage.value if result.stage else '-'})"
        )
        for column in ("stage", "share", "company", "market", "trade", "coverage", "basis"):
            table.add_column(column, justify="left" if column in ("stage", "basis") else "right")
        for s in result.stages:
            table.add_row(
                s.stage.value,
                f"{s.share:.1%}",
                f"{s.company_share:.1%}",
                f"{s.market_share:.1%}",
                f"{s.trade_share:.1%}",
                f"{s.coverage:.0%}",
                s.basis,
            )
        out.print(table)
        for p in result.paths:
            steps = " > ".join(
                st.item.id + (f" @{st.supplier.id}" if st.supplier else "") for st in p.steps
            )
            out.print(f"  {p.share:6.1%}  {p.stage.value:<10} {p.basis.value:<7} {steps}")
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
            return _emit(found)
        table = Table(
            title=f"{kind.value}s depending on {country}" + (f" for {item}" if item else "")
        )
        for column in ("id", "name", "share", "stage", "OEMs", "end uses"):
            table.add_column(column, justify="right" if column == "share" else "left")
        for d in found:
            table.add_row(
                d.subject.id,
                d.subject.name,
                f"{d.share:.1%}",
                d.stage.value,
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
            return _emit(found)
        table = Table(title=f"concentration (flag above {threshold:.0%})")
        for column in ("item", "stage", "year", "HHI", "top1", "top3", "flag", "countries"):
            table.add_column(column)
        for c in found:
            shares = ", ".join(f"{s.country} {s.share:.0%}" for s in c.shares[:4])
            table.add_row(
                c.item.id,
                c.stage.value if c.stage else "",
                str(c.year),
                f"{c.hhi:.0f}",
                f"{c.top1:.1%}",
                f"{c.top3:.1%}",
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
        try:
            first = date.fromisoformat(start) if start else None
            day = date.fromisoformat(as_of) if as_of else None
        except ValueError as e:
            err.print(f"[red]bad input:[/red] {e}")
            raise typer.Exit(EXIT_BAD_INPUT) from e
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
            return _emit(result)
        name = result.control.name if result.control else "custom control"
        out.print(
            f"{name}: {result.status} on {result.as_of}; approval "
            f"{result.approval_rate:.0%}, {result.duration_weeks:g} weeks from {result.start}"
        )
        table = Table()
        for column in (
            "product",
            "controlled",
            "shortfall",
            "cover (wk)",
            "stock-out (wk)",
            "runs out",
        ):
            table.add_column(column)
        for p in result.products:
            cover = f"{p.cover_weeks[0]:g}-{p.cover_weeks[1]:g}" if p.cover_weeks else ""
            weeks = (
                f"{p.weeks_to_stockout[0]:.1f}-{p.weeks_to_stockout[1]:.1f}"
                if p.weeks_to_stockout
                else ""
            )
            runs_out = {True: "yes", False: "no", None: ""}[p.runs_out_within_duration]
            table.add_row(
                p.product.id, f"{p.controlled:.1%}", f"{p.shortfall:.1%}", cover, weeks, runs_out
            )
        out.print(table)
