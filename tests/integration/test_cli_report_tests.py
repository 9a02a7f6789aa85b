"""``shipyard report tests`` as a real process, on JUnit files a real pytest run wrote."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

TINY_TESTS = """\
import pytest


@pytest.fixture
def database():
    raise ConnectionError("database is down")


def test_adds():
    assert 1 + 1 == 2


def test_subtracts():
    assert 3 - 1 == 1, "subtraction is off"


@pytest.mark.skip(reason="needs a GPU")
def test_trains():
    pass


def test_queries(database):
    pass
"""

PASSING_TESTS = """\
def test_one():
    assert True


def test_two():
    assert "a" in "abc"
"""


def pytest_junit(folder: Path, source: str, target: Path) -> None:
    """Run pytest on ``source`` in ``folder``, writing JUnit XML to ``target``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "test_tiny.py").write_text(source, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={target}"],
        cwd=folder,
        env=env,
        capture_output=True,
        check=False,
    )
    assert target.is_file()


def shipyard(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("GITHUB_STEP_SUMMARY", "SHIPYARD_GATES_FILE")
    }
    return subprocess.run(
        [sys.executable, "-m", "shipyard", "report", "tests", *args],
        cwd=cwd,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The downloaded artifacts of a two-leg matrix: one leg failing, one passing."""
    root = tmp_path_factory.mktemp("report-tests")
    pytest_junit(root / "leg1", TINY_TESTS, root / "artifacts/junit-3.11-ubuntu-latest/results.xml")
    pytest_junit(
        root / "leg2", PASSING_TESTS, root / "artifacts/junit-3.12-windows-latest/results.xml"
    )
    return root


def test_failing_matrix(artifacts: Path) -> None:
    summary, gates = artifacts / "summary.md", artifacts / "gates.jsonl"
    summary.write_text("# before\n", encoding="utf-8")
    done = shipyard(
        artifacts,
        "artifacts/**/*.xml",
        "--json",
        "out/tests.json",
        GITHUB_STEP_SUMMARY=str(summary),
        SHIPYARD_GATES_FILE=str(gates),
    )
    assert done.returncode == 1, done.stderr
    verdict = (
        "3 passed, 1 failed, 1 error, 1 skipped across 2 configurations; failing: "
        "test_tiny.test_subtracts in 3.11-ubuntu-latest (AssertionError: subtraction is off), "
        'test_tiny.test_queries in 3.11-ubuntu-latest (failed on setup with "ConnectionError: '
        'database is down")'
    )
    lines = done.stdout.splitlines()
    assert lines[0] == "configuration        passed  failed  skipped  errors   time"
    assert lines[1].split()[:5] == ["3.11-ubuntu-latest", "1", "1", "1", "1"]
    assert lines[2].split()[:5] == ["3.12-windows-latest", "2", "0", "0", "0"]
    assert lines[3].split()[:5] == ["total", "3", "1", "1", "1"]
    assert lines[4:11] == [
        "",
        "failed: test_tiny.test_subtracts in 3.11-ubuntu-latest",
        "  AssertionError: subtraction is off",
        "  assert (3 - 1) == 1",
        "",
        "error: test_tiny.test_queries in 3.11-ubuntu-latest",
        '  failed on setup with "ConnectionError: database is down"',
    ]
    assert lines[-1] == f"FAIL tests: {verdict}"
    assert done.stderr == ""

    assert json.loads(gates.read_text(encoding="utf-8")) == {
        "name": "tests",
        "passed": False,
        "summary": verdict,
    }
    markdown = summary.read_text(encoding="utf-8")
    assert markdown.startswith("# before\n## Tests\n\n❌ **tests failed**: ")
    assert "| 3.12-windows-latest | 2 | 0 | 0 | 0 |" in markdown
    assert "<code>test_tiny.test_subtracts</code> in 3.11-ubuntu-latest" in markdown
    assert "E       AssertionError: subtraction is off" in markdown

    result = json.loads((artifacts / "out/tests.json").read_text(encoding="utf-8"))
    assert result["gate"] == {"name": "tests", "passed": False, "summary": verdict}
    totals = result["totals"]
    assert {k: v for k, v in totals.items() if k != "time"} == {
        "configurations": 2,
        "tests": 6,
        "passed": 3,
        "failed": 1,
        "skipped": 1,
        "errors": 1,
    }
    first = result["configurations"][0]
    assert first["name"] == "3.11-ubuntu-latest"
    assert first["files"] == [os.path.join("artifacts", "junit-3.11-ubuntu-latest", "results.xml")]
    failures = first["failures"]
    assert [(f["test"], f["outcome"]) for f in failures] == [
        ("test_tiny.test_subtracts", "failed"),
        ("test_tiny.test_queries", "error"),
    ]
    assert failures[0]["message"] == "AssertionError: subtraction is off\nassert (3 - 1) == 1"
    assert failures[0]["text"].endswith("test_tiny.py:14: AssertionError")
    assert result["configurations"][1]["failures"] == []


def test_passing_configuration_by_folder_and_name(artifacts: Path) -> None:
    done = shipyard(
        artifacts, "artifacts/junit-3.12-windows-latest", "--name", "*windows*=py3.12 on Windows"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == (
        "PASS tests: 2 passed, 0 failed, 0 skipped across 1 configuration"
    )
    assert done.stdout.splitlines()[1].startswith("py3.12 on Windows  ")


def test_name_from_file(artifacts: Path, tmp_path: Path) -> None:
    source = artifacts / "artifacts/junit-3.12-windows-latest/results.xml"
    (tmp_path / "junit-py3.13.xml").write_bytes(source.read_bytes())
    done = shipyard(tmp_path, "junit-py3.13.xml", "--name-from", "file")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1].split()[0] == "py3.13"


def test_missing_inputs_fail_the_gate(tmp_path: Path) -> None:
    gates = tmp_path / "gates.jsonl"
    done = shipyard(tmp_path, "junit-*/results.xml", "nope.xml", SHIPYARD_GATES_FILE=str(gates))
    assert done.returncode == 1
    assert done.stdout == ""
    problem = "no JUnit file matches junit-*/results.xml; no such file: nope.xml"
    assert done.stderr == (
        f"error: {problem}\n\nhint: the test jobs may have stopped before writing their "
        "results, or their artifacts were not downloaded; pytest writes them with "
        "`pytest --junitxml=PATH`\n"
    )
    assert json.loads(gates.read_text(encoding="utf-8")) == {
        "name": "tests",
        "passed": False,
        "summary": f"no test results: {problem}",
    }
    (tmp_path / "empty").mkdir()
    assert shipyard(tmp_path, "empty").stderr.startswith("error: no .xml file in empty\n")


def test_invalid_file(tmp_path: Path) -> None:
    (tmp_path / "results.xml").write_text("<testsuites><testsuite>", encoding="utf-8")
    done = shipyard(tmp_path, "results.xml")
    assert done.returncode == 1
    assert done.stderr.startswith(
        "error: results.xml (Line: 1, Col: 24): invalid XML: no element found\n\nhint: "
    )


def test_zero_tests_fail(tmp_path: Path) -> None:
    pytest_junit(tmp_path / "empty", "", tmp_path / "junit-3.11/results.xml")
    done = shipyard(tmp_path, "junit-3.11/results.xml")
    assert done.returncode == 1
    assert done.stdout.splitlines()[-1] == (
        "FAIL tests: no test ran: 0 passed, 0 failed, 0 skipped across 1 configuration"
    )


def test_bad_command_line(tmp_path: Path) -> None:
    done = shipyard(tmp_path, "x.xml", "--name", "oops")
    assert done.returncode == 2
    assert "argument --name: expected PATTERN=NAME, not 'oops'" in done.stderr
