"""``supplygraph import usgs-mcs|comtrade|baci PATH``: public releases read as published.

Exit codes as ``load``: 0 imported; 2 refused input (every problem listed as
``file:row: column: message``, nothing written); 3 the store is unusable.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from api import tables
from api.exits import exit_codes
from api.settings import Settings

if TYPE_CHECKING:
    from loaders.company import CompanyImport
    from loaders.importer import ImportReport, ReleaseFormat

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
    "usgs-mcs": "USGS Mineral Commodity Summaries: a world or salient CSV, the "
    "2025 combined or 2026 long file, or a folder of them.",
    "comtrade": "UN Comtrade CSV as downloaded (annual, HS6), or a folder of them.",
    "baci": "CEPII BACI BACI_HS*_Y*_V*.csv (or its folder), with country_codes_V*.csv beside it.",
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

    def run(name: str, path: Path, skip_unknown: bool, batch_size: int | None) -> None:
        from loaders.importer import ReleaseFormat, import_release

        kind = ReleaseFormat(name)
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
        path: Annotated[Path, typer.Argument(help=HELP["usgs-mcs"])],
        skip_unknown: SkipUnknown = False,
        batch_size: BatchSize = None,
    ) -> None:
        """Mine production (market shares at the mining stage, in tonnes), reserves, world
        totals (checked against the countries) and salient statistics (observations)."""
        run("usgs-mcs", path, skip_unknown, batch_size)

    @group.command()
    def comtrade(
        path: Annotated[Path, typer.Argument(help=HELP["comtrade"])],
        skip_unknown: SkipUnknown = False,
        batch_size: BatchSize = None,
    ) -> None:
        """Trade flows (TRADES, exporter -> importer) for the HS codes of
        dataset/mappings/hs_items.csv; the importer's figure where both sides report."""
        run("comtrade", path, skip_unknown, batch_size)

    @group.command()
    def baci(
        path: Annotated[Path, typer.Argument(help=HELP["baci"])],
        skip_unknown: SkipUnknown = False,
        batch_size: BatchSize = None,
    ) -> None:
        """Trade flows (TRADES) from CEPII's reconciled BACI, filtered to the HS codes of
        dataset/mappings/hs_items.csv while streaming."""
        run("baci", path, skip_unknown, batch_size)

    @group.command()
    def company(
        path: Annotated[
            Path, typer.Argument(help="A company workbook (XLSX) or a folder of its CSV sheets.")
        ],
        owner: Annotated[
            str, typer.Option(help="The company id whose data this is (its import's source).")
        ],
        mapping: Annotated[
            Path | None,
            typer.Option(help="The name mapping file (default: <workbook>.mapping.csv)."),
        ] = None,
        report: Annotated[
            Path | None,
            typer.Option(help="Where the review report goes (default: <workbook>.review.txt)."),
        ] = None,
        dry_run: Annotated[
            bool, typer.Option("--dry-run", help="Show what would change; write nothing.")
        ] = False,
        batch_size: BatchSize = None,
    ) -> None:
        """A company's products, bill of materials, suppliers, sourcing and stock cover
        (docs/company-data.md). Supplier names are matched to the graph's companies; a
        re-import replaces the owner's previous import."""
        from loaders.company import default_mapping, import_company, write_review

        config = settings()
        mapping_path = mapping or default_mapping(path)
        with opened(config) as store, exit_codes(err):
            result = import_company(
                path,
                store=store,
                owner=owner,
                batch_size=batch_size or config.batch_size,
                mapping=mapping_path,
                dry_run=dry_run,
            )
        _show_company(result, out=out, dry_run=dry_run)
        if not dry_run:
            report_path = report or path.with_name(f"{path.stem}.review.txt")
            write_review(result, report=report_path, mapping=mapping_path)
            out.print(f"review report: {report_path}; mapping file: {mapping_path}")

    app.add_typer(group, name="import")

    @app.command()
    def template(
        path: Annotated[Path, typer.Argument(help="Where to write the blank workbook (.xlsx).")],
    ) -> None:
        """Write a blank company workbook for `supplygraph import company`."""
        from loaders.formats.company import write_template

        write_template(path)
        out.print(f"wrote {path}")


def _show_company(result: CompanyImport, *, out: Console, dry_run: bool) -> None:
    out.print("Supplier names:", markup=False)
    for line in result.review:
        out.print(f"  {line}", markup=False, highlight=False)
    out.print("Changes (dry run, nothing written):" if dry_run else "Changes:", markup=False)
    for line in result.change.lines():
        out.print(f"  {line}", markup=False, highlight=False)
    if result.version is not None:
        out.print(
            f"Imported for {result.owner} (source {result.source}): "
            f"{result.deleted} dropped fact(s) and node(s) deleted, "
            f"graph version {result.version.version}",
            markup=False,
        )


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
