"""Dependency audits: the checks an audit runs, and the findings they give on one snapshot.

A finding above its threshold is a breach (see docs/audit.md). Reading an audit file and
writing the report are the CLI's business (api/audit.py); this module takes a validated
``AuditSpec`` and the day to judge export controls on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from graph.engine.answers import SubjectKind
from graph.engine.concentration import CRMA_BENCHMARK
from graph.engine.propagation import STAGES
from graph.model import Stage

if TYPE_CHECKING:
    from graph.engine.snapshot import Snapshot

Threshold = Annotated[float, Field(ge=0.0, le=1.0)]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DependenceCheck(_Spec):
    """Each subject's share of each stage in one country (or in its top country)."""

    country: str | None = None
    item: str | None = None
    kind: SubjectKind = SubjectKind.PRODUCT
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


def run(spec: AuditSpec, snapshot: Snapshot, *, today: date) -> list[Finding]:
    findings: list[Finding] = []
    for check in spec.checks:
        if check.dependence:
            findings += _dependence(check.dependence, snapshot, spec.fail_above)
        elif check.concentration:
            findings += _concentration(check.concentration, snapshot, spec.fail_above)
        elif check.scenario:
            findings += _scenario(check.scenario, snapshot, spec.fail_above, today=today)
    return findings


def _dependence(check: DependenceCheck, snapshot: Snapshot, default: float) -> list[Finding]:
    threshold = check.fail_above if check.fail_above is not None else default
    countries = snapshot.countries
    if check.country is not None:
        snapshot.country_column(check.country)  # NotFound for an unknown country
    out = []
    for subject, table in snapshot.stage_table(check.item, check.kind):
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
                    detail=check.kind.value + (f" via {check.item}" if check.item else ""),
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


def _scenario(
    check: ScenarioCheck, snapshot: Snapshot, default: float, *, today: date
) -> list[Finding]:
    threshold = check.fail_above if check.fail_above is not None else default
    answer = snapshot.scenario(
        today=today,
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


@dataclass(frozen=True)
class Move:
    """One finding in both audits whose value changed."""

    key: tuple[str, str, str, str]
    """(check, subject, stage, country)."""
    before: float
    after: float
    breach: bool


@dataclass(frozen=True)
class Comparison:
    new: tuple[Finding, ...]
    """Breaches now that were not breaches (or not findings) before."""
    resolved: tuple[Finding, ...]
    """Breaches before (as recorded then) that are not breaches now."""
    moves: tuple[Move, ...]


def key_of(finding: Finding) -> tuple[str, str, str, str]:
    return (finding.check, finding.subject, finding.stage, finding.country)


def compare(previous: list[Finding], current: list[Finding]) -> Comparison:
    """What changed between two audits, finding by (check, subject, stage, country)."""
    before = {key_of(f): f for f in previous}
    now = {key_of(f): f for f in current}
    new = [f for k, f in now.items() if f.breach and not (k in before and before[k].breach)]
    resolved = [f for k, f in before.items() if f.breach and not (k in now and now[k].breach)]
    moves = [
        Move(k, before[k].value, f.value, f.breach)
        for k, f in now.items()
        if k in before and abs(f.value - before[k].value) > 1e-9
    ]
    return Comparison(
        tuple(sorted(new, key=key_of)),
        tuple(sorted(resolved, key=key_of)),
        tuple(sorted(moves, key=lambda m: (-abs(m.after - m.before), m.key))),
    )
