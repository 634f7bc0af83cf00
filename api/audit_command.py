"""The ``supplygraph audit`` command: dependency checks for CI jobs and cron, from options or
a YAML file (api/audit.py reads and renders, graph/engine/audit.py checks), with
``--compare`` against an earlier report."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console

from api.exits import EXIT_BAD_INPUT, EXIT_FAILED, exit_codes
from api.settings import Settings
from graph.errors import AuditInputError


class AuditFormat(StrEnum):
    CSV = "csv"
    JSON = "json"
    MD = "md"


def register(
    app: typer.Typer,
    *,
    settings: Callable[[], Settings],
    opened: Callable[..., Any],
    err: Console,
) -> None:
    """Add ``audit`` to ``app``; the CLI hands over how it opens stores."""

    @app.command()
    def audit(
        file: Annotated[
            Path | None, typer.Option("--file", "-f", help="A YAML audit file (docs/audit.md).")
        ] = None,
        country: Annotated[
            str | None, typer.Option(help="Dependence on this country (default: each stage's top).")
        ] = None,
        item: Annotated[str | None, typer.Option(help="Only dependence through this item.")] = None,
        kind: Annotated[
            str, typer.Option(help="Subjects of the dependence check: product, oem or end_use.")
        ] = "product",
        concentration: Annotated[
            bool, typer.Option("--concentration", help="Also check each item's top-country share.")
        ] = False,
        control: Annotated[
            str | None, typer.Option(help="Also apply this export control (id) as a scenario.")
        ] = None,
        approval_rate: Annotated[
            float, typer.Option(help="Scenario: share of exports approved.")
        ] = 0.0,
        duration_weeks: Annotated[
            float, typer.Option(help="Scenario: how long licences stall.")
        ] = 8.0,
        as_of: Annotated[
            str | None, typer.Option(help="Scenario: the date to judge the control on (ISO).")
        ] = None,
        fail_above: Annotated[
            float | None, typer.Option(help="Threshold 0..1 (default 0.65, the EU CRMA benchmark).")
        ] = None,
        format: Annotated[AuditFormat, typer.Option("--format", help="csv, json or md.")] = (
            AuditFormat.CSV
        ),
        output: Annotated[
            Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
        ] = None,
        compare: Annotated[
            Path | None,
            typer.Option(help="An earlier --format json report: exit 1 only on a new breach."),
        ] = None,
    ) -> None:
        """Run dependency checks for CI jobs and cron: exit 1 when any finding is above the
        threshold (with --compare: any breach that is new), 0 when none is, 2 on bad input,
        3 when the store is unusable."""
        from api.audit import read_findings, read_spec, render, render_comparison
        from graph.engine.audit import AuditSpec
        from graph.engine.audit import compare as compare_audits
        from graph.engine.audit import run as run_audit
        from graph.snapshots import SnapshotCache

        try:
            previous = read_findings(compare) if compare is not None else None
            if file is not None:
                spec = read_spec(file)
                if fail_above is not None:
                    spec = spec.model_copy(update={"fail_above": fail_above})
            else:
                checks: list[dict[str, Any]] = [
                    {"dependence": {"country": country, "item": item, "kind": kind}}
                ]
                if concentration:
                    checks.append({"concentration": {}})
                if control:
                    checks.append(
                        {
                            "scenario": {
                                "control": control,
                                "approval_rate": approval_rate,
                                "duration_weeks": duration_weeks,
                                "as_of": as_of,
                            }
                        }
                    )
                spec = AuditSpec.model_validate(
                    {"checks": checks, "fail_above": 0.65 if fail_above is None else fail_above}
                )
        except AuditInputError as e:
            for problem in e.problems:
                err.print(str(problem), markup=False, highlight=False)
            raise typer.Exit(EXIT_BAD_INPUT) from e
        except ValidationError as e:
            for detail in e.errors(include_url=False):
                loc = ".".join(str(p) for p in detail["loc"])
                err.print(f"options: {loc}: {detail['msg']}", markup=False, highlight=False)
            raise typer.Exit(EXIT_BAD_INPUT) from e
        with opened(settings(), read_only=True) as store, exit_codes(err):
            snapshot = SnapshotCache().get(store)
            findings = run_audit(spec, snapshot, today=date.today())
        compared = compare_audits(previous, findings) if previous is not None else None
        text = render(
            findings,
            fmt=format.value,
            spec=spec,
            version=snapshot.version.version,
            comparison=compared,
        )
        if output is not None:
            output.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        breaches = sum(f.breach for f in findings)
        err.print(f"{len(findings)} findings, {breaches} above the threshold", highlight=False)
        if compared is not None and compare is not None:
            for line in render_comparison(compared, previous=compare.name):
                err.print(line, markup=False, highlight=False)
            if compared.new:
                raise typer.Exit(EXIT_FAILED)
        elif breaches:
            raise typer.Exit(EXIT_FAILED)
