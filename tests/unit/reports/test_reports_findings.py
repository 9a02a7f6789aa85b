"""Findings: reading real analyser outputs, severity rules, the quality gate and its summaries.

The samples in ``quality_samples/`` were printed by the real tools (ruff 0.17, mypy,
radon 6, bandit 1.9, pylint 3, flake8 7, black, isort) on a tiny project with an unused
import, an undefined name, a syntax error, a type error, a 71-branch function and a
``subprocess`` call with ``shell=True``; paths were rewritten to ``/home/dev/project``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from shipyard.reports import analysers, bandit
from shipyard.reports.findings import (
    Finding,
    ToolRun,
    count_by,
    evaluate_quality_gate,
    findings_json,
    render_findings_text,
    render_quality_markdown,
)
from shipyard.valueclass import replace

SAMPLES = Path(__file__).parent / "quality_samples"


def sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def brief(findings: list[Finding]) -> list[tuple[str, str, int | None, str, str]]:
    return [(f.code, Path(f.path).name, f.line, f.severity, f.category) for f in findings]


def test_ruff_check_json_undefined_name_and_syntax_errors_are_critical() -> None:
    found = analysers.parse_ruff_json(sample("ruff_check.json"))
    assert brief(found) == [
        ("F401", "a.py", 1, "low", "imports"),
        ("F401", "a.py", 2, "low", "imports"),
        ("F821", "a.py", 6, "critical", "lint"),
        ("invalid-syntax", "b.py", 1, "critical", "lint"),
        ("invalid-syntax", "b.py", 1, "critical", "lint"),
    ]
    assert found[2].message == "Undefined name `y`"
    assert found[2].column == 12


def test_ruff_check_output_that_is_not_json_is_an_error() -> None:
    with pytest.raises(ValueError) as info:
        analysers.parse_ruff_json("ruff failed\n  Cause: bad config")
    assert str(info.value) == "ruff printed no JSON: ruff failed\n  Cause: bad config"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("F821", ("critical", "lint")),
        ("F822", ("critical", "lint")),
        ("F823", ("critical", "lint")),
        ("E999", ("critical", "lint")),
        ("F706", ("critical", "lint")),
        (None, ("critical", "lint")),
        ("I001", ("low", "imports")),
        ("E501", ("low", "format")),
        ("W291", ("low", "format")),
        ("E711", ("low", "lint")),
        ("F811", ("medium", "lint")),
        ("B006", ("medium", "lint")),
        ("C901", ("medium", "complexity")),
        ("S602", ("high", "security")),
        ("S506", ("medium", "security")),
        ("S101", ("low", "security")),
        ("UP006", ("low", "lint")),
    ],
)
def test_rule_codes_are_classified(code: str | None, expected: tuple[str, str]) -> None:
    assert analysers.classify_code(code) == expected


def test_ruff_format_json_lists_files_that_would_change_not_syntax_errors() -> None:
    found = analysers.parse_format_check(sample("ruff_format.json"))
    assert brief(found) == [("format", "a.py", 6, "low", "format")]
    assert found[0].message == "file would be reformatted"


def test_ruff_format_text_old_and_new_styles() -> None:
    new = analysers.parse_format_check(sample("ruff_format.txt"))
    assert [(f.path, f.line) for f in new] == [("a.py", 6), ("c.py", 2)]
    old = analysers.parse_format_check(
        "Would reformat: src/pkg/a.py\n1 file would be reformatted\n"
    )
    assert [(f.path, f.line, f.tool) for f in old] == [("src/pkg/a.py", None, "ruff format")]


def test_black_and_isort_check_messages() -> None:
    black = analysers.parse_format_check(sample("black.txt"), "black")
    assert [(f.tool, f.path, f.category) for f in black] == [
        ("black", "a.py", "format"),
        ("black", "c.py", "format"),
    ]
    isort = analysers.parse_isort_check(sample("isort.txt"))
    assert brief(isort) == [("isort", "c.py", None, "low", "imports")]


def test_flake8_text_uses_the_same_rules() -> None:
    found = analysers.parse_flake8_text(sample("flake8.txt"))
    assert [(f.code, f.severity, f.category) for f in found] == [
        ("F401", "low", "imports"),
        ("F401", "low", "imports"),
        ("F821", "critical", "lint"),
        ("E221", "low", "format"),
        ("E225", "low", "format"),
        ("E302", "low", "format"),
        ("E701", "low", "lint"),
    ]
    assert found[2].message == "undefined name 'y'"


def test_mypy_errors_are_critical_missing_imports_medium_notes_dropped() -> None:
    expected = [
        ("return-value", "d.py", 2, "critical", "types"),
        ("import-not-found", "d.py", 3, "medium", "types"),
    ]
    text = analysers.parse_mypy_output(sample("mypy.txt"))
    assert brief(text) == expected
    assert text[0].message == 'Incompatible return value type (got "int", expected "str")'
    as_json = analysers.parse_mypy_output(sample("mypy.jsonl"))
    assert brief(as_json) == expected
    assert [(f.line, f.column) for f in as_json] == [(f.line, f.column) for f in text]


def test_mypy_syntax_errors_are_critical_lint() -> None:
    found = analysers.parse_mypy_output(sample("mypy_syntax.txt"))
    assert brief(found)[0] == ("syntax", "b.py", 1, "critical", "lint")


def test_pylint_json_and_json2() -> None:
    found = analysers.parse_pylint_json(sample("pylint.json"))
    by_code = {f.code: f for f in found}
    assert by_code["E0602"].severity == "critical"
    assert by_code["E0602"].message == "Undefined variable 'y' (undefined-variable)"
    assert (by_code["E0602"].line, by_code["E0602"].column) == (6, 12)
    assert by_code["W0613"].severity == "medium"
    assert by_code["C0114"].severity == "low"
    assert by_code["W0611"].category == "imports"
    syntax = analysers.parse_pylint_json(sample("pylint2.json"))
    assert brief(syntax) == [("E0001", "b.py", 1, "critical", "lint")]


def test_radon_complexity_rank_f_is_medium_and_maintainability_ranks() -> None:
    found, values = analysers.parse_radon_cc(sample("radon_cc.json"))
    assert brief(found) == [("CC-F", "e.py", 1, "medium", "complexity")]
    assert found[0].message == "function `c` has cyclomatic complexity 71 (rank F)"
    assert sorted(values) == [1, 1, 71]
    assert analysers.parse_radon_mi(sample("radon_mi.json")) == []
    low = analysers.parse_radon_mi(
        '{"x.py": {"mi": 8.25, "rank": "C"}, "y.py": {"mi": 15, "rank": "B"}}'
    )
    assert [(f.path, f.severity, f.message) for f in low] == [
        ("x.py", "medium", "maintainability index 8.2 (rank C)"),
        ("y.py", "low", "maintainability index 15.0 (rank B)"),
    ]


def test_bandit_json_severity_confidence_and_parse_errors() -> None:
    found = bandit.parse_bandit_json(sample("bandit.json"))
    assert [(f.code, f.severity, f.note) for f in found] == [
        ("B404", "low", "confidence high"),
        ("B602", "high", "confidence high"),
        ("B506", "medium", "confidence high"),
        ("error", "info", ""),
    ]
    assert (found[1].path, found[1].line, found[1].column) == ("./c.py", 3, 5)
    assert found[3].message == "syntax error while parsing AST from file"


def run(name: str, status: str = "ran", note: str = "", findings: int = 0) -> ToolRun:
    return ToolRun(name, status, note, findings)


UNDEFINED = Finding("ruff", "F821", "Undefined name `y`", "pkg/mod.py", 6, 12, "critical", "lint")
FORMAT = Finding(
    "ruff format", "format", "file would be reformatted", "pkg/a.py", 3, None, "low", "format"
)
UNUSED = Finding("ruff", "F401", "`os` imported but unused", "pkg/a.py", 1, 8, "low", "imports")


def test_gate_fails_on_a_critical_finding_naming_it() -> None:
    gate = evaluate_quality_gate([UNUSED, UNDEFINED], [run("ruff")])
    assert (gate.name, gate.passed) == ("quality", False)
    assert gate.summary == "1 critical issue: F821 Undefined name `y` at pkg/mod.py:6"


def test_gate_passes_with_formatting_only_unless_configured() -> None:
    gate = evaluate_quality_gate([FORMAT, UNUSED], [run("ruff")])
    assert (gate.passed, gate.summary) == (True, "no critical issue (2 findings)")
    strict = evaluate_quality_gate([FORMAT, UNUSED], [run("ruff")], fail_on_format=True)
    assert (strict.passed, strict.summary) == (
        False,
        "1 blocking issue: format file would be reformatted at pkg/a.py:3",
    )


def test_gate_names_skipped_tools_and_fails_when_none_ran_or_one_broke() -> None:
    runs = [run("ruff"), run("pylint", "not installed", "install pylint to run it")]
    gate = evaluate_quality_gate([], runs)
    assert gate.summary == "no critical issue (0 findings); skipped: pylint (not installed)"
    nothing = evaluate_quality_gate([], [run("mypy", "not installed")])
    assert (nothing.passed, nothing.summary) == (False, "no quality tool ran: mypy (not installed)")
    broken = evaluate_quality_gate(
        [], [run("ruff"), run("mypy", "error", "exit code 2: bad config")]
    )
    assert (broken.passed, broken.summary) == (
        False,
        "1 tool failed: mypy (exit code 2: bad config)",
    )


def test_gate_lists_three_critical_issues_then_counts() -> None:
    many = [replace(UNDEFINED, line=n) for n in range(1, 6)]
    gate = evaluate_quality_gate(many, [run("ruff")])
    assert gate.summary.startswith("5 critical issues: F821 Undefined name `y` at pkg/mod.py:1, ")
    assert gate.summary.endswith("at pkg/mod.py:3, and 2 more")


def test_counts_json_and_views() -> None:
    findings = [UNUSED, UNDEFINED, FORMAT]
    assert count_by(findings, "category") == {"format": 1, "imports": 1, "lint": 1}
    assert count_by(findings, "severity") == {"critical": 1, "low": 2}
    data = findings_json(findings)
    assert data["counts"] == {"critical": 1, "high": 0, "medium": 0, "low": 2, "info": 0}
    assert data["findings"][0] == {  # type: ignore[index]
        "tool": "ruff",
        "code": "F821",
        "message": "Undefined name `y`",
        "path": "pkg/mod.py",
        "line": 6,
        "column": 12,
        "severity": "critical",
        "category": "lint",
        "note": "",
    }
    lines = render_findings_text(findings)
    assert lines[0] == "critical  pkg/mod.py:6:12  F821  Undefined name `y`  [ruff]"
    gate = evaluate_quality_gate(findings, [run("ruff", findings=3)])
    markdown = render_quality_markdown(findings, [run("ruff", findings=3)], gate)
    assert (
        "**Quality gate failed:** 1 critical issue: F821 Undefined name `y` at pkg/mod.py:6"
        in markdown
    )
    assert "| lint | 1 | 0 | 0 | 0 | 0 | 1 |" in markdown
    assert "| ruff | ran | 3 |  |" in markdown


def test_terminal_view_caps_low_findings() -> None:
    lows = [Finding("ruff", "E501", "long", "a.py", n, 1, "low", "format") for n in range(25)]
    lines = render_findings_text(lows, per_severity=20)
    assert len(lines) == 21
    assert lines[-1] == "…and 5 more low findings (see --json)"
