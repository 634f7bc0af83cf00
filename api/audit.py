"""Scripted dependency audits: checks from CLI options or a YAML file, run against one
snapshot, written as CSV, JSON or Markdown. A finding above its threshold is a breach;
the CLI exits 1 when there is any (see docs/audit.md).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass, fields
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from graph.engine.concentration import CRMA_BENCHMARK
from graph.engine.propagation import STAGES
from graph.engine.snapshot import Snapshot, SubjectKind
from graph.errors import Problem, QueryError
from graph.model import Stage

Threshold = Annotated[float, Field(ge=0.0, le=1.0)]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DependenceCheck(_Spec):
    """Each subject's share of each stage in one country (or in its top country)."""

    country: str | None = None
    item: str | None = None
    kind: Literal["product", "oem", "end_use"] = "product"
    fail_above: Threshold | None = None


class ConcentrationCheck(_Spec):
    """Each item's top-country share of world output."""

    item: str | None = None
    stage: Stage | None = None
    year: int | None = None
    fail_above: Threshold | None = None


class ScenarioCheck(_Spec):
    """Each product's shortfall under an export control; running out of stock within the
    duration is a breach too."""

    control: str | None = None
    issuer: str | None = None
    items: list[str] | None = None
    approval_rate: Threshold = 0.0
    start: date | None = None
    duration_weeks: Annotated[float, Field(ge=0.0)] = 8.0
    as_of: date | None = None
    fail_above: Threshold | None = None


class Check(_Spec):
    dependence: DependenceCheck | None = None
    concentration: ConcentrationCheck | None = None
    scenario: ScenarioCheck | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Check:
        given = [c for c in (self.dependence, self.concentration, self.scenario) if c]
        if len(given) != 1:
            raise ValueError("give exactly one of dependence, concentration, scenario")
        return self


class AuditSpec(_Spec):
    name: str = "supplygraph audit"
    fail_above: Threshold = CRMA_BENCHMARK
    checks: Annotated[list[Check], Field(min_length=1)]


class AuditInputError(QueryError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


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


@dataclass(frozen=True)
class Finding:
    check: str
    subject: str
    subject_name: str
    stage: str
    country: str
    value: float
    threshold: float
    breach: bool
    detail: str


def run(spec: AuditSpec, snapshot: Snapshot) -> list[Finding]:
    findings: list[Finding] = []
    for check in spec.checks:
        if check.dependence:
            findings += _dependence(check.dependence, snapshot, spec.fail_above)
        elif check.concentration:
            findings += _concentration(check.concentration, snapshot, spec.fail_above)
        elif check.scenario:
            findings += _scenario(check.scenario, snapshot, spec.fail_above)
    return findings


def _dependence(check: DependenceCheck, snapshot: Snapshot, default: float) -> list[Finding]:
    threshold = check.fail_above if check.fail_above is not None else default
    countries = snapshot.countries
    if check.country is not None:
        snapshot.dependents(check.country)  # raises NotFound for an unknown country
    out = []
    for subject, table in snapshot.stage_table(check.item, SubjectKind(check.kind)):
        for s, stage in enumerate(STAGES):
            if check.country is None:
                if not countries:
                    continue
                c = int(table[s].argmax())
                country = countries[c]
            elif check.country in countries:
                country = check.country
                c = countries.index(country)
            else:
                continue
            value = float(table[s, c])
            if value <= 0.0:
                continue
            out.append(
                Finding(
                    check="dependence",
                    subject=subject.id,
                    subject_name=subject.name,
                    stage=stage.value,
                    country=country,
                    value=value,
                    threshold=threshold,
                    breach=value > threshold,
                    detail=f"{check.kind}" + (f" via {check.item}" if check.item else ""),
                )
            )
    return out


def _concentration(check: ConcentrationCheck, snapshot: Snapshot, default: float) -> list[Finding]:
    threshold = check.fail_above if check.fail_above is not None else default
    return [
        Finding(
            check="concentration",
            subject=c.item.id,
            subject_name=c.item.name,
            stage=c.stage.value if c.stage else "",
            country=c.shares[0].country if c.shares else "",
            value=c.top1,
            threshold=threshold,
            breach=c.flagged,
            detail=f"HHI {c.hhi:.0f}, top3 {c.top3:.3f}, year {c.year}, "
            f"source {c.source.id if c.source else '-'}",
        )
        for c in snapshot.concentration(
            item=check.item, stage=check.stage, year=check.year, threshold=threshold
        )
    ]


def _scenario(check: ScenarioCheck, snapshot: Snapshot, default: float) -> list[Finding]:
    threshold = check.fail_above if check.fail_above is not None else default
    answer = snapshot.scenario(
        control=check.control,
        issuer=check.issuer,
        items=check.items,
        approval_rate=check.approval_rate,
        start=check.start,
        duration_weeks=check.duration_weeks,
        as_of=check.as_of,
    )
    label = answer.control.id if answer.control else "custom"
    out = []
    for impact in answer.products:
        stockout = ""
        if impact.weeks_to_stockout:
            low, high = impact.weeks_to_stockout
            stockout = f"; stock out in {low:.1f}-{high:.1f} weeks"
        out.append(
            Finding(
                check="scenario",
                subject=impact.product.id,
                subject_name=impact.product.name,
                stage="",
                country=answer.issuer,
                value=impact.shortfall,
                threshold=threshold,
                breach=impact.shortfall > threshold or bool(impact.runs_out_within_duration),
                detail=f"{label} ({answer.status}), approval {answer.approval_rate:g}{stockout}",
            )
        )
    return out


FIELDS = [f.name for f in fields(Finding)]


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
            writer.writerow({**asdict(f), "value": f"{f.value:.6f}"})
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
