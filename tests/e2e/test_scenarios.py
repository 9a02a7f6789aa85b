"""End-to-end scenarios: real ``shipyard run`` processes on real git repositories.

Each folder under ``scenarios/`` is a repository's files plus ``expected.json`` (the format
is in ``README.md``). For each one the harness copies the files into a temporary folder,
makes a git repository with one commit, runs the ``setup`` commands, runs
``python -m shipyard run --no-live --report-json … --env SCRATCH=…`` and checks the exit
code, the report's jobs, outputs and steps, the strings expected on stdout/stderr and in
``shipyard logs 1``, the marker files in the scratch folder, and that the repository was
left as it was. The workflows check themselves in their ``run:`` steps, so a wrong engine
fails a job and the job's expected result catches it.

Scenarios are independent (own folder, own ``SHIPYARD_HOME``), so they run in parallel: a
module fixture starts every selected scenario on a small thread pool and each test waits
for its own (``SHIPYARD_E2E_WORKERS`` sets the pool's size, default 4).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

SCENARIOS = Path(__file__).parent / "scenarios"
WORKERS = int(os.environ.get("SHIPYARD_E2E_WORKERS", "4"))
RUN_TIMEOUT = 120.0
KEYS = frozenset(
    {
        "description",
        "setup",
        "args",
        "exit_code",
        "conclusion",
        "workflows",
        "jobs",
        "outputs",
        "steps",
        "stdout_contains",
        "stdout_excludes",
        "stderr_contains",
        "stderr_excludes",
        "logs_contain",
        "logs_exclude",
        "show_contains",
        "scratch_present",
        "scratch_absent",
        "xfail",
    }
)
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@t",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@t",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_CONFIG_NOSYSTEM": "1",
}
PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"  # an interpreter surely here
LEAK = "SHIPYARD_E2E_HOST_ONLY"  # set in shipyard's environment; steps must not see it


def _expected(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SCENARIOS / name / "expected.json").read_text("utf-8"))
    return data


def _params() -> list[Any]:
    params = []
    for folder in sorted(SCENARIOS.iterdir()):
        if not (folder / "expected.json").is_file():
            continue
        reason = _expected(folder.name).get("xfail")
        marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
        params.append(pytest.param(folder.name, marks=marks, id=folder.name))
    return params


@dataclass(frozen=True)
class Outcome:
    """What one scenario's run left."""

    root: Path
    repo: Path
    scratch: Path
    exit_code: int
    stdout: str
    stderr: str
    report: dict[str, Any] | None
    logs: str
    show: str
    status_before: str
    status_after: str
    seconds: float

    def describe(self) -> str:
        return (
            f"exit code {self.exit_code} in {self.seconds:.1f}s\n"
            f"--- stdout ---\n{self.stdout}\n--- stderr ---\n{self.stderr}"
        )


def _environment(root: Path) -> dict[str, str]:
    drop = ("GITHUB_", "RUNNER_", "SHIPYARD_", "GIT_", "INPUT_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop) and k != "CI"}
    if "SHIPYARD_RUNTIME_DIR" in os.environ:  # this session's warm servers (tests/conftest.py)
        env["SHIPYARD_RUNTIME_DIR"] = os.environ["SHIPYARD_RUNTIME_DIR"]
    env.update(GIT_IDENTITY)
    env.update({"SHIPYARD_HOME": str(root / "home"), "TZ": "UTC", LEAK: "leaked"})
    return env


def _substitute(text: str, paths: Mapping[str, Path]) -> str:
    for key, path in paths.items():
        text = text.replace("{" + key + "}", str(path))
    return text.replace("{python}", PYTHON)


def _git(repo: Path, env: Mapping[str, str], *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=repo, env=dict(env), capture_output=True, text=True, check=True
    )
    return done.stdout


def _shipyard(repo: Path, env: Mapping[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "shipyard", *args],
        cwd=repo,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    return done.stdout + done.stderr


def run_scenario(name: str, root: Path) -> Outcome:
    """Make the scenario's repository and run ``shipyard run`` in it."""
    expected = _expected(name)
    unknown = set(expected) - KEYS
    assert not unknown, f"{name}/expected.json: unknown keys {sorted(unknown)}"
    repo, scratch = root / "repo", root / "scratch"
    shutil.copytree(
        SCENARIOS / name, repo, ignore=shutil.ignore_patterns("expected.json"), symlinks=True
    )
    scratch.mkdir()
    paths = {"repo": repo, "scratch": scratch, "root": root}
    env = _environment(root)
    _git(repo, env, "init", "-q", "-b", "main")
    _git(repo, env, "add", "-A")
    _git(repo, env, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "initial")
    for command in expected.get("setup", []):
        # the scenario file's own setup lines, written in shell syntax on purpose
        done = subprocess.run(  # nosec B602
            _substitute(command, paths),
            shell=True,
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, f"setup {command!r} failed:\n{done.stdout}{done.stderr}"
    status_before = _git(repo, env, "status", "--porcelain", "--untracked-files=all")
    report_path = root / "report.json"
    argv = [
        sys.executable,
        "-m",
        "shipyard",
        "run",
        "--no-live",
        "--report-json",
        str(report_path),
        "--env",
        f"SCRATCH={scratch}",
        *(_substitute(a, paths) for a in expected.get("args", [])),
    ]
    begin = time.monotonic()
    done = subprocess.run(
        argv, cwd=repo, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False
    )
    seconds = time.monotonic() - begin
    report = json.loads(report_path.read_text("utf-8")) if report_path.exists() else None
    logs = show = ""
    if expected.get("logs_contain") or expected.get("logs_exclude"):
        logs = _shipyard(repo, env, "logs", "1")
    if expected.get("show_contains"):
        show = _shipyard(repo, env, "show", "1")
    return Outcome(
        root=root,
        repo=repo,
        scratch=scratch,
        exit_code=done.returncode,
        stdout=done.stdout,
        stderr=done.stderr,
        report=report,
        logs=logs,
        show=show,
        status_before=status_before,
        status_after=_git(repo, env, "status", "--porcelain", "--untracked-files=all"),
        seconds=seconds,
    )


@pytest.fixture(scope="module")
def outcomes(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Future[Outcome]]]:
    """Every selected scenario, started at once on a small pool."""
    selected = sorted(
        {
            item.callspec.params["name"]
            for item in request.session.items
            if hasattr(item, "callspec") and item.path == request.path
        }
    )
    with ThreadPoolExecutor(max_workers=max(1, WORKERS)) as pool:
        yield {
            name: pool.submit(run_scenario, name, tmp_path_factory.mktemp(name))
            for name in selected
        }


def display(value: object) -> str:
    """A matrix value as GitHub shows it in a job's name."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def job_key(job: Mapping[str, Any]) -> str:
    """``id``, or ``id (v1, v2)`` for a matrix combination.

    The values are those of the job's default name (``test (a, 1)``: GitHub's choice of
    values); for a job with a custom name, every matrix value in matrix order.
    """
    job_id, name, matrix = str(job["id"]), str(job["name"]), job.get("matrix")
    if not matrix:
        return job_id
    if name.startswith(f"{job_id} (") and name.endswith(")"):
        return name
    return f"{job_id} ({', '.join(display(v) for v in matrix.values())})"


def _jobs(report: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    jobs: dict[str, Mapping[str, Any]] = {}
    for workflow in report["workflows"]:
        for job in workflow["jobs"]:
            key = job_key(job)
            assert key not in jobs, f"two jobs in the report have the key {key!r}"
            jobs[key] = job
    return jobs


@pytest.mark.parametrize("name", _params())
def test_scenario(name: str, outcomes: dict[str, Future[Outcome]]) -> None:
    expected = _expected(name)
    outcome = outcomes[name].result()
    info = outcome.describe()
    assert outcome.exit_code == expected.get("exit_code", 0), info
    conclusion = expected.get("conclusion", "success")
    if conclusion is None:
        assert outcome.report is None, "no report expected\n" + info
    else:
        assert outcome.report is not None, "no report written\n" + info
        report = outcome.report
        assert report["conclusion"] == conclusion, info
        if "workflows" in expected:
            assert sorted(w["path"] for w in report["workflows"]) == sorted(
                expected["workflows"]
            ), info
        jobs = _jobs(report)
        results = {key: job["result"] for key, job in jobs.items()}
        assert results == expected.get("jobs", {}), info
        for key, outputs in expected.get("outputs", {}).items():
            assert dict(jobs[key]["outputs"]) == outputs, f"outputs of {key}\n{info}"
        for key, steps in expected.get("steps", {}).items():
            by_id = {s["id"]: s for s in jobs[key]["steps"] if s["id"]}
            for step_id, want in steps.items():
                step = by_id[step_id]
                assert f"{step['outcome']}/{step['conclusion']}" == want, f"{key}.{step_id}"
    for text in expected.get("stdout_contains", []):
        assert text in outcome.stdout, f"{text!r} not on stdout\n{info}"
    for text in expected.get("stdout_excludes", []):
        assert text not in outcome.stdout, f"{text!r} on stdout\n{info}"
    for text in expected.get("stderr_contains", []):
        assert text in outcome.stderr, f"{text!r} not on stderr\n{info}"
    for text in expected.get("stderr_excludes", []):
        assert text not in outcome.stderr, f"{text!r} on stderr\n{info}"
    for text in expected.get("logs_contain", []):
        assert text in outcome.logs, f"{text!r} not in shipyard logs\n{outcome.logs}"
    for text in expected.get("logs_exclude", []):
        assert text not in outcome.logs, f"{text!r} in shipyard logs\n{outcome.logs}"
    for text in expected.get("show_contains", []):
        assert text in outcome.show, f"{text!r} not in shipyard show\n{outcome.show}"
    for name_ in expected.get("scratch_present", []):
        assert (outcome.scratch / name_).exists(), f"scratch/{name_} missing\n{info}"
    for name_ in expected.get("scratch_absent", []):
        assert not (outcome.scratch / name_).exists(), f"scratch/{name_} exists\n{info}"
    assert outcome.status_after == outcome.status_before, "the run changed the repository"
