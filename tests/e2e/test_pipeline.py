"""The shipped pipeline end to end: `shipyard init --yes`, then `shipyard run --event pull_request`.

The sample project (`sample_project/`, package `calc`) is made into a repository and
initialised once (module fixture); each case copies that repository, makes one change on a
branch, and runs a real `python -m shipyard run --event pull_request --base main` process
narrowed to the workflows and jobs whose gates the case is about (the full run is
`test_full_pull_request_run`, only with `SHIPYARD_SLOW=1`; about 20 s on a 2-core machine).
The cases run in parallel threads, each with its own `SHIPYARD_HOME`.

"Exactly that gate" is checked on the report's `gates` list: the gate fails and no other gate
evaluated fails. Where a change could plausibly trip a second gate, the case runs that gate's
job too and asserts it passes: a failing test must not fail coverage (its coverage run goes
on), Bandit's finding is not a quality (ruff) finding, an undefined name in an uncalled
function leaves the tests passing. The passing case runs four gates; the performance gate
passing on unchanged code is the slowdown case's own comparison machinery, and the full
run (SHIPYARD_SLOW=1) checks all five.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

# Every job of the pipeline installs its packages with uv from PyPI (and each case's empty
# SHIPYARD_HOME installs uv itself): they run on request only, so that the default suite
# needs no network.
pytestmark = pytest.mark.skipif(
    not os.environ.get("SHIPYARD_PIPELINE"),
    reason="the pipeline end-to-end tests install packages from PyPI in every job; "
    "set SHIPYARD_PIPELINE=1 to run them",
)

SAMPLE = Path(__file__).parent / "sample_project"
WORKERS = int(os.environ.get("SHIPYARD_E2E_WORKERS", "3"))
WF = ".github/workflows/"

# A small offline OSV database: one advisory (CVSS 8.8, high) that the `advisory` case's pin
# hits, one about six fixed long before the sample's six 1.16.0 (must not be reported).
ADVISORIES = {
    "colorama/PYSEC-2099-1.yaml": """\
        id: PYSEC-2099-1
        summary: colorama before 0.4.7 runs arbitrary escape sequences (test fixture)
        details: A made-up advisory for Shipyard's end-to-end tests.
        affected:
        - package:
            name: colorama
            ecosystem: PyPI
            purl: pkg:pypi/colorama
          ranges:
          - type: ECOSYSTEM
            events:
            - introduced: "0"
            - fixed: 0.4.7
        severity:
        - type: CVSS_V3
          score: CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H
        modified: "2024-01-01T00:00:00Z"
        """,
    "six/PYSEC-2099-2.yaml": """\
        id: PYSEC-2099-2
        details: An old made-up advisory about six, fixed in 1.5.0 (test fixture).
        affected:
        - package:
            name: six
            ecosystem: PyPI
          ranges:
          - type: ECOSYSTEM
            events:
            - introduced: "0"
            - fixed: 1.5.0
        modified: "2024-01-01T00:00:00Z"
        """,
}


def _git_env(home: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GITHUB_", "RUNNER_", "SHIPYARD")) and k not in ("CI", "ACTIONS")
    }
    env.update(GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1", SHIPYARD_HOME=str(home))
    return env


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=repo,
        env=_git_env(repo.parent / "home"),
        check=True,
        capture_output=True,
    )


def _shipyard(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shipyard", *args],
        cwd=repo,
        env=_git_env(repo.parent / "home"),
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def initialised(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample project as a repository: `initial`, then `shipyard init --yes` committed."""
    root = tmp_path_factory.mktemp("pipeline-init")
    repo = root / "repo"
    shutil.copytree(SAMPLE, repo, ignore=shutil.ignore_patterns(".ruff_cache", "__pycache__"))
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "initial")
    done = _shipyard(repo, "init", "--yes")
    assert done.returncode == 0, done.stdout + done.stderr
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "shipyard init")
    return repo


@pytest.fixture(scope="module")
def vulndb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("vulndb")
    for name, text in ADVISORIES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@dataclass(frozen=True)
class Outcome:
    returncode: int
    report: dict[str, object]
    output: str

    @property
    def gates(self) -> dict[str, dict[str, object]]:
        gates = self.report.get("gates")
        assert isinstance(gates, list), self.output
        return {str(g["name"]): g for g in gates}

    def verdicts(self) -> dict[str, bool]:
        return {name: bool(g["passed"]) for name, g in self.gates.items()}

    def summary(self, gate: str) -> str:
        return str(self.gates[gate]["summary"])


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(textwrap.dedent(text))


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def change_nothing(repo: Path) -> None:
    _append(repo / "README.md", "\nA documentation-only change.\n")


def change_failing_test(repo: Path) -> None:
    _append(
        repo / "tests/test_calc.py",
        """

        def test_add_negative() -> None:
            assert calc.add(-2, -3) == -6
        """,
    )


def change_coverage_drop(repo: Path) -> None:
    _replace(repo / "pyproject.toml", "coverage-min = 80", "coverage-min = 99")
    done = _shipyard(repo, "init", "--yes")
    assert done.returncode == 0, done.stdout + done.stderr
    _append(
        repo / "src/calc/__init__.py",
        """

        def clamp(value: float, low: float, high: float) -> float:
            \"\"\"``value`` limited to ``[low, high]`` (not tested).\"\"\"
            if value < low:
                return low
            if value > high:
                return high
            return value
        """,
    )


def change_slowdown(repo: Path) -> None:
    # median sorts three times: the `bench_median` benchmark becomes about 3x slower
    _replace(
        repo / "src/calc/__init__.py",
        "    ordered = sorted(values)\n",
        "    for _ in range(3):\n        ordered = sorted(values)\n",
    )


def change_bandit(repo: Path) -> None:
    _replace(
        repo / "src/calc/__init__.py",
        "from collections.abc import Sequence\n",
        "import subprocess\nfrom collections.abc import Sequence\n",
    )
    _append(
        repo / "src/calc/__init__.py",
        """

        def run_command(cmd: str) -> int:
            \"\"\"Run ``cmd`` through the shell.\"\"\"
            return subprocess.call(cmd, shell=True)
        """,
    )


def change_advisory(repo: Path) -> None:
    _append(repo / "requirements.txt", "colorama==0.4.6\n")


def change_undefined_name(repo: Path) -> None:
    _append(
        repo / "src/calc/__init__.py",
        """

        def total(values: Sequence[float]) -> float:
            \"\"\"The sum of ``values``.\"\"\"
            return sum(values) + offset
        """,
    )


def _workflows(*names: str) -> list[str]:
    return [arg for name in names for arg in ("-W", WF + name)]


def _jobs(*names: str) -> list[str]:
    return [arg for name in names for arg in ("-j", name)]


TESTS = [*_workflows("1-tests.yml"), *_jobs("test", "test-summary")]
COVERAGE = [*_workflows("2-coverage.yml"), *_jobs("coverage")]
PERFORMANCE = [*_workflows("3-performance.yml"), *_jobs("benchmark")]
QUALITY = [*_workflows("4-code-quality.yml"), *_jobs("lint")]
SECURITY = [*_workflows("5-security.yml"), *_jobs("security-scan")]
ONE_PYTHON = ["--matrix", "python-version=3.12"]

CASES: dict[str, tuple[Callable[[Path], None], list[str]]] = {
    # the slowest first: they bound the wall time
    "slowdown": (change_slowdown, PERFORMANCE),
    "passing": (change_nothing, [*TESTS, *COVERAGE, *QUALITY, *SECURITY, *ONE_PYTHON]),
    "failing-test": (change_failing_test, [*TESTS, *COVERAGE, *ONE_PYTHON]),
    "coverage-drop": (change_coverage_drop, COVERAGE),
    "bandit": (change_bandit, [*QUALITY, *SECURITY]),
    "advisory": (change_advisory, SECURITY),
    "undefined-name": (change_undefined_name, [*TESTS, *QUALITY, *ONE_PYTHON]),
}


def run_case(initialised: Path, vulndb: Path, root: Path, name: str) -> Outcome:
    change, args = CASES[name]
    repo = root / "repo"
    shutil.copytree(initialised, repo, symlinks=True)
    (root / "home").mkdir()
    _git(repo, "checkout", "-q", "-b", f"change/{name}")
    change(repo)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", name)
    report = root / "report.json"
    done = _shipyard(
        repo,
        *("run", "--event", "pull_request", "--base", "main", "--no-live"),
        *("--report-json", str(report), "--var", f"SHIPYARD_VULNDB={vulndb}", *args),
    )
    output = f"--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
    assert report.is_file(), output
    if os.environ.get("SHIPYARD_E2E_SHOW"):
        print(name, json.loads(report.read_text())["gates"], file=sys.stderr)
    return Outcome(done.returncode, json.loads(report.read_text(encoding="utf-8")), output)


@pytest.fixture(scope="module")
def outcomes(
    initialised: Path, vulndb: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Future[Outcome]]]:
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = {
            name: pool.submit(
                run_case, initialised, vulndb, tmp_path_factory.mktemp(f"case-{name}"), name
            )
            for name in CASES
        }
        yield futures
        for future in futures.values():
            future.cancel()


def _outcome(outcomes: dict[str, Future[Outcome]], name: str) -> Outcome:
    return outcomes[name].result()


def test_passing_pull_request_passes_its_gates(outcomes: dict[str, Future[Outcome]]) -> None:
    done = _outcome(outcomes, "passing")
    assert done.verdicts() == {
        "tests": True,
        "coverage": True,
        "quality": True,
        "security": True,
    }, done.output
    assert done.returncode == 0, done.output
    assert done.report["conclusion"] == "success"
    assert done.summary("tests") == "8 passed, 0 failed, 0 skipped across 1 configuration"
    assert done.summary("coverage") == "coverage 100.0% (min 80%)"
    assert done.summary("quality") == "no critical issue (0 findings)"
    assert done.summary("security").startswith("no high or critical finding (0 findings, ")


def test_failing_test_fails_exactly_the_tests_gate(outcomes: dict[str, Future[Outcome]]) -> None:
    done = _outcome(outcomes, "failing-test")
    assert done.verdicts() == {"tests": False, "coverage": True}, done.output
    assert done.returncode == 1
    summary = done.summary("tests")
    assert summary.startswith("8 passed, 1 failed, 0 skipped across 1 configuration"), summary
    assert "test_add_negative" in summary, summary


def test_coverage_drop_fails_exactly_the_coverage_gate(
    outcomes: dict[str, Future[Outcome]],
) -> None:
    done = _outcome(outcomes, "coverage-drop")
    assert done.verdicts() == {"coverage": False}, done.output
    assert done.returncode == 1
    assert done.summary("coverage") == "coverage 88.4% is below the minimum 99%"


def test_slowdown_fails_exactly_the_performance_gate(
    outcomes: dict[str, Future[Outcome]],
) -> None:
    done = _outcome(outcomes, "slowdown")
    assert done.verdicts() == {"performance": False}, done.output
    assert done.returncode == 1
    assert "bench_median" in done.summary("performance"), done.summary("performance")


def test_bandit_finding_fails_exactly_the_security_gate(
    outcomes: dict[str, Future[Outcome]],
) -> None:
    done = _outcome(outcomes, "bandit")
    assert done.verdicts() == {"quality": True, "security": False}, done.output
    assert done.returncode == 1
    summary = done.summary("security")
    assert "high" in summary and "B602" in summary, summary


def test_known_advisory_fails_exactly_the_security_gate(
    outcomes: dict[str, Future[Outcome]],
) -> None:
    done = _outcome(outcomes, "advisory")
    assert done.verdicts() == {"security": False}, done.output
    assert done.returncode == 1
    summary = done.summary("security")
    assert "PYSEC-2099-1 in colorama 0.4.6" in summary, summary
    assert "PYSEC-2099-2" not in summary, summary


def test_undefined_name_fails_exactly_the_quality_gate(
    outcomes: dict[str, Future[Outcome]],
) -> None:
    done = _outcome(outcomes, "undefined-name")
    assert done.verdicts() == {"tests": True, "quality": False}, done.output
    assert done.returncode == 1
    summary = done.summary("quality")
    assert "offset" in summary or "F821" in summary, summary


@pytest.mark.skipif(
    not os.environ.get("SHIPYARD_SLOW"),
    reason="the whole pull-request pipeline takes about 20 s on 2 cores; set SHIPYARD_SLOW=1",
)
def test_full_pull_request_run(initialised: Path, vulndb: Path, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(initialised, repo, symlinks=True)
    (tmp_path / "home").mkdir()
    _git(repo, "checkout", "-q", "-b", "change/docs")
    change_nothing(repo)
    _git(repo, "commit", "-qam", "docs")
    report = tmp_path / "report.json"
    done = _shipyard(
        repo,
        *("run", "--event", "pull_request", "--base", "main", "--no-live"),
        *("--report-json", str(report), "--var", f"SHIPYARD_VULNDB={vulndb}"),
    )
    output = f"--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
    assert done.returncode == 0, output
    gates = json.loads(report.read_text(encoding="utf-8"))["gates"]
    assert {g["name"]: g["passed"] for g in gates} == {
        "tests": True,
        "coverage": True,
        "quality": True,
        "security": True,
        "performance": True,
    }, output
