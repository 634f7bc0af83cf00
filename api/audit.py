"""Scripted dependency audits at the CLI edge: read the checks from a YAML file, and write
the findings as CSV, JSON or Markdown. The checks and their findings are the engine's
(graph.engine.audit); the CLI exits 1 when any finding is a breach (see docs/audit.md).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, fields
from pathlib import Path

import yaml
from pydantic import ValidationError

from graph.engine.audit import AuditSpec, Finding
from graph.errors import AuditInputError, Problem


def read_spec(path: Path) -> AuditSpec:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise AuditInputError([Problem(path.name, 0, "file", str(e).splitlines()[0])]) from e
    try:
        return AuditSpec.model_validate(raw)
    except ValidationError as e:
        raise AuditInputError(
            [
                Problem(path.name, 0, ".".join(str(p) for p in err["loc"]) or "audit", err["msg"])
                for err in e.errors(include_url=False)
            ]
        ) from e


FIELDS = [f.name for f in fields(Finding)]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """A text cell a spreadsheet would run as a formula, prefixed with ' so it stays text.

    Only this CSV, meant for people's spreadsheets, is neutralised; the neo4j-admin export
    is a data interchange format and keeps every cell exact (docs/audit.md says so)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def render(findings: list[Finding], *, fmt: str, spec: AuditSpec, version: int) -> str:
    breaches = sum(f.breach for f in findings)
    if fmt == "json":
        return json.dumps(
            {
                "audit": spec.name,
                "graph_version": version,
                "fail_above": spec.fail_above,
                "findings": len(findings),
                "breaches": breaches,
                "rows": [asdict(f) for f in findings],
            },
            indent=2,
        )
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        for f in findings:
            row = {k: spreadsheet_safe(v) for k, v in asdict(f).items()}
            writer.writerow({**row, "value": f"{f.value:.6f}"})
        return buffer.getvalue()
    lines = [
        f"# {spec.name}",
        "",
        f"Graph version {version}; {len(findings)} findings, **{breaches} above threshold**.",
        "",
        "| check | subject | stage | country | share | threshold | breach | detail |",
        "|---|---|---|---|---:|---:|---|---|",
    ]
    lines += [
        f"| {f.check} | {f.subject_name} (`{f.subject}`) | {f.stage} | {f.country} | "
        f"{f.value:.1%} | {f.threshold:.0%} | {'**yes**' if f.breach else 'no'} | "
        f"{f.detail} |"
        for f in findings
    ]
    return "\n".join(lines) + "\n"
