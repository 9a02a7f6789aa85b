"""``shipyard runs``, ``show`` and ``logs`` as real processes, on records made through the API."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from shipyard.store.paths import repo_key
from shipyard.store.sql import SqlStore

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
DEAD_PID = 2**31 - 1


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@dataclass(frozen=True)
class Project:
    home: Path
    repo: Path
    key: str

    def shipyard(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "SHIPYARD_HOME": str(self.home), "TZ": "UTC"}
        return subprocess.run(
            [sys.executable, "-m", "shipyard", *args],
            capture_output=True,
            text=True,
            cwd=cwd or self.repo,
            env=env,
            check=False,
        )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """Three runs in the repository (a finished one, an interrupted one, one still going)
    and one in another repository."""
    root = tmp_path_factory.mktemp("records")
    repo = root / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    key = repo_key(repo)
    with SqlStore(root / "home") as store:
        run = store.create_run(key, "push", "refs/heads/main", "0123456789abcdef", T0, pid=1)
        ci = store.add_workflow(run, ".github/workflows/ci.yml", "CI")
        lint = store.add_workflow(run, ".github/workflows/lint.yml", "Lint")
        store.update_workflow(ci, status="completed", conclusion="failure", completed_at=at(90))
        store.update_workflow(lint, status="completed", conclusion="success", completed_at=at(9))
        legs = [
            store.add_job(run, ci, f"test ({v})", "test", f"test ({v})", {"python": v})
            for v in ("3.11", "3.12")
        ]
        deploy = store.add_job(run, ci, "deploy", "deploy", "Deploy", None)
        ruff = store.add_job(run, lint, "ruff", "ruff", "Ruff", None)
        for leg, result in zip(legs, ("success", "failure"), strict=True):
            store.update_job(leg, status="in_progress", started_at=at(1), runner="host")
            checkout = store.add_step(leg, 1, "checkout", "Checkout")
            tests = store.add_step(leg, 2, "tests", "Run tests")
            store.update_step(checkout, status="completed", conclusion="success", started_at=at(1),
                              completed_at=at(3))  # fmt: skip
            store.update_step(tests, status="completed", conclusion=result, started_at=at(3),
                              completed_at=at(80))  # fmt: skip
            store.update_job(leg, status="completed", conclusion=result, completed_at=at(80))
            store.append_log(run, leg, [f"testing on {leg}", "done"])
        store.update_job(legs[0], status="completed", conclusion="success", outputs={"v": "1"})
        store.summary_path(run, legs[1], 2).write_text("## 3 failed\n")
        store.update_job(
            deploy, status="completed", conclusion="skipped", skip_reason="needs failed"
        )
        store.update_job(ruff, status="completed", conclusion="success", started_at=at(2),
                         completed_at=at(9))  # fmt: skip
        lenient = store.add_step(ruff, 1, "ruff", "ruff check")
        store.update_step(lenient, status="completed", outcome="failure", conclusion="success")
        store.append_log(run, ruff, ["All checks passed!"])
        store.add_annotation(run, legs[1], "error", "assert 1 == 2\nmore", file="t.py", line=4,
                             col=1, title="test_x")  # fmt: skip
        store.add_annotation(run, None, "warning", "Node 16 is deprecated")
        store.finish_run(run, "failure", at(90))

        dead = store.create_run(
            key, "workflow_dispatch", "refs/tags/v1", "fed", at(3600), pid=DEAD_PID
        )
        wf = store.add_workflow(dead, ".github/workflows/ci.yml", "CI")
        stuck = store.add_job(dead, wf, "build", "build", "build", None)
        store.update_job(stuck, status="in_progress", started_at=at(3601))
        store.create_run(key, "push", "refs/heads/dev", "aaa", at(7200), pid=os.getpid())
        store.create_run("/elsewhere", "push", "refs/heads/x", "bbb", at(9000))
    return Project(root / "home", repo, key)


RUNS_TABLE = """\
RUN  RESULT       EVENT              REF           WORKFLOWS  STARTED              DURATION
3    in_progress  push               dev           -          2024-05-01 14:00:00  -
2    interrupted  workflow_dispatch  refs/tags/v1  CI         2024-05-01 13:00:00  -
1    failure      push               main          CI, Lint   2024-05-01 12:00:00  1m 30s
"""


def test_runs_lists_this_repository(project: Project) -> None:
    proc = project.shipyard("runs")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, RUNS_TABLE, "")


def test_runs_all_limit_and_repo(project: Project, tmp_path: Path) -> None:
    proc = project.shipyard("runs", "--all", "--limit", "2")
    assert proc.stdout.splitlines() == [
        "RUN  RESULT       EVENT  REF  WORKFLOWS  STARTED              DURATION  REPO",
        "1    in_progress  push   x    -          2024-05-01 14:30:00  -         /elsewhere",
        f"3    in_progress  push   dev  -          2024-05-01 14:00:00  -         {project.key}",
    ]
    other = project.shipyard("runs", "--repo", str(project.repo), cwd=tmp_path)
    assert other.stdout == RUNS_TABLE
    empty = project.shipyard("runs", cwd=tmp_path)
    assert (empty.returncode, empty.stdout) == (0, "")
    assert empty.stderr == f"no runs in {repo_key(tmp_path)}\n\nhint: `shipyard run` starts one\n"


def test_runs_json(project: Project) -> None:
    runs = json.loads(project.shipyard("runs", "--json").stdout)
    assert [(r["number"], r["result"], r["interrupted"]) for r in runs] == [
        (3, "in_progress", False),
        (2, "interrupted", True),
        (1, "failure", False),
    ]
    assert runs[2] | {"id": 0} == {
        "id": 0,
        "number": 1,
        "repo": project.key,
        "event": "push",
        "ref": "refs/heads/main",
        "sha": "0123456789abcdef",
        "status": "completed",
        "conclusion": "failure",
        "result": "failure",
        "interrupted": False,
        "workflows": ["CI", "Lint"],
        "started_at": "2024-05-01T12:00:00Z",
        "completed_at": "2024-05-01T12:01:30Z",
        "duration": 90.0,
        "pid": 1,
    }


def test_show_a_run(project: Project) -> None:
    proc = project.shipyard("show", "1")
    logs = project.home / "runs" / "1" / "logs"
    assert proc.returncode == 0, proc.stderr
    assert (
        proc.stdout
        == f"""\
run 1: failure
  repo:     {project.key}
  event:    push on refs/heads/main at 0123456789ab
  started:  2024-05-01 12:00:00
  duration: 1m 30s

workflow CI (.github/workflows/ci.yml): failure
  job test (3.11): success in 1m 19s
    runner: host
    1. Checkout: success in 2s
    2. Run tests: success in 1m 17s
    outputs: v=1
    log: {logs / "1.log"}
  job test (3.12): failure in 1m 19s
    runner: host
    1. Checkout: success in 2s
    2. Run tests: failure in 1m 17s
    summary of step 2: {project.home / "runs" / "1" / "summaries" / "2-2.md"}
    log: {logs / "2.log"}
  job Deploy: skipped (needs failed)  [key: deploy]

workflow Lint (.github/workflows/lint.yml): success
  job Ruff: success in 7s  [key: ruff]
    1. ruff check: success (outcome: failure)
    log: {logs / "4.log"}

annotations:
  error in job test (3.12): t.py (Line: 4, Col: 1): test_x: assert 1 == 2
    more
  warning: Node 16 is deprecated
"""
    )


def test_show_an_interrupted_run_and_latest(project: Project) -> None:
    proc = project.shipyard("show", "2")
    assert proc.stdout.splitlines()[0] == "run 2: interrupted"
    assert "  job build: interrupted" in proc.stdout.splitlines()
    assert project.shipyard("show", "LAST").stdout.startswith("run 3: in_progress\n")


def test_show_json(project: Project) -> None:
    detail = json.loads(project.shipyard("show", "#1", "--json").stdout)
    assert detail["run"]["number"] == 1
    ci, lint = detail["workflows"]
    assert [j["key"] for j in ci["jobs"]] == ["test (3.11)", "test (3.12)", "deploy"]
    leg = ci["jobs"][1]
    assert (leg["matrix"], leg["result"], leg["duration"]) == ({"python": "3.12"}, "failure", 79.0)
    assert leg["log"] == str(project.home / "runs" / "1" / "logs" / "2.log")
    assert [s["summary"] is not None for s in leg["steps"]] == [False, True]
    assert lint["jobs"][0]["steps"][0] | {"started_at": None} == {
        "number": 1,
        "id": "ruff",
        "name": "ruff check",
        "status": "completed",
        "outcome": "failure",
        "conclusion": "success",
        "result": "success",
        "started_at": None,
        "completed_at": None,
        "duration": None,
        "summary": None,
    }
    assert [a["level"] for a in detail["annotations"]] == ["error", "warning"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("show", "7"), "no run 7 in {repo}\n\nhint: `shipyard runs` lists them"),
        (("logs", "7"), "no run 7 in {repo}\n\nhint: `shipyard runs` lists them"),
        (
            ("show", "seven"),
            "bad run 'seven'\n\nhint: pass a run number from `shipyard runs`, or latest",
        ),
        (("runs", "--limit", "-1"), "--limit must be 0 or more, not -1"),
        (
            ("logs", "1", "test"),
            "job 'test' is ambiguous in run 1: it matches 2 jobs\n\n"
            "hint: pick one of: 'test (3.11)', 'test (3.12)'",
        ),
        (
            ("logs", "1", "nope"),
            "no job 'nope' in run 1\n\n"
            "hint: jobs in run 1: 'test (3.11)', 'test (3.12)', Deploy, Ruff",
        ),
    ],
)
def test_errors(project: Project, args: tuple[str, ...], message: str) -> None:
    proc = project.shipyard(*args)
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr == f"error: {message.format(repo=project.key)}\n"


def test_logs_of_one_job(project: Project) -> None:
    proc = project.shipyard("logs", "1", "ci/TEST (3.12)")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "testing on 2\ndone\n", "")
    assert project.shipyard("logs", "1", "Ruff").stdout == "All checks passed!\n"
    # the name the summary table gives it works too
    assert project.shipyard("logs", "1", "CI / test (3.12)").stdout == "testing on 2\ndone\n"


def test_logs_of_all_jobs(project: Project) -> None:
    proc = project.shipyard("logs", "latest")
    assert (proc.returncode, proc.stdout) == (0, "run 3 has no jobs\n")
    proc = project.shipyard("logs", "1")
    assert proc.stdout == (
        "==> CI / test (3.11) <==\ntesting on 1\ndone\n\n"
        "==> CI / test (3.12) <==\ntesting on 2\ndone\n\n"
        "==> CI / Deploy <==\n(no output)\n\n"
        "==> Lint / Ruff <==\nAll checks passed!\n"
    )
