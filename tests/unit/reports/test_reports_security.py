"""The security report: vulnerabilities as findings, merging Bandit and ruff, the gate, views."""

from __future__ import annotations

from shipyard.reports.dependencies import Dependency, DependencyChange
from shipyard.reports.findings import Finding, ToolRun
from shipyard.reports.osv import parse_osv_yaml
from shipyard.reports.security import (
    SecurityReport,
    evaluate_security_gate,
    find_vulnerabilities,
    merge_code_findings,
    render_security_markdown,
    render_security_text,
    security_json,
)

ADVISORY = parse_osv_yaml(
    """\
id: PYSEC-2018-28
summary: Requests sends Authorization headers on https-to-http redirects
affected:
- package: {name: requests, ecosystem: PyPI}
  ranges:
  - type: ECOSYSTEM
    events: [{introduced: '0'}, {fixed: 2.20.0}]
"""
)
MEDIUM = parse_osv_yaml(
    """\
id: GHSA-aaaa-bbbb-cccc
summary: A moderate one
database_specific: {severity: MODERATE}
affected:
- package: {name: pyyaml, ecosystem: PyPI}
  versions: ['5.3']
"""
)
REQUESTS = Dependency("requests", "2.19.0", "requirements.txt:1")
PYYAML = Dependency("pyyaml", "5.3", "requirements.txt:2")
SOURCES = (
    ToolRun("bandit", "ran", "", 0),
    ToolRun("ruff S rules", "ran", "", 0),
    ToolRun("osv database", "ran", "vulndb (2 records)", 1),
    ToolRun("safety", "not configured", "set SAFETY_API_KEY to run Safety"),
)
ANALYSIS = "Shipyard offline code analysis: bandit, ruff S rules"


def report(**changes: object) -> SecurityReport:
    values: dict[str, object] = {
        "analysis": ANALYSIS,
        "sources": SOURCES,
        "code_findings": (),
        "vulnerabilities": (),
        "dependencies": (REQUESTS, PYYAML),
    }
    values.update(changes)
    return SecurityReport(**values)  # type: ignore[arg-type]


def test_vulnerable_pin_fails_the_gate_naming_the_advisory_and_the_missing_severity() -> None:
    advisories = {"requests": [ADVISORY], "pyyaml": [MEDIUM]}
    found = find_vulnerabilities([REQUESTS, PYYAML], advisories, changed=["requests"])
    assert [(v.advisory.id, v.fixed, v.in_change) for v in found] == [
        ("PYSEC-2018-28", ("2.20.0",), True),
        ("GHSA-aaaa-bbbb-cccc", (), False),
    ]
    finding = found[0].to_finding()
    assert finding == Finding(
        "osv",
        "PYSEC-2018-28",
        "requests 2.19.0: Requests sends Authorization headers on https-to-http redirects"
        " (fixed in 2.20.0)",
        "requirements.txt",
        1,
        None,
        "high",
        "security",
        "the advisory gives no severity: counted as high",
    )
    gate = evaluate_security_gate(report(vulnerabilities=tuple(found)))
    assert (gate.name, gate.passed) == ("security", False)
    assert gate.summary == (
        "1 high finding: PYSEC-2018-28 in requests 2.19.0"
        " (PYSEC-2018-28: no severity given, counted as high)"
    )


def test_clean_report_passes_and_names_skipped_sources() -> None:
    low = Finding("bandit", "B404", "subprocess", "app.py", 1, 1, "low", "security")
    gate = evaluate_security_gate(report(code_findings=(low,)))
    assert gate.passed
    assert gate.summary == (
        "no high or critical finding (1 finding, 2 dependencies checked);"
        " skipped: safety (set SAFETY_API_KEY to run Safety)"
    )


def test_gate_counts_critical_and_high_code_findings() -> None:
    shell = Finding("bandit", "B602", "shell=True", "app.py", 3, 5, "high", "security")
    critical = Finding(
        "osv", "X-1", "pkg 1.0: bad", "requirements.txt", 4, None, "critical", "security"
    )
    gate = evaluate_security_gate(report(code_findings=(shell, critical)))
    assert gate.summary == "1 critical and 1 high findings: X-1 in pkg 1.0, B602 at app.py:3"


def test_gate_fails_when_a_source_broke_or_nothing_ran() -> None:
    broken = (ToolRun("bandit", "error", "exit code 2: boom"), *SOURCES[1:])
    gate = evaluate_security_gate(report(sources=broken))
    assert (gate.passed, gate.summary) == (False, "1 source failed: bandit (exit code 2: boom)")
    nothing = (ToolRun("bandit", "not installed"), ToolRun("dependency scan", "skipped", "no db"))
    gate = evaluate_security_gate(report(sources=nothing))
    assert (gate.passed, gate.summary) == (False, "nothing was analysed: no scanner ran")


def test_ruff_findings_that_repeat_bandit_are_dropped() -> None:
    bandit = [
        Finding("bandit", "B602", "shell", "./app.py", 3, 5, "high", "security"),
        Finding("bandit", "B602", "shell", "app.py", 42, 5, "high", "security"),
    ]
    ruff = [
        Finding("ruff", "S602", "shell", "app.py", 3, 5, "high", "security"),
        Finding("ruff", "S602", "shell over lines", "app.py", 40, 16, "high", "security"),
        Finding("ruff", "S602", "elsewhere", "app.py", 80, 1, "high", "security"),
        Finding("ruff", "S105", "password", "app.py", 8, 1, "low", "security"),
    ]
    merged = merge_code_findings(bandit, ruff)
    assert [(f.code, f.line) for f in merged] == [
        ("B602", 3),
        ("B602", 42),
        ("S602", 80),
        ("S105", 8),
    ]


def test_views_and_json_show_the_review() -> None:
    found = find_vulnerabilities([REQUESTS], {"requests": [ADVISORY]}, ["requests"])
    review = (DependencyChange("changed", "requests", "2.31.0", "2.19.0", "requirements.txt:1"),)
    full = report(vulnerabilities=tuple(found), review=review, base="main")
    gate = evaluate_security_gate(full)
    text = render_security_text(full, gate)
    assert text[0] == ANALYSIS
    assert "  safety         not configured  set SAFETY_API_KEY to run Safety" in text
    assert "dependency review against main:" in text
    assert "  changed  requests 2.31.0 -> 2.19.0" in text
    assert "  the change brings 1 advisory: PYSEC-2018-28" in text
    assert text[-1].startswith("security gate failed: 1 high finding: PYSEC-2018-28")
    markdown = render_security_markdown(full, gate)
    assert "**Security gate failed:**" in markdown
    assert "Code analysis: Shipyard offline code analysis: bandit, ruff S rules" in markdown
    data = security_json(full, gate)
    assert data["review"] == {
        "base": "main",
        "changes": [
            {
                "kind": "changed",
                "name": "requests",
                "before": "2.31.0",
                "after": "2.19.0",
                "source": "requirements.txt:1",
            }
        ],
    }
    assert data["vulnerabilities"] == [
        {
            "id": "PYSEC-2018-28",
            "aliases": [],
            "package": "requests",
            "version": "2.19.0",
            "source": "requirements.txt:1",
            "fixed": ["2.20.0"],
            "severity": "high",
            "severity_source": "the advisory gives no severity: counted as high",
            "summary": "Requests sends Authorization headers on https-to-http redirects",
            "url": "",
            "in_change": True,
        }
    ]
    assert data["counts"] == {"critical": 0, "high": 1, "medium": 0, "low": 0, "info": 0}
