"""Scripted dependency audits at the CLI edge: read the checks from a YAML file, and write
the findings as CSV, JSON or Markdown. The checks and their findings are the engine's
(graph.engine.audit); the CLI exits 1 when any finding is a breach (see docs/audit.md),
or with ``--compare`` when a breach is new since the earlier JSON report it reads here.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, fields
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from graph.engine.audit import AuditSpec, Comparison, Finding
from graph.errors import AuditInputError, Problem


def read_spec(path: Path) -> AuditSpec:
    """Parse an audit file; every problem names the line it is on (1-based)."""
    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text)
        raw = yaml.safe_load(text)
    except yaml.MarkedYAMLError as e:
        line = e.problem_mark.line + 1 if e.problem_mark is not None else 1
        raise AuditInputError([Problem(path.name, line, "file", str(e).splitlines()[0])]) from e
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise AuditInputError([Problem(path.name, 0, "file", str(e).splitlines()[0])]) from e
    try:
        return AuditSpec.model_validate(raw)
    except ValidationError as e:
        raise AuditInputError(
            [
                Problem(
                    path.name,
                    _line_of(root, err["loc"]),
                    ".".join(str(p) for p in err["loc"]) or "audit",
                    err["msg"],
                )
                for err in e.errors(include_url=False)
            ]
        ) from e


def _line_of(root: yaml.Node | None, loc: tuple[int | str, ...]) -> int:
    """The line of the YAML node at ``loc``, or of the nearest node above it that exists."""
    if root is None:
        return 1
    node = root
    for part in loc:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
            if child is None:
                child = next((k for k, _ in node.value if getattr(k, "value", None) == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            child = node.value[part] if 0 <= part < len(node.value) else None
        if child is None:
            break
        node = child
    return int(node.start_mark.line) + 1


FIELDS = [f.name for f in fields(Finding)]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """A text cell a spreadsheet would run as a formula, prefixed with ' so it stays text.

    Only this CSV, meant for people's spreadsheets, is neutralised; the neo4j-admin export
    is a data interchange format and keeps every cell exact (docs/audit.md says so)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def render(
    findings: list[Finding],
    *,
    fmt: str,
    spec: AuditSpec,
    version: int,
    comparison: Comparison | None = None,
) -> str:
    """The report; as JSON with ``comparison`` given, that too (under ``comparison``)."""
    breaches = sum(f.breach for f in findings)
    if fmt == "json":
        report: dict[str, object] = {
            "audit": spec.name,
            "graph_version": version,
            "fail_above": spec.fail_above,
            "findings": len(findings),
            "breaches": breaches,
            "rows": [asdict(f) for f in findings],
        }
        if comparison is not None:
            report["comparison"] = comparison_json(comparison)
        return json.dumps(report, indent=2)
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


def read_findings(path: Path) -> list[Finding]:
    """The findings of an earlier ``--format json`` report; a problem names the file and
    the row (1-based) it is in."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise AuditInputError([Problem(path.name, 0, "file", str(e))]) from e
    rows = raw.get("rows") if isinstance(raw, dict) else None
    if not isinstance(rows, list):
        message = "not an audit report: run `supplygraph audit --format json` to make one"
        raise AuditInputError([Problem(path.name, 0, "rows", message)])
    found: list[Finding] = []
    problems: list[Problem] = []
    for n, row in enumerate(rows, start=1):
        try:
            found.append(_FindingRow.model_validate(row).finding())
        except ValidationError as e:
            problems += [
                Problem(path.name, n, ".".join(str(p) for p in err["loc"]) or "row", err["msg"])
                for err in e.errors(include_url=False)
            ]
    if problems:
        raise AuditInputError(problems)
    return found


class _FindingRow(BaseModel):
    model_config = ConfigDict(extra="forbid")
    check: str
    subject: str
    subject_name: str
    stage: str
    country: str
    value: float
    threshold: float
    breach: bool
    detail: str

    def finding(self) -> Finding:
        return Finding(**self.model_dump())


def render_comparison(found: Comparison, *, previous: str) -> list[str]:
    """Lines for the terminal: new breaches, resolved ones, then share moves."""
    lines = [
        f"compared with {previous}: {len(found.new)} new breaches, "
        f"{len(found.resolved)} resolved, {len(found.moves)} shares moved"
    ]
    lines += [f"NEW BREACH {_label(f)}: {f.value:.1%} > {f.threshold:.0%}" for f in found.new]
    lines += [f"resolved   {_label(f)} (was {f.value:.1%})" for f in found.resolved]
    lines += [
        f"moved      {' / '.join(part for part in m.key if part)}: {m.before:.1%} -> {m.after:.1%}"
        for m in found.moves
    ]
    return lines


def comparison_json(found: Comparison) -> dict[str, object]:
    return {
        "new_breaches": [asdict(f) for f in found.new],
        "resolved": [asdict(f) for f in found.resolved],
        "moves": [
            {"key": list(m.key), "before": m.before, "after": m.after, "breach": m.breach}
            for m in found.moves
        ],
    }


def _label(f: Finding) -> str:
    return " / ".join(part for part in (f.check, f.subject, f.stage, f.country) if part)
