"""``supplygraph import usgs-mcs|comtrade|baci PATH``: public releases read as published.

Exit codes as ``load``: 0 imported; 2 refused input (every problem listed as
``file:row: column: message``, nothing written); 3 the store is unusable.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from api import tables
from api.exits import exit_codes
from api.settings import Settings
from loaders.importer import ImportReport, ReleaseFormat, import_release

SkipUnknown = Annotated[
    bool,
    typer.Option(
        "--skip-unknown",
        help="Skip rows with an unknown country, unit or HS code (and list them) "
        "instead of refusing the file.",
    ),
]
BatchSize = Annotated[
    int | None,
    typer.Option(
        help="Rows per write transaction (default 1000).", envvar="SUPPLYGRAPH_BATCH_SIZE"
    ),
]

HELP = {
    ReleaseFormat.USGS_MCS: "USGS Mineral Commodity Summaries: a world or salient CSV, the "
    "2025 combined or 2026 long file, or a folder of them.",
    ReleaseFormat.COMTRADE: "UN Comtrade CSV as downloaded (annual, HS6), or a folder of them.",
    ReleaseFormat.BACI: "CEPII BACI BACI_HS*_Y*_V*.csv (or its folder), with "
    "country_codes_V*.csv beside it.",
}


def register(
    app: typer.Typer,
    *,
    settings: Callable[[], Settings],
    opened: Callable[..., Any],
    out: Console,
    err: Console,
) -> None:
    """Add the ``import`` command group to ``app``; the CLI hands over how it opens stores."""
    group = typer.Typer(
        help="Import public releases as published: USGS MCS, UN Comtrade, CEPII BACI.",
        no_args_is_help=True,
    )

    def run(kind: ReleaseFormat, path: Path, skip_unknown: bool, batch_size: int | None) -> None:
        config = settings()
        started = time.perf_counter()
        with opened(config) as store, exit_codes(err):
            report = import_release(
                kind,
                path,
                store=store,
                batch_size=batch_size or config.batch_size,
                skip_unknown=skip_unknown,
            )
        _show(report, kind=kind, path=path, elapsed=time.perf_counter() - started, out=out, err=err)

    @group.command("usgs-mcs")
    def usgs_mcs(
        path: Annotated[Path, typer.Argument(help=HELP[ReleaseFormat.USGS_MCS])],
        skip_unknown: SkipUnknown = False,
        batch_size: BatchSize = None,
    ) -> None:
        """Mine production (market shares at the mining stage, in tonnes), reserves, world
        totals (checked against the countries) and salient statistics (observations)."""
        run(ReleaseFormat.USGS_MCS, path, skip_unknown, batch_size)

    @group.command()
    def comtrade(
        path: Annotated[Path, typer.Argument(help=HELP[ReleaseFormat.COMTRADE])],
        skip_unknown: SkipUnknown = False,
        batch_size: BatchSize = None,
    ) -> None:
        """Trade flows (TRADES, exporter -> importer) for the HS codes of
        dataset/mappings/hs_items.csv; the importer's figure where both sides report."""
        run(ReleaseFormat.COMTRADE, path, skip_unknown, batch_size)

    @group.command()
    def baci(
        path: Annotated[Path, typer.Argument(help=HELP[ReleaseFormat.BACI])],
        skip_unknown: SkipUnknown = False,
        batch_size: BatchSize = None,
    ) -> None:
        """Trade flows (TRADES) from CEPII's reconciled BACI, filtered to the HS codes of
        dataset/mappings/hs_items.csv while streaming."""
        run(ReleaseFormat.BACI, path, skip_unknown, batch_size)

    app.add_typer(group, name="import")


def _show(
    report: ImportReport,
    *,
    kind: ReleaseFormat,
    path: Path,
    elapsed: float,
    out: Console,
    err: Console,
) -> None:
    for problem in report.skipped:
        err.print(f"{problem} (skipped)", markup=False, highlight=False)
    if report.skipped:
        err.print(f"skipped {len(report.skipped)} row(s) with unknown values (--skip-unknown)")
    for note in report.notes:
        err.print(f"note: {note}", markup=False, highlight=False)
    table = tables.table(
        f"Imported {path} ({kind.value}) in {elapsed:.2f} s "
        f"(graph version {report.version.version})",
        ("kind", "created", "updated", "unchanged"),
        right=("created", "updated", "unchanged"),
    )
    rows = [*report.summary.nodes.items(), *report.summary.relationships.items()]
    for name, counts in [*rows, ("total", report.summary.total)]:
        table.add_row(name, str(counts.created), str(counts.updated), str(counts.unchanged))
    out.print(table)
    if report.existing:
        out.print(
            f"{report.existing} source(s), countries or items were already in the store and "
            "were left as they were"
        )
