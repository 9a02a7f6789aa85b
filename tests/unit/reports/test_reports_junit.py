"""JUnit XML parsing: real pytest and unittest-xml-reporting files, nested forms, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from shipyard.reports.junit import CaseResult, JUnitError, JUnitReport, parse_junit

SAMPLES = Path(__file__).parent / "junit_samples"


def sample(name: str) -> JUnitReport:
    return parse_junit((SAMPLES / name).read_bytes(), name)


def counts(report: JUnitReport) -> dict[str, int]:
    return {o: report.count(o) for o in ("passed", "failed", "error", "skipped")}


@pytest.mark.parametrize("name", ["pytest-xunit2.xml", "pytest-xunit1.xml"])
def test_pytest_file_counts_like_pytest(name: str) -> None:
    # pytest printed: 2 failed, 2 passed, 1 skipped, 2 errors
    report = sample(name)
    assert counts(report) == {"passed": 2, "failed": 2, "error": 2, "skipped": 1}
    assert report.tests == 7


def test_pytest_file_cases_in_order() -> None:
    report = sample("pytest-xunit2.xml")
    assert [(c.test_id, c.outcome) for c in report.cases] == [
        ("test_sample.test_pass", "passed"),
        ("test_sample.test_fail", "failed"),
        ("test_sample.test_skip", "skipped"),
        ("test_sample.test_error", "error"),
        ("test_sample.TestGroup.test_inner", "passed"),
        ("test_sample.TestGroup.test_fail_and_teardown", "failed"),
        ("test_sample.TestGroup.test_fail_and_teardown", "error"),
    ]
    assert {c.suite for c in report.cases} == {"pytest"}
    assert report.time == pytest.approx(0.065)


def test_pytest_failure_message_and_text() -> None:
    fail = sample("pytest-xunit2.xml").cases[1]
    assert fail.message == "AssertionError: value should be 2\nassert 1 == 2"
    assert fail.text.startswith("def test_fail():\n")
    assert fail.text.endswith("test_sample.py:17: AssertionError")
    assert fail.kind == ""
    assert fail.time == pytest.approx(0.001)
    assert fail.problem


def test_pytest_error_and_skip_messages() -> None:
    cases = sample("pytest-xunit2.xml").cases
    assert cases[3].message == 'failed on setup with "RuntimeError: fixture exploded"'
    assert cases[2].message == "not on this platform"
    assert cases[2].kind == "pytest.skip"
    assert not cases[2].problem
    assert cases[0] == CaseResult("pytest", "test_sample", "test_pass", "passed", 0.001)


def test_xmlrunner_testsuites() -> None:
    report = sample("xmlrunner-testsuites.xml")
    assert counts(report) == {"passed": 2, "failed": 1, "error": 1, "skipped": 2}
    assert report.time == pytest.approx(0.008)
    sub, boom = report.cases[1], report.cases[2]
    assert sub.suite == "test_calc.CalcTest-20261126123056"
    assert sub.message == "AssertionError: 2 != 1 : subtraction is off"
    assert boom.message == "KeyError: 'missing'"  # the type is prefixed
    assert boom.text.startswith("Traceback (most recent call last):")
    assert boom.text.endswith("KeyError: 'missing'")
    expected = report.cases[5]
    assert (expected.outcome, expected.kind) == ("skipped", "XFAIL")
    assert expected.message.startswith("expected failure: (<class 'AssertionError'>")


def test_xmlrunner_testsuite_root() -> None:
    report = sample("xmlrunner-testsuite-root.xml")
    assert [(c.test_id, c.outcome) for c in report.cases] == [
        ("test_calc.OtherTest.test_ok", "passed"),
        ("test_calc.OtherTest.test_expected", "skipped"),
    ]
    assert report.time == pytest.approx(0.001)


NESTED = b"""<?xml version="1.0"?>
<testsuites>
  <testsuite name="app" time="2.5">
    <testcase name="top" classname="app"/>
    <testsuite name="app.models" time="1.5">
      <testcase name="a" classname="app.models" time="0.5"/>
      <testsuite name="app.models.deep">
        <testcase name="b" time="1,000.25"><failure>boom happened
at line 3</failure></testcase>
      </testsuite>
    </testsuite>
  </testsuite>
  <testsuites name="merged">
    <testsuite name="other" time="1">
      <testcase name="c"><skipped/></testcase>
      <testcase name="d"><error type="OSError" message="disk full"/></testcase>
    </testsuite>
  </testsuites>
</testsuites>
"""


def test_nested_suites_and_testsuites() -> None:
    report = parse_junit(NESTED, "nested.xml")
    assert [(c.suite, c.test_id, c.outcome) for c in report.cases] == [
        ("app", "app.top", "passed"),
        ("app.models", "app.models.a", "passed"),
        ("app.models.deep", "b", "failed"),
        ("other", "c", "skipped"),
        ("other", "d", "error"),
    ]
    b, d = report.cases[2], report.cases[4]
    assert b.message == "boom happened"  # no message attribute: the text's first line
    assert b.time == 1000.25  # Maven's thousands separator
    assert d.message == "OSError: disk full"
    assert d.text == ""
    # no root time; one top-level suite lacks a time, so the cases add up
    assert report.time == pytest.approx(1000.75)


def test_time_from_top_level_suites_when_the_root_has_none() -> None:
    text = b"""<testsuites><testsuite time="1.5"><testcase name="a" time="9"/></testsuite>
    <testsuite time="2"><testcase name="b"/></testsuite></testsuites>"""
    assert parse_junit(text).time == 3.5


@pytest.mark.parametrize("time", ["abc", "-1", "nan", "inf", ""])
def test_bad_times_count_as_zero(time: str) -> None:
    report = parse_junit(f'<testsuite><testcase name="a" time="{time}"/></testsuite>')
    assert report.cases[0].time == 0.0
    assert report.time == 0.0


def test_worst_outcome_wins_and_reruns_pass() -> None:
    text = b"""<testsuite>
      <testcase name="both"><error message="e"/><failure message="f"/></testcase>
      <testcase name="flaky"><flakyFailure message="once"/><rerunFailure message="x"/></testcase>
    </testsuite>"""
    both, flaky = parse_junit(text).cases
    assert (both.outcome, both.message) == ("failed", "f")
    assert (flaky.outcome, flaky.message) == ("passed", "")


def test_str_input_with_an_encoding_declaration() -> None:
    text = '<?xml version="1.0" encoding="UTF-8"?><testsuite><testcase name="é"/></testsuite>'
    assert parse_junit(text).cases[0].name == "é"


def test_empty_suites_have_no_cases() -> None:
    report = parse_junit(b'<testsuites tests="3"><testsuite name="x"/></testsuites>')
    assert report.cases == ()
    assert report.tests == 0


def test_empty_file() -> None:
    with pytest.raises(JUnitError) as caught:
        parse_junit(b"  \n", "out/results.xml")
    assert caught.value.render() == (
        "out/results.xml: the file is empty, not JUnit XML\n\n"
        "hint: the test run may have stopped before writing its results"
    )


def test_invalid_xml_names_line_and_column() -> None:
    with pytest.raises(JUnitError) as caught:
        parse_junit(b"<testsuite>\n  <testcase name='a'>\n</testsuite>", "r.xml")
    assert caught.value.message == "r.xml (Line: 3, Col: 3): invalid XML: mismatched tag"
    assert caught.value.hint == (
        "the file may be truncated; JUnit files come from `pytest --junitxml=PATH`"
    )


def test_truncated_xml() -> None:
    with pytest.raises(JUnitError) as caught:
        parse_junit(b"<testsuites><testsuite>", "r.xml")
    assert caught.value.message == "r.xml (Line: 1, Col: 24): invalid XML: no element found"


def test_other_xml_is_not_junit() -> None:
    with pytest.raises(JUnitError) as caught:
        parse_junit(b"<coverage/>", "coverage.xml")
    assert caught.value.message == (
        "coverage.xml: not JUnit XML: the root element is <coverage>, "
        "expected <testsuites> or <testsuite>"
    )
