"""``shipyard report coverage`` as a real process on a tiny project measured by coverage.py,
in a real git repository: the local store, the base found through git, the gate."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

import pytest

GRADES = """\
def grade(score):
    if score >= 90:
        return "A"
    if score >= 75:
        return "B"
    return "C"


def double(x):
    return x * 2
"""
# 8 statements and 4 branch exits. Calling grade(95) and double(1) covers 5 statements and
# 1 exit: 6/12 = 50.0%. Adding grade(80) covers 7 and 3: 10/12 = 83.3%.
FIRST_CHECK = "from pkg.grades import double, grade\n\ngrade(95)\ndouble(1)\n"
SECOND_TEST = """\
from pkg.grades import double, grade


def test_grades():
    assert grade(95) == "A"
    assert grade(80) == "B"
    assert double(1) == 2
"""
PYPROJECT = """\
[project]
name = "sample"
version = "0"

[tool.coverage.run]
branch = true
source = ["pkg"]

[tool.shipyard]
coverage-min = 85
"""


@dataclass
class Project:
    root: Path
    home: Path
    gates: Path

    def git(self, *args: str) -> str:
        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.com",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.com",
        }
        proc = subprocess.run(
            ["git", *args], cwd=self.root, env=env, capture_output=True, text=True, check=True
        )
        return proc.stdout.strip()

    def commit(self, message: str) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)
        return self.git("rev-parse", "HEAD")

    def measure(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "coverage", "run", *args],
            cwd=self.root,
            capture_output=True,
            check=True,
            env={k: v for k, v in os.environ.items() if not k.startswith("COV_")},
        )

    def report(
        self, *args: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        environ = {
            k: v
            for k, v in os.environ.items()
            if k not in ("GITHUB_STEP_SUMMARY", "GITHUB_BASE_REF", "SHIPYARD_GATES_FILE")
        }
        environ |= {"SHIPYARD_HOME": str(self.home), "SHIPYARD_GATES_FILE": str(self.gates)}
        return subprocess.run(
            [sys.executable, "-m", "shipyard", "report", "coverage", *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            check=False,
            env=environ | (env or {}),
        )

    def last_gate(self) -> dict[str, object]:
        line = self.gates.read_text(encoding="utf-8").splitlines()[-1]
        result: dict[str, object] = json.loads(line)
        return result


@pytest.fixture
def project(tmp_path: Path) -> Project:
    root = tmp_path / "sample"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "grades.py").write_text(GRADES)
    (root / "check.py").write_text(FIRST_CHECK)
    (root / "pyproject.toml").write_text(PYPROJECT)
    (root / ".gitignore").write_text(".coverage\nhtmlcov/\ncoverage.svg\n*.json\n*.md\n")
    made = Project(root, tmp_path / "home", tmp_path / "gates.jsonl")
    made.git("init", "-q", "-b", "main")
    return made


def test_save_then_report_the_change_on_a_branch(project: Project) -> None:
    first = project.commit("first")
    project.measure("check.py")
    saved = project.report("--save", "--min", "50")
    assert saved.returncode == 0, saved.stderr
    assert saved.stdout.splitlines()[-5:] == [
        "base: none (no result to compare with)",
        "html report: htmlcov/index.html",
        "badge: coverage.svg",
        f"saved: {first[:7]} in the local coverage store ({_store(project)})",
        "coverage gate passed: coverage 50.0% (min 50%)",
    ]
    assert (_store(project) / f"{first}.json").is_file()

    project.git("checkout", "-q", "-b", "feature")
    (project.root / "test_sample_grades.py").write_text(SECOND_TEST)
    project.commit("second")
    project.measure("-m", "pytest", "-q", "-p", "no:cacheprovider", "test_sample_grades.py")
    result = project.report("--base", "main", "--comment", "comment.md", "--json", "result.json")
    assert result.returncode == 1, result.stderr
    assert result.stdout == (
        "Name              Stmts   Miss Branch BrPart  Cover Change\n"
        "----------------------------------------------------------\n"
        "pkg/__init__.py       0      0      0      0 100.0%\n"
        "pkg/grades.py         8      1      4      1  83.3% +33.3%\n"
        "----------------------------------------------------------\n"
        "TOTAL                 8      1      4      1  83.3% +33.3%\n"
        "\n"
        f"base: {first[:7]} (merge base with main)\n"
        "html report: htmlcov/index.html\n"
        "badge: coverage.svg\n"
        "comment: comment.md\n"
        "json: result.json\n"
        "coverage gate failed: coverage 83.3% is below the minimum 85%\n"
    )
    assert project.last_gate() == {
        "name": "coverage",
        "passed": False,
        "summary": "coverage 83.3% is below the minimum 85%",
    }
    comment = (project.root / "comment.md").read_text(encoding="utf-8")
    assert comment.splitlines()[:3] == [
        "<!-- shipyard-coverage -->",
        "## Coverage: 83.3% (+33.3%)",
        "",
    ]
    assert "| `pkg/grades.py` | 83.3% | +33.3% |" in comment
    document = json.loads((project.root / "result.json").read_text(encoding="utf-8"))
    assert document["commit"] == project.git("rev-parse", "HEAD")
    assert document["base"]["commit"] == first
    assert document["base"]["found"] == "merge-base"
    assert document["change"]["total"] == pytest.approx(33.3)
    assert document["total"]["display"] == "83.3"
    assert document["minimum"] == 85.0
    assert "grades_py.html" in " ".join(p.name for p in (project.root / "htmlcov").iterdir())
    badge = ElementTree.parse(project.root / "coverage.svg").getroot()
    assert badge.get("aria-label") == "coverage: 83%"


def _store(project: Project) -> Path:
    folders = list((project.home / "coverage").iterdir())
    assert len(folders) == 1
    assert folders[0].name.startswith("sample-")
    return folders[0]


@pytest.mark.parametrize(
    ("options", "code", "last_line"),
    [
        (["--min", "83.3"], 0, "coverage gate passed: coverage 83.3% (min 83.3%)"),
        (["--min", "83.4"], 1, "coverage gate failed: coverage 83.3% is below the minimum 83.4%"),
        (
            ["--min", "83.34"],
            1,
            "coverage gate failed: coverage 83.33% is below the minimum 83.34%",
        ),
        (["--min", "83.33"], 0, "coverage gate passed: coverage 83.33% (min 83.33%)"),
        ([], 1, "coverage gate failed: coverage 83.3% is below the minimum 85%"),
    ],
)
def test_gate_around_the_minimum(
    project: Project, options: list[str], code: int, last_line: str
) -> None:
    (project.root / "check.py").write_text(FIRST_CHECK + "grade(80)\n")
    project.measure("check.py")
    result = project.report("--html", "", "--badge", "", *options)
    assert result.returncode == code, result.stderr
    assert result.stdout.splitlines()[-1] == last_line
    assert project.last_gate()["passed"] is (code == 0)
    assert not (project.root / "htmlcov").exists()


def test_missing_data_fails_the_gate_with_a_hint(project: Project) -> None:
    result = project.report()
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "error: no coverage data: .coverage not found\n\n"
        "hint: run the tests under coverage first (`coverage run -m pytest`), "
        "or pass --data, --xml or --json-in\n"
    )
    assert project.last_gate() == {
        "name": "coverage",
        "passed": False,
        "summary": "no coverage data: .coverage not found",
    }


def test_bad_minimum_is_a_command_line_error(project: Project) -> None:
    result = project.report("--min", "120")
    assert result.returncode == 2
    assert "argument --min: expected a number from 0 to 100, not '120'" in result.stderr


def test_ancestor_fallback_and_parent_on_the_base_branch(project: Project) -> None:
    first = project.commit("first")
    project.measure("check.py")
    assert project.report("--save", "--html", "", "--badge", "").returncode == 1
    (project.root / "check.py").write_text(FIRST_CHECK + "grade(80)\n")
    project.commit("second, not saved")
    project.git("checkout", "-q", "-b", "feature")
    (project.root / "README").write_text("feature\n")
    project.commit("third")
    project.measure("check.py")
    on_feature = project.report("--html", "", "--badge", "", "--min", "80")
    assert on_feature.returncode == 0, on_feature.stderr
    assert f"base: {first[:7]} (newest stored ancestor)" in on_feature.stdout.splitlines()
    assert "TOTAL                 8      1      4      1  83.3% +33.3%" in on_feature.stdout

    project.git("checkout", "-q", "main")
    project.git("commit", "-q", "--allow-empty", "-m", "fourth")
    assert project.report("--save", "--html", "", "--badge", "").returncode == 1
    project.git("commit", "-q", "--allow-empty", "-m", "fifth")
    fourth = project.git("rev-parse", "HEAD^")
    on_main = project.report("--html", "", "--badge", "", "--base", "main")
    assert f"base: {fourth[:7]} (parent of HEAD)" in on_main.stdout.splitlines()
    assert "TOTAL                 8      1      4      1  83.3%  ±0.0%" in on_main.stdout


def test_xml_json_inputs_and_base_json(project: Project) -> None:
    project.measure("check.py")
    coverage = [sys.executable, "-m", "coverage"]
    subprocess.run([*coverage, "xml", "-q", "-o", "cov.xml"], cwd=project.root, check=True)
    subprocess.run([*coverage, "json", "-q", "-o", "cov.json"], cwd=project.root, check=True)
    from_xml = project.report("--xml", "cov.xml", "--json", "base.json", "--html", "htmlcov")
    assert "TOTAL                 8      3      4      1  50.0%" in from_xml.stdout
    assert "html report" not in from_xml.stdout  # the HTML report needs the data file
    (project.root / "check.py").write_text(FIRST_CHECK + "grade(80)\n")
    project.measure("check.py")
    subprocess.run([*coverage, "json", "-q", "-o", "cov.json"], cwd=project.root, check=True)
    result = project.report("--json-in", "cov.json", "--base-json", "base.json", "--badge", "")
    assert result.stdout.splitlines()[-3:] == [
        "",
        "base: base.json (given with --base-json)",
        "coverage gate failed: coverage 83.3% is below the minimum 85%",
    ]
    assert "+33.3%" in result.stdout
    summary = project.root / "summary.md"
    project.report("--json-in", "cov.json", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert summary.read_text(encoding="utf-8").startswith(
        "## Coverage\n\n**83.3%** · minimum 85%: ❌ failed\n"
    )


def test_a_local_clone_files_results_under_its_origin(project: Project) -> None:
    # A `shipyard run` workspace is a clone whose origin is the developer's folder.
    first = project.commit("first")
    clone = project.root.parent / "workspace"
    subprocess.run(
        ["git", "clone", "-q", "--shared", str(project.root), str(clone)],
        check=True,
        capture_output=True,
    )
    (clone / "pyproject.toml").write_text(PYPROJECT)
    workspace = Project(clone, project.home, project.gates)
    workspace.measure("check.py")
    assert workspace.report("--save", "--html", "", "--badge", "").returncode == 1
    assert (_store(project) / f"{first}.json").is_file()


def test_totals_are_coverage_reports_own(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    import coverage

    from shipyard.tools.coverage_data import load_data_file

    (project.root / "check.py").write_text(FIRST_CHECK + "grade(80)\n")
    project.measure("check.py")
    monkeypatch.chdir(project.root)
    result = load_data_file(Path(".coverage"))
    cov = coverage.Coverage(data_file=".coverage")
    cov.load()
    assert result.percent == cov.report(file=io.StringIO())
    assert [f.path for f in result.files] == ["pkg/__init__.py", "pkg/grades.py"]
    assert (result.precision, result.branch) == (0, True)


def test_parallel_data_files_need_combining(project: Project) -> None:
    (project.root / ".coverage.host.123").write_text("")
    result = project.report()
    assert result.returncode == 1
    assert result.stderr == (
        "error: no coverage data: .coverage not found\n\n"
        "hint: combine the parallel data files first: `coverage combine` (.coverage.host.123)\n"
    )


def test_unreadable_data_file(project: Project) -> None:
    (project.root / ".coverage").write_text("not a database\n")
    result = project.report()
    assert result.returncode == 1
    assert result.stderr.startswith(
        "error: cannot read coverage data .coverage: Couldn't use data file "
    )
    assert project.last_gate()["passed"] is False


def test_unknown_base_ref(project: Project) -> None:
    project.commit("first")
    project.measure("check.py")
    result = project.report("--base", "nope", "--html", "", "--badge", "")
    assert result.returncode == 1
    assert result.stderr == (
        "error: unknown base ref 'nope'\n\nhint: pass a branch, tag or commit\n"
    )
    assert project.last_gate() == {
        "name": "coverage",
        "passed": False,
        "summary": "unknown base ref 'nope'",
    }
