"""Reading a run's gate file: one verdict per gate, and a failed verdict sticks."""

from __future__ import annotations

from shipyard.reports.gates import GateResult, gate_line, parse_gate_lines


def _lines(*results: GateResult) -> str:
    return "\n".join(gate_line(result) for result in results) + "\n"


def test_a_failed_verdict_is_kept_over_a_later_passing_one() -> None:
    # security-scan fails on an advisory; dependency-review (nothing added) passes after it
    text = _lines(
        GateResult("security", False, "1 high finding: PYSEC-2018-28 in requests 2.19.0"),
        GateResult("tests", True, "8 passed, 0 failed, 0 skipped across 1 configuration"),
        GateResult("security", True, "no high or critical finding (0 findings)"),
    )
    assert parse_gate_lines(text) == [
        GateResult("security", False, "1 high finding: PYSEC-2018-28 in requests 2.19.0"),
        GateResult("tests", True, "8 passed, 0 failed, 0 skipped across 1 configuration"),
    ]


def test_the_last_verdict_wins_among_equals() -> None:
    text = _lines(
        GateResult("security", True, "no high or critical finding (0 findings)"),
        GateResult("security", True, "no high or critical finding (2 findings)"),
        GateResult("quality", False, "1 critical issue: F821"),
        GateResult("quality", False, "2 critical issues: F821, E999"),
    )
    assert parse_gate_lines(text) == [
        GateResult("security", True, "no high or critical finding (2 findings)"),
        GateResult("quality", False, "2 critical issues: F821, E999"),
    ]


def test_unreadable_lines_and_unknown_gates_are_ignored() -> None:
    text = 'not json\n{"name": "speed", "passed": false}\n' + _lines(
        GateResult("tests", True, "ok")
    )
    assert parse_gate_lines(text) == [GateResult("tests", True, "ok")]
