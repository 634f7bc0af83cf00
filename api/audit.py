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
