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
from api.exits import EXIT_BAD_INPUT, EXIT_UNAVAILABLE, exit_codes
from api.remote import RemoteLoadError, import_company_through
from api.settings import Settings

if TYPE_CHECKING:
    from graph.stores.base import Store
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

MappingFile = Annotated[
    Path | None, typer.Option(help="The name mapping file (default: <file>.mapping.csv).")
]
ReviewReport = Annotated[
    Path | None, typer.Option(help="Where the review report goes (default: <file>.review.txt).")
]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Show what would change; write nothing.")]
Server = Annotated[
    str | None,
    typer.Option(
        help="Import through this running server (http://host:port) with the writer key in "
        "SUPPLYGRAPH_KEY."
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
        help="Import public releases as published (USGS MCS, UN Comtrade, CEPII BACI), a "
        "company workbook, or a supplier's RMI AMRT.",
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

    def replacing(
        path: Path,
        *,
        who: str,
        mapping: Path,
        report: Path | None,
        dry_run: bool,
        server: str | None,
        amrt: bool,
        local: Callable[[Store, int], CompanyImport],
    ) -> None:
        """An import that replaces its source's facts (a company workbook, an AMRT): through
        ``server``, or ``local`` on the configured store; the review and change either way,
        and the review report and mapping file beside the file."""
        from loaders.company import write_review

        report_path = report or path.with_name(f"{path.stem}.review.txt")
        if server is not None:
            _company_through(
                server,
                path,
                settings=settings,
                owner=who,
                mapping=mapping,
                report=report_path,
                dry_run=dry_run,
                out=out,
                err=err,
                amrt=amrt,
            )
            return
        config = settings()
        with opened(config) as store, exit_codes(err):
            result = local(store, config.batch_size)
        _show_company(
            result.review,
            result.change.lines(),
            None if result.version is None else (result.deleted, result.version.version),
            owner=result.owner,
            source=result.source,
            out=out,
            dry_run=dry_run,
        )
        if not dry_run:
            write_review(result, report=report_path, mapping=mapping)
            out.print(f"review report: {report_path}; mapping file: {mapping}")

    @group.command()
    def company(
        path: Annotated[
            Path, typer.Argument(help="A company workbook (XLSX) or a folder of its CSV sheets.")
        ],
        owner: Annotated[
            str, typer.Option(help="The company id whose data this is (its import's source).")
        ],
        mapping: MappingFile = None,
        report: ReviewReport = None,
        dry_run: DryRun = False,
        batch_size: BatchSize = None,
        server: Server = None,
    ) -> None:
        """A company's products, bill of materials, suppliers, sourcing and stock cover
        (docs/company-data.md). Supplier names are matched to the graph's companies; a
        re-import replaces the owner's previous import."""
        from loaders.company import default_mapping, import_company

        mapping_path = mapping or default_mapping(path)
        replacing(
            path,
            who=owner,
            mapping=mapping_path,
            report=report,
            dry_run=dry_run,
            server=server,
            amrt=False,
            local=lambda store, size: import_company(
                path,
                store=store,
                owner=owner,
                batch_size=batch_size or size,
                mapping=mapping_path,
                dry_run=dry_run,
            ),
        )

    @group.command()
    def amrt(
        path: Annotated[Path, typer.Argument(help="An RMI AMRT (1.3 or later), as an XLSX.")],
        supplier: Annotated[
            str, typer.Option(help="The company id of the supplier whose declaration it is.")
        ],
        mapping: MappingFile = None,
        report: ReviewReport = None,
        dry_run: DryRun = False,
        batch_size: BatchSize = None,
        server: Server = None,
    ) -> None:
        """A supplier's RMI AMRT smelter list: its rare-earth smelters become separation
        plants of matched or new companies, linked to the supplier (SOURCES_FROM without a
        share). A re-import replaces the supplier's previous AMRT (docs/company-data.md)."""
        from loaders.amrt import default_mapping, import_amrt

        mapping_path = mapping or default_mapping(path)
        replacing(
            path,
            who=supplier,
            mapping=mapping_path,
            report=report,
            dry_run=dry_run,
            server=server,
            amrt=True,
            local=lambda store, size: import_amrt(
                path,
                store=store,
                supplier=supplier,
                batch_size=batch_size or size,
                mapping=mapping_path,
                dry_run=dry_run,
            ),
        )

    app.add_typer(group, name="import")

    @app.command()
    def template(
        path: Annotated[Path, typer.Argument(help="Where to write the blank workbook (.xlsx).")],
    ) -> None:
        """Write a blank company workbook for `supplygraph import company`."""
        from loaders.formats.company import write_template

        write_template(path)
        out.print(f"wrote {path}")


def _company_through(
    server: str,
    path: Path,
    *,
    settings: Callable[[], Settings],
    owner: str,
    mapping: Path,
    report: Path,
    dry_run: bool,
    out: Console,
    err: Console,
    amrt: bool = False,
) -> None:
    """`import company --server` (and `import amrt --server`): the same review and change as
    a local import, and the same review report and mapping file beside the workbook."""
    secret = settings().client_key
    key = secret.get_secret_value() if secret is not None else ""
    if not key:
        err.print("[red]error:[/red] set SUPPLYGRAPH_KEY to a writer key (supplygraph keys add)")
        raise typer.Exit(EXIT_UNAVAILABLE)
    try:
        answer = import_company_through(
            server=server,
            path=path,
            owner=owner,
            key=key,
            mapping=mapping,
            dry_run=dry_run,
            amrt=amrt,
        )
    except RemoteLoadError as e:
        for problem in e.problems:
            err.print(problem, markup=False, highlight=False)
        err.print(f"[red]refused:[/red] {e}; nothing was written.", highlight=False)
        raise typer.Exit(EXIT_BAD_INPUT if e.bad_input else EXIT_UNAVAILABLE) from e
    version = answer["graphVersion"]
    review: list[str] = answer["review"]
    change: list[str] = answer["change"]["lines"]
    _show_company(
        review,
        change,
        None if version is None else (answer["deleted"], version),
        owner=answer["owner"],
        source=answer["source"],
        out=out,
        dry_run=dry_run,
    )
    if not dry_run:
        report.write_text("\n".join([*review, *change]) + "\n", "utf-8")
        mapping.write_text(answer["mapping"], "utf-8")
        out.print(f"review report: {report}; mapping file: {mapping}")


def _show_company(
    review: list[str],
    change: list[str],
    written: tuple[int, int] | None,
    *,
    owner: str,
    source: str,
    out: Console,
    dry_run: bool,
) -> None:
    out.print("Supplier names:", markup=False)
    for line in review:
        out.print(f"  {line}", markup=False, highlight=False)
    out.print("Changes (dry run, nothing written):" if dry_run else "Changes:", markup=False)
    for line in change:
        out.print(f"  {line}", markup=False, highlight=False)
    if written is not None:
        deleted, version = written
        out.print(
            f"Imported for {owner} (source {source}): "
            f"{deleted} dropped fact(s) and node(s) deleted, graph version {version}",
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
