"""``shipyard gate`` as a real process, on runs recorded through the store and their gate files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest

from shipyard.reports.gates import GATES_FILE_ENV, GateResult
from shipyard.store.paths import repo_key, run_dir
from shipyard.store.sql import SqlStore
from shipyard.tools.gatefile import record_gate

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
TESTS_OK = GateResult("tests", True, "412 passed, 0 failed, 3 skipped across 4 configurations")
COVERAGE_LOW = GateResult("coverage", False, "coverage 74.0% (min 80%)")
QUALITY_OK = GateResult("quality", True, "no critical issue (12 findings)")


@dataclass(frozen=True)
class Project:
    home: Path
    repo: Path

    def gate(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k != GATES_FILE_ENV}
        return subprocess.run(
            [sys.executable, "-m", "shipyard", "gate", *args],
            capture_output=True,
            text=True,
            cwd=self.repo,
            env={**env, "SHIPYARD_HOME": str(self.home)},
            check=False,
        )


def record(path: Path, *results: GateResult) -> None:
    for result in results:
        record_gate(result, {GATES_FILE_ENV: str(path)})


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """Run 1 passed its gates; run 2 failed coverage (tests recorded twice, both passed: the
    last wins; a failed verdict would stick, see test_reports_gate_lines.py); run 3 recorded
    no gate."""
    root = tmp_path_factory.mktemp("gate")
    repo, home = root / "repo", root / "home"
    repo.mkdir()
    key = repo_key(repo)
    with SqlStore(home) as store:
        ids = [store.create_run(key, "push", "refs/heads/main", "abc", T0) for _ in range(3)]
    record(run_dir(home, ids[0]) / "gates.jsonl", QUALITY_OK, TESTS_OK)
    earlier_tests = GateResult("tests", True, "411 passed, 0 failed, 3 skipped")
    record(run_dir(home, ids[1]) / "gates.jsonl", earlier_tests, COVERAGE_LOW, TESTS_OK)
    return Project(home, repo)


def test_passing_run(project: Project) -> None:
    done = project.gate("1")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "gates of run 1:",
        "  PASS  tests    412 passed, 0 failed, 3 skipped across 4 configurations",
        "  PASS  quality  no critical issue (12 findings)",
        "verdict: PASS (2 gates passed)",
    ]


def test_failing_run_with_a_missing_required_gate(project: Project) -> None:
    done = project.gate("#2", "--require", "tests,security,coverage")
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "gates of run 2:",
        "  PASS     tests     412 passed, 0 failed, 3 skipped across 4 configurations",
        "  FAIL     coverage  coverage 74.0% (min 80%)",
        "  MISSING  security  required, not recorded",
        "verdict: FAIL (coverage failed; security missing)",
    ]


def test_required_gates_present(project: Project) -> None:
    assert project.gate("1", "--require", "tests,quality").returncode == 0
    done = project.gate("1", "--require", "all")
    assert done.returncode == 1
    assert done.stdout.splitlines()[-1] == (
        "verdict: FAIL (coverage, security, performance missing)"
    )


def test_json(project: Project) -> None:
    done = project.gate("latest", "--json", "--require", "tests")
    assert done.returncode == 1
    assert json.loads(done.stdout) == {
        "run": 3,
        "file": str(run_dir(project.home, 3) / "gates.jsonl"),
        "passed": False,
        "gates": [],
        "required": ["tests"],
        "missing": ["tests"],
    }
    ok = project.gate("1", "--json")
    assert ok.returncode == 0
    assert json.loads(ok.stdout)["gates"] == [TESTS_OK.to_json(), QUALITY_OK.to_json()]


def test_no_gate_recorded(project: Project) -> None:
    done = project.gate()  # latest: run 3
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == (
        "error: no gate recorded for run 3\n\nhint: report commands (`shipyard report tests`, "
        "…) record their gate when they run in a step of `shipyard run`\n"
    )


def test_gates_file(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "gates.jsonl"
    record(path, COVERAGE_LOW)
    done = project.gate("--file", str(path))
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        f"gates of {path}:",
        "  FAIL  coverage  coverage 74.0% (min 80%)",
        "verdict: FAIL (coverage failed)",
    ]
    assert json.loads(project.gate("--file", str(path), "--json").stdout)["run"] is None


def test_report_tests_then_gate(project: Project, tmp_path: Path) -> None:
    """The tests gate a report command records is the one ``shipyard gate`` reads."""
    junit = tmp_path / "junit-3.12" / "results.xml"
    junit.parent.mkdir()
    junit.write_text('<testsuite><testcase name="t" classname="c"/></testsuite>', "utf-8")
    gates = tmp_path / "gates.jsonl"
    env = {**os.environ, GATES_FILE_ENV: str(gates)}
    env.pop("GITHUB_STEP_SUMMARY", None)
    command = [sys.executable, "-m", "shipyard", "report", "tests", str(junit)]
    assert subprocess.run(command, env=env, capture_output=True, check=False).returncode == 0
    done = project.gate("--file", str(gates), "--require", "tests")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1:] == [
        "  PASS  tests  1 passed, 0 failed, 0 skipped across 1 configuration",
        "verdict: PASS (1 gate passed)",
    ]


NO_FILE = "error: no such file: nope.jsonl\n\nhint: --file takes a gates file\n"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["9"], 1, "error: no run 9 in {repo}\n\nhint: `shipyard runs` lists them\n"),
        (["--file", "nope.jsonl"], 1, NO_FILE),
        (["1", "--file", "x"], 2, "error: give a RUN or --file, not both\n"),
    ],
)
def test_errors(project: Project, args: list[str], code: int, message: str) -> None:
    done = project.gate(*args)
    assert (done.returncode, done.stderr) == (code, message.format(repo=repo_key(project.repo)))


def test_unknown_required_gate(project: Project) -> None:
    done = project.gate("--require", "tests,speed")
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (
        "shipyard gate: error: argument --require: unknown gate 'speed' "
        "(gates: tests, coverage, quality, security, performance, or all)"
    )
