"""Coverage results: coverage.py's numbers and rounding, the change against a base, the
gate, Shipyard's JSON document, and the terminal, Markdown and comment views."""

from __future__ import annotations

import json
from pathlib import Path

import coverage.results
import pytest
from hypothesis import given
from hypothesis import strategies as st

from shipyard.errors import UserError
from shipyard.reports.coverage import (
    BaseInfo,
    CoverageResult,
    FileCoverage,
    display_covered,
    evaluate_delta,
    evaluate_gate,
    format_change,
    make_result,
    shown_change,
)
from shipyard.reports.coverage_formats import (
    document_commit,
    parse_cobertura,
    parse_coverage_json,
    render_result_document,
)
from shipyard.reports.coverage_render import render_comment, render_markdown, render_terminal

SAMPLES = Path(__file__).parent / "coverage_samples"


def sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def report_rows(name: str) -> dict[str, list[str]]:
    """``coverage report``'s rows by name: Stmts, Miss, Branch, BrPart, Cover."""
    rows = {}
    for line in sample(name).splitlines():
        parts = line.split()
        if len(parts) == 6 and parts[1].isdigit():
            rows[parts[0]] = parts[1:]
    return rows


HEAD = parse_coverage_json(sample("head.json"), "head.json")
BASE = parse_coverage_json(sample("base.json"), "base.json")


def numbers(item: FileCoverage, shown: str) -> list[str]:
    counts = [item.statements, item.missing, item.branches, item.partial]
    return [str(n) for n in counts] + [shown + "%"]


@pytest.mark.parametrize(("name", "precision"), [("head-report.txt", 0), ("head-report-p2.txt", 2)])
def test_numbers_are_coverage_reports(name: str, precision: int) -> None:
    rows = report_rows(name)
    assert sorted(rows) == ["TOTAL", "pkg/__init__.py", "pkg/calc.py", "pkg/shapes.py"]
    for item in [*HEAD.files, HEAD.total]:
        assert numbers(item, display_covered(item.percent, precision)) == rows[item.path]


def test_json_report_precision_and_branch_flag() -> None:
    assert (HEAD.precision, HEAD.branch, HEAD.display_precision) == (0, True, 1)
    precise = parse_coverage_json(sample("head-p2.json"))
    assert precise.precision == 2
    assert precise.shown(precise.percent) == "67.57"
    assert precise.total.missing_branches == 6


def test_cobertura_gives_the_same_numbers() -> None:
    xml = parse_cobertura(sample("head.xml"), "head.xml")
    assert xml.files == HEAD.files
    assert xml.branch is True
    assert xml.total == FileCoverage("TOTAL", 25, 6, 12, 4, 6)


def test_base_sample_matches_its_report_at_precision_one() -> None:
    # Shipyard shows one decimal at least: the table is `coverage report --precision=1`'s.
    expected = sample("base-report-p1.txt").splitlines()
    assert render_terminal(BASE).splitlines()[: len(expected)] == expected


@given(st.floats(min_value=0, max_value=100), st.integers(min_value=0, max_value=4))
def test_display_covered_is_coverages(percent: float, precision: int) -> None:
    assert display_covered(percent, precision) == coverage.results.display_covered(
        percent, precision
    )


@given(
    st.floats(min_value=0, max_value=100),
    st.one_of(st.integers(min_value=0, max_value=100), st.sampled_from([82.5, 79.95, 99.9])),
    st.integers(min_value=0, max_value=3),
)
def test_gate_agrees_with_fail_under(total: float, minimum: float, precision: int) -> None:
    if not hasattr(coverage.results, "_fail_under_precision") and minimum != int(minimum):
        return  # coverage before 7.10 ignored the minimum's own decimals
    covered = round(total * 10_000)  # the percentage, as closely as 10**6 statements allow
    result = make_result(
        [FileCoverage("a.py", 1_000_000, 1_000_000 - covered)], precision=precision
    )
    fails = coverage.results.should_fail_under(
        result.percent, float(minimum), result.display_precision
    )
    assert evaluate_gate(result, float(minimum)).passed is not fails


def test_totals_sum_the_files() -> None:
    result = make_result(
        [
            FileCoverage("b.py", 10, 2, 4, 1, 1),
            FileCoverage("a.py", 5, 5),
            FileCoverage("b.py", 1, 1),
        ]
    )
    assert [f.path for f in result.files] == ["a.py", "b.py"]
    assert result.file("b.py") == FileCoverage("b.py", 11, 3, 4, 1, 1)
    assert result.total == FileCoverage("TOTAL", 16, 8, 4, 1, 1)
    assert result.percent == pytest.approx(100 * 11 / 20)
    assert result.branch is True
    assert make_result([FileCoverage("empty.py", 0, 0)]).percent == 100.0


def test_delta_against_the_base_sample() -> None:
    delta = evaluate_delta(HEAD, BASE)
    assert delta.total_change == pytest.approx(16.4)  # 67.6% - 51.2%
    assert [(c.path, c.status, c.change) for c in delta.files] == [
        ("pkg/calc.py", "changed", pytest.approx(23.0)),  # 61.5% - 38.5%
        ("pkg/legacy.py", "removed", None),
        ("pkg/shapes.py", "changed", pytest.approx(27.3)),  # 81.8% - 54.5%
    ]
    back = evaluate_delta(BASE, HEAD)
    assert [(c.path, c.status) for c in back.files][1] == ("pkg/legacy.py", "new")


def test_change_is_the_difference_of_shown_percentages() -> None:
    # 84.24 shows as 84.2 and 82.96 as 83.0: the reader sees +1.2, not the exact +1.28.
    assert shown_change(84.24, 82.96, 1) == pytest.approx(1.2)
    assert format_change(1.2, 1) == "+1.2%"
    assert format_change(-0.5, 1) == "-0.5%"
    assert format_change(0.0, 1) == "±0.0%"
    assert format_change(-0.0, 2) == "±0.00%"


def _percent_result(covered: int, of: int) -> CoverageResult:
    return make_result([FileCoverage("m.py", of, of - covered)])


@pytest.mark.parametrize(
    ("covered", "of", "minimum", "passed", "summary"),
    [
        (842, 1000, 80, True, "coverage 84.2% (min 80%)"),
        (799, 1000, 80, False, "coverage 79.9% is below the minimum 80%"),
        (7996, 10000, 80, True, "coverage 80.0% (min 80%)"),
        (9999, 10000, 100, False, "coverage 99.9% is below the minimum 100%"),
        (10, 10, 100, True, "coverage 100.0% (min 100%)"),
        (8254, 10000, 82.55, False, "coverage 82.54% is below the minimum 82.55%"),
        (0, 10, 0, True, "coverage 0.0% (min 0%)"),
    ],
)
def test_gate_summaries(covered: int, of: int, minimum: float, passed: bool, summary: str) -> None:
    gate = evaluate_gate(_percent_result(covered, of), minimum)
    assert (gate.name, gate.passed, gate.summary) == ("coverage", passed, summary)


def test_document_round_trip_and_shape() -> None:
    document = render_result_document(HEAD, commit="a" * 40)
    text = json.dumps(document)
    assert parse_coverage_json(text, "stored.json") == HEAD
    assert document_commit(text) == "a" * 40
    assert document["total"] == {
        "statements": 25,
        "missing": 6,
        "branches": 12,
        "partial": 4,
        "missing_branches": 6,
        "percent": pytest.approx(67.5675675),
        "display": "67.6",
    }
    assert document["files"][1]["path"] == "pkg/calc.py"
    assert set(document) == {"kind", "format", "commit", "precision", "branch", "total", "files"}


def test_document_with_base_change_and_gate() -> None:
    base = BaseInfo(BASE, "merge-base", commit="b" * 40, ref="main")
    delta = evaluate_delta(HEAD, BASE)
    gate = evaluate_gate(HEAD, 60)
    document = render_result_document(
        HEAD, commit=None, base=base, delta=delta, minimum=60.0, gate=gate
    )
    assert document["base"]["commit"] == "b" * 40
    assert document["base"]["found"] == "merge-base"
    assert document["base"]["total"]["display"] == "51.2"
    assert document["change"]["total"] == pytest.approx(16.4)
    assert document["change"]["files"][1] == {
        "path": "pkg/legacy.py",
        "status": "removed",
        "percent": None,
        "base_percent": 100.0,
        "change": None,
    }
    assert document["gate"] == {
        "name": "coverage",
        "passed": True,
        "summary": "coverage 67.6% (min 60%)",
    }
    assert parse_coverage_json(json.dumps(document)) == HEAD


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[]", "x.json: expected a JSON object"),
        ("{", "x.json: not valid JSON: Expecting property name enclosed in double quotes: "
         "line 1 column 2 (char 1)"),
        ('{"meta": {}}', "x.json: not a coverage report (no 'files' and 'totals')"),
        ('{"files": {"a.py": {}}, "totals": {}}', "x.json: file a.py has no summary"),
        ('{"files": {"a.py": {"summary": {"num_statements": -1}}}, "totals": {}}',
         "x.json: a.py: num_statements must be a whole number, got -1"),
        ('{"kind": "coverage", "format": 9}', "x.json: unsupported format 9 (expected 1)"),
        ('{"kind": "coverage", "format": 1, "files": [{}]}', "x.json: each file needs a 'path'"),
    ],
)  # fmt: skip
def test_json_errors(text: str, message: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_coverage_json(text, "x.json")
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<coverage", "x.xml: not valid XML: unclosed token: line 1, column 0"),
        ("<report/>", "x.xml: not a Cobertura report (root element <report>)"),
        ("<coverage><class/></coverage>", "x.xml: a <class> has no filename"),
    ],
)
def test_cobertura_errors(text: str, message: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_cobertura(text, "x.xml")
    assert caught.value.message == message


def test_terminal_with_change_column() -> None:
    base = BaseInfo(BASE, "merge-base", commit="1a2b3c4d" + "0" * 32, ref="main")
    assert render_terminal(HEAD, evaluate_delta(HEAD, BASE), base) == (
        "Name              Stmts   Miss Branch BrPart  Cover Change\n"
        "----------------------------------------------------------\n"
        "pkg/__init__.py       0      0      0      0 100.0%\n"
        "pkg/calc.py          16      5     10      3  61.5% +23.0%\n"
        "pkg/shapes.py         9      1      2      1  81.8% +27.3%\n"
        "----------------------------------------------------------\n"
        "TOTAL                25      6     12      4  67.6% +16.4%\n"
        "\n"
        "removed since the base: pkg/legacy.py\n"
        "\n"
        "base: 1a2b3c4 (merge base with main)\n"
    )


def test_terminal_without_branches_or_base() -> None:
    result = make_result([FileCoverage("app.py", 3, 1)])
    assert render_terminal(result) == (
        "Name     Stmts   Miss  Cover\n"
        "----------------------------\n"
        "app.py       3      1  66.7%\n"
        "----------------------------\n"
        "TOTAL        3      1  66.7%\n"
        "\n"
        "base: none (no result to compare with)\n"
    )


def test_comment_body() -> None:
    base = BaseInfo(BASE, "merge-base", commit="1a2b3c4d" + "0" * 32, ref="main")
    gate = evaluate_gate(HEAD, 80)
    assert render_comment(HEAD, gate, 80, evaluate_delta(HEAD, BASE), base) == (
        "<!-- shipyard-coverage -->\n"
        "## Coverage: 67.6% (+16.4%)\n"
        "\n"
        "Compared with `1a2b3c4` (main) · minimum 80%: ❌ failed\n"
        "\n"
        "| File | Coverage | Change |\n"
        "| --- | --: | --: |\n"
        "| `pkg/calc.py` | 61.5% | +23.0% |\n"
        "| `pkg/legacy.py` | — | removed |\n"
        "| `pkg/shapes.py` | 81.8% | +27.3% |\n"
    )


def test_comment_without_base_or_changes() -> None:
    gate = evaluate_gate(HEAD, 60)
    assert render_comment(HEAD, gate, 60) == (
        "<!-- shipyard-coverage -->\n"
        "## Coverage: 67.6%\n"
        "\n"
        "No base result to compare with · minimum 60%: ✅ passed\n"
    )
    same = BaseInfo(HEAD, "file", source="base.json")
    body = render_comment(HEAD, gate, 60, evaluate_delta(HEAD, HEAD), same)
    assert body.splitlines()[1:] == [
        "## Coverage: 67.6% (±0.0%)",
        "",
        "Compared with `base.json` · minimum 60%: ✅ passed",
        "",
        "No file's coverage changed.",
    ]


def test_markdown_summary() -> None:
    base = BaseInfo(BASE, "ancestor", commit="1a2b3c4d" + "0" * 32)
    gate = evaluate_gate(HEAD, 60)
    assert render_markdown(HEAD, gate, 60, evaluate_delta(HEAD, BASE), base) == (
        "## Coverage\n"
        "\n"
        "**67.6% (+16.4%)** against `1a2b3c4` · minimum 60%: ✅ passed\n"
        "\n"
        "| File | Stmts | Miss | Branch | BrPart | Cover | Change |\n"
        "| --- | --: | --: | --: | --: | --: | --: |\n"
        "| `pkg/__init__.py` | 0 | 0 | 0 | 0 | 100.0% |  |\n"
        "| `pkg/calc.py` | 16 | 5 | 10 | 3 | 61.5% | +23.0% |\n"
        "| `pkg/shapes.py` | 9 | 1 | 2 | 1 | 81.8% | +27.3% |\n"
        "| **Total** | **25** | **6** | **12** | **4** | **67.6%** | **+16.4%** |\n"
        "\n"
        "Removed since the base: `pkg/legacy.py`\n"
    )


@pytest.mark.parametrize(
    ("base", "text"),
    [
        (BaseInfo(BASE, "merge-base", commit="abcdef0123", ref="main"),
         "abcdef0 (merge base with main)"),
        (BaseInfo(BASE, "parent", commit="abcdef0123"), "abcdef0 (parent of HEAD)"),
        (BaseInfo(BASE, "ancestor", commit="abcdef0123"), "abcdef0 (newest stored ancestor)"),
        (BaseInfo(BASE, "file", source="b.json"), "b.json (given with --base-json)"),
    ],
)  # fmt: skip
def test_base_descriptions(base: BaseInfo, text: str) -> None:
    assert base.describe() == text
