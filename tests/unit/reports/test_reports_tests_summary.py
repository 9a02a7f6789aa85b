"""Test results across configurations: naming, totals, the tests gate, Markdown and terminal."""

from __future__ import annotations

from pathlib import Path

import pytest

from shipyard.reports.gates import GateResult
from shipyard.reports.junit import CaseResult, JUnitReport, parse_junit
from shipyard.reports.tests_summary import (
    JUnitSummary,
    configuration_name,
    evaluate_tests_gate,
    render_seconds,
    render_tests_markdown,
    render_tests_terminal,
    summarize_tests,
    trim_text,
)

SAMPLES = Path(__file__).parent / "junit_samples"
PYTEST = parse_junit((SAMPLES / "pytest-xunit2.xml").read_bytes())


def passing(count: int, time: float = 1.0) -> JUnitReport:
    return JUnitReport(
        tuple(CaseResult("s", "t", f"test_{i}", "passed") for i in range(count)), time
    )


def failing(name: str, message: str, text: str = "") -> CaseResult:
    return CaseResult("s", "tests.test_app", name, "failed", 0.1, message, text)


@pytest.mark.parametrize(
    ("path", "name_from", "expected"),
    [
        ("junit-3.11-ubuntu-latest/results.xml", "parent", "3.11-ubuntu-latest"),
        ("artifacts/junit-3.11-ubuntu-latest/results.xml", "parent", "3.11-ubuntu-latest"),
        ("artifacts\\test-results-3.12-windows-latest\\junit.xml", "parent", "3.12-windows-latest"),
        ("py3.10/report.xml", "parent", "py3.10"),
        ("results.xml", "parent", "results"),
        ("./junit.xml", "parent", "junit"),
        ("../junit-3.9/out.xml", "parent", "3.9"),
        ("reports/junit-3.13.xml", "file", "3.13"),
        ("reports/pytest_results_macos.xml", "file", "results_macos"),
        ("reports/linux", "file", "linux"),
        ("junit/.hidden", "file", ".hidden"),
        ("junit/results.xml", "parent", "junit"),
    ],
)
def test_configuration_name(path: str, name_from: str, expected: str) -> None:
    assert configuration_name(path, name_from) == expected


def test_configuration_name_mapping_wins() -> None:
    names = {"a/results.xml": "exact", "b/*.xml": "by pattern"}
    assert configuration_name("a/results.xml", "parent", names) == "exact"
    assert configuration_name("b/x.xml", "file", names) == "by pattern"
    assert configuration_name("junit-c/x.xml", "parent", names) == "c"


def test_configuration_name_rejects_unknown_mode() -> None:
    with pytest.raises(ValueError, match="name_from must be one of"):
        configuration_name("a.xml", "folder")


def test_summary_groups_by_configuration_in_natural_order() -> None:
    summary = summarize_tests(
        [
            ("junit-3.10/a.xml", "3.10", passing(2, 1.5)),
            ("junit-3.9/a.xml", "3.9", passing(1, 1.0)),
            ("junit-3.10/b.xml", "3.10", PYTEST),
        ]
    )
    assert [c.name for c in summary.configurations] == ["3.9", "3.10"]
    three_ten = summary.configurations[1]
    assert three_ten.files == ("junit-3.10/a.xml", "junit-3.10/b.xml")
    assert (three_ten.tests, three_ten.ran, three_ten.time) == (9, 8, pytest.approx(1.565))
    assert [c.name for c in three_ten.failures] == [
        "test_fail",
        "test_error",
        "test_fail_and_teardown",
        "test_fail_and_teardown",
    ]
    assert (summary.tests, summary.count("passed"), summary.count("error")) == (10, 5, 2)
    assert summary.time == pytest.approx(2.565)
    assert summary.failures[0] == ("3.10", three_ten.failures[0])


def test_gate_passes_with_counts() -> None:
    summary = summarize_tests([("a", "3.11", passing(410)), ("b", "3.12", passing(2))])
    assert evaluate_tests_gate(summary) == GateResult(
        "tests", True, "412 passed, 0 failed, 0 skipped across 2 configurations"
    )


def test_gate_fails_naming_the_failing_tests() -> None:
    summary = summarize_tests([("a", "3.11-ubuntu-latest", PYTEST)])
    assert evaluate_tests_gate(summary) == GateResult(
        "tests",
        False,
        "2 passed, 2 failed, 2 errors, 1 skipped across 1 configuration; failing: "
        "test_sample.test_fail (AssertionError: value should be 2), "
        'test_sample.test_error (failed on setup with "RuntimeError: fixture exploded") '
        "and 1 more",
    )


def test_gate_groups_a_test_failing_in_several_configurations() -> None:
    bad = JUnitReport((failing("test_sum", "assert 3 == 4"),), 0.1)
    other = JUnitReport((failing("test_div", "ZeroDivisionError: division by zero"),), 0.1)
    summary = summarize_tests(
        [("a", "3.10", bad), ("b", "3.11", bad), ("c", "3.12", bad), ("d", "3.13", other)]
    )
    assert evaluate_tests_gate(summary).summary == (
        "0 passed, 4 failed, 0 skipped across 4 configurations; failing: "
        "tests.test_app.test_sum in 3 configurations (assert 3 == 4), "
        "tests.test_app.test_div in 3.13 (ZeroDivisionError: division by zero)"
    )
    everywhere = summarize_tests([("a", "3.10", bad), ("b", "3.11", bad)])
    assert evaluate_tests_gate(everywhere).summary.endswith(
        "failing: tests.test_app.test_sum in every configuration (assert 3 == 4)"
    )


def test_zero_tests_fail_the_gate() -> None:
    empty = summarize_tests([("a", "3.11", JUnitReport((), 0.0))])
    assert evaluate_tests_gate(empty) == GateResult(
        "tests", False, "no test ran: 0 passed, 0 failed, 0 skipped across 1 configuration"
    )
    skipped = JUnitReport((CaseResult("s", "", "t", "skipped", 0, "later"),), 0.0)
    partly = summarize_tests([("a", "3.11", passing(3)), ("b", "3.12", skipped)])
    assert evaluate_tests_gate(partly) == GateResult(
        "tests", False, "3 passed, 0 failed, 1 skipped across 2 configurations; no test ran in 3.12"
    )
    assert evaluate_tests_gate(JUnitSummary(())) == GateResult("tests", False, "no test results")


@pytest.mark.parametrize(
    ("seconds", "text"), [(0.0651, "0.07s"), (12.34, "12.3s"), (125.4, "2m 5s"), (0, "0.00s")]
)
def test_render_seconds(seconds: float, text: str) -> None:
    assert render_seconds(seconds) == text


def test_trim_text_keeps_the_end() -> None:
    text = "\n".join(f"line {i}" for i in range(100))
    trimmed = trim_text(text)
    assert trimmed.splitlines()[0] == "… 60 lines above trimmed"
    assert trimmed.splitlines()[1] == "line 60"
    assert trimmed.endswith("line 99")
    long = trim_text("x" * 5000 + "\nend")
    assert long == "… 1 line above trimmed\nend"
    assert trim_text("short\n") == "short"


def test_markdown_table_and_failures() -> None:
    summary = summarize_tests([("a", "3.11", passing(3, 1.25)), ("b", "3.12", PYTEST)])
    gate = evaluate_tests_gate(summary)
    text = render_tests_markdown(summary, gate)
    head, failures = text.split("### Failures\n")
    assert head == (
        "## Tests\n\n"
        f"❌ **tests failed**: {gate.summary}\n\n"
        "| configuration | passed | failed | skipped | errors | time |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: |\n"
        "| 3.11 | 3 | 0 | 0 | 0 | 1.25s |\n"
        "| 3.12 | 2 | 2 | 1 | 2 | 0.07s |\n"
        "| **total** | **5** | **2** | **1** | **2** | **1.31s** |\n\n"
    )
    assert failures.count("<details>") == 4
    first = failures.split("</details>")[0]
    assert first == (
        "\n<details>\n"
        "<summary>❌ failed <code>test_sample.test_fail</code> in 3.12: "
        "AssertionError: value should be 2</summary>\n\n"
        "```text\n"
        "def test_fail():\n"
        "        value = 1\n"
        '>       assert value == 2, "value should be 2"\n'
        "E       AssertionError: value should be 2\n"
        "E       assert 1 == 2\n\n"
        "test_sample.py:17: AssertionError\n"
        "```\n\n"
    )
    assert text.endswith("</details>\n")


def test_markdown_passing_has_no_failures_section_and_escapes() -> None:
    summary = summarize_tests([("a", "a|b <x>", passing(1))])
    gate = evaluate_tests_gate(summary)
    text = render_tests_markdown(summary, gate)
    assert "### Failures" not in text
    assert "✅ **tests passed**: 1 passed, 0 failed, 0 skipped across 1 configuration\n" in text
    assert "| a\\|b &lt;x&gt; | 1 | 0 | 0 | 0 | 1.00s |" in text


def test_markdown_lists_at_most_50_failures() -> None:
    cases = tuple(failing(f"test_{i}", f"bad {i}", "x ``` y") for i in range(53))
    summary = summarize_tests([("a", "3.11", JUnitReport(cases, 1.0))])
    text = render_tests_markdown(summary, evaluate_tests_gate(summary))
    assert text.count("<details>") == 50
    assert "````text\nx ``` y\n````" in text
    assert "<code>tests.test_app.test_49</code>: bad 49</summary>" in text
    assert "test_50</code>" not in text
    assert text.endswith("</details>\n\n… and 3 more failures not listed\n")


def test_markdown_flags_configurations_without_tests() -> None:
    summary = summarize_tests([("a", "3.11", passing(1)), ("b", "3.12", JUnitReport((), 0))])
    text = render_tests_markdown(summary, evaluate_tests_gate(summary))
    assert "| 3.12 ⚠️ no test ran | 0 | 0 | 0 | 0 | 0.00s |" in text


def test_terminal_view() -> None:
    summary = summarize_tests(
        [("a", "3.11-ubuntu-latest", passing(3, 1.25)), ("b", "3.12", PYTEST)]
    )
    gate = evaluate_tests_gate(summary)
    assert render_tests_terminal(summary, gate) == [
        "configuration       passed  failed  skipped  errors   time",
        "3.11-ubuntu-latest       3       0        0       0  1.25s",
        "3.12                     2       2        1       2  0.07s",
        "total                    5       2        1       2  1.31s",
        "",
        "failed: test_sample.test_fail in 3.12",
        "  AssertionError: value should be 2",
        "  assert 1 == 2",
        "",
        "error: test_sample.test_error in 3.12",
        '  failed on setup with "RuntimeError: fixture exploded"',
        "",
        "failed: test_sample.TestGroup.test_fail_and_teardown in 3.12",
        "  assert False",
        "",
        "error: test_sample.TestGroup.test_fail_and_teardown in 3.12",
        '  failed on teardown with "ValueError: teardown failed"',
        "",
        f"FAIL tests: {gate.summary}",
    ]


def test_terminal_notes_empty_configurations_and_cuts_long_lists() -> None:
    cases = tuple(failing(f"test_{i}", "bad") for i in range(51))
    summary = summarize_tests(
        [("a", "only", JUnitReport(cases, 1.0)), ("b", "none", JUnitReport((), 0))]
    )
    lines = render_tests_terminal(summary, evaluate_tests_gate(summary))
    assert "no test ran in none" in lines
    assert lines[-3:] == [
        "… and 1 more failure not listed",
        "",
        "FAIL tests: 0 passed, 51 failed, 0 skipped across 2 configurations; failing: "
        "tests.test_app.test_0 in only (bad), tests.test_app.test_1 in only (bad) and 49 more; "
        "no test ran in none",
    ]
