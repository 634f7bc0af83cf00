"""Audit checks and their findings on a hand-made graph: what is a breach and what is not."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from graph.engine.audit import AuditSpec, Finding, run
from graph.engine.snapshot import Snapshot
from graph.errors import NotFound
from graph.model import Label, RelType
from tests.support.supply import Refs

TODAY = date(2025, 6, 1)


def _snapshot() -> Snapshot:
    """P1 -> M (1), P2 -> F (1); M: CN .8 JP .2; F: CN .3 JP .7. OEM O makes P1."""
    g = Refs().countries("CN", "JP")
    g.node(Label.PRODUCT, "p1").node(Label.PRODUCT, "p2").node(Label.COMPANY, "o")
    g.node(Label.MAGNET_TYPE, "m").node(Label.MAGNET_TYPE, "f")
    g.bom("p1", "m", 1.0).bom("p2", "f", 1.0)
    g.market("m", CN=0.8, JP=0.2).market("f", CN=0.3, JP=0.7)
    return g.rel(RelType.MAKES, "o", "p1").snapshot()


def _audit(**spec: object) -> list[Finding]:
    return run(AuditSpec.model_validate(spec), _snapshot(), today=TODAY)


def _rows(findings: list[Finding]) -> list[tuple[str, str, str, float, bool]]:
    return [(f.subject, f.stage, f.country, round(f.value, 12), f.breach) for f in findings]


def test_dependence_on_one_country_breaches_above_the_threshold() -> None:
    findings = _audit(fail_above=0.5, checks=[{"dependence": {"country": "CN"}}])
    assert _rows(findings) == [
        ("p1", "magnet", "CN", 0.8, True),
        ("p2", "magnet", "CN", 0.3, False),
    ]
    assert {(f.check, f.threshold, f.detail) for f in findings} == {("dependence", 0.5, "product")}


def test_dependence_without_a_country_takes_each_stage_s_top_country() -> None:
    findings = _audit(checks=[{"dependence": {}}])
    assert _rows(findings) == [("p1", "magnet", "CN", 0.8, True), ("p2", "magnet", "JP", 0.7, True)]


def test_a_check_s_own_threshold_and_kind_apply() -> None:
    findings = _audit(checks=[{"dependence": {"kind": "oem", "item": "m", "fail_above": 0.9}}])
    [finding] = findings
    assert (finding.subject, finding.country, finding.breach) == ("o", "CN", False)
    assert finding.detail == "oem via m" and finding.threshold == 0.9


def test_concentration_and_scenario_findings() -> None:
    findings = _audit(
        checks=[
            {"concentration": {}},
            {"scenario": {"issuer": "CN", "items": ["m"], "approval_rate": 0.5}},
        ]
    )
    concentration = [f for f in findings if f.check == "concentration"]
    assert [(f.subject, f.country, f.value, f.breach) for f in concentration] == [
        ("f", "JP", 0.7, True),
        ("m", "CN", 0.8, True),
    ]
    [scenario] = [f for f in findings if f.check == "scenario"]
    assert (scenario.subject, scenario.value, scenario.breach) == ("p1", pytest.approx(0.4), False)
    assert scenario.detail == "custom (in force), approval 0.5"


def test_an_unknown_country_is_not_found() -> None:
    with pytest.raises(NotFound, match="no country 'XX'"):
        _audit(checks=[{"dependence": {"country": "XX"}}])


def test_a_spec_refuses_unknown_kinds_and_ambiguous_checks() -> None:
    with pytest.raises(ValidationError, match="'product', 'oem' or 'end_use'"):
        AuditSpec.model_validate({"checks": [{"dependence": {"kind": "supplier"}}]})
    with pytest.raises(ValidationError, match="give exactly one of"):
        AuditSpec.model_validate({"checks": [{"dependence": {}, "concentration": {}}]})
