"""Regressions the e2e scenarios found in the engine, pinned at the engine's own level.

Jobs run through :class:`~shipyard.engine.run.RunEngine` on the fake backend (no process
starts), on workflows read from a temporary folder.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from shipyard.backends.base import Backend, ExecRequest
from shipyard.diagnostics import Severity
from shipyard.engine.events import LocalEvent
from shipyard.engine.observer import JobReport, StepReport
from shipyard.engine.run import RunEngine, RunResult, WorkflowRun, workflow_github
from shipyard.engine.settings import RunSettings
from shipyard.repository import local_workflow_fetcher
from shipyard.testing.fake_backend import FakeBackend, FakeRun, script_text
from shipyard.workflow.reader import parse_workflow
from shipyard.workflow.triggers import Event


class Observer:
    """Keeps what the engine reports."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.started: list[JobReport] = []
        self.finished: list[JobReport] = []
        self.lines: list[tuple[str, str]] = []

    def job_started(self, report: JobReport) -> None:
        with self.lock:
            self.started.append(report)

    def step_started(self, report: JobReport, step: StepReport) -> None:
        pass

    def log(self, report: JobReport, line: str) -> None:
        with self.lock:
            self.lines.append((report.key, line))

    def step_finished(self, report: JobReport, step: StepReport) -> None:
        pass

    def job_finished(self, report: JobReport) -> None:
        with self.lock:
            self.finished.append(report)


def run_workflow(
    tmp_path: Path,
    files: dict[str, str],
    backend: Callable[[], Backend],
    local_actions: dict[str, Path] | None = None,
) -> tuple[RunResult, Observer]:
    for name, text in files.items():
        path = tmp_path / ".github" / "workflows" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    main = next(iter(files))
    workflow = parse_workflow(
        files[main], f".github/workflows/{main}", fetch=local_workflow_fetcher(tmp_path)
    )
    assert all(d.severity is not Severity.ERROR for d in workflow.diagnostics)
    github = {"sha": "0" * 40, "ref": "refs/heads/main", "event_name": "push"}
    event = LocalEvent(Event("push", ref="refs/heads/main"), {}, github)
    settings = RunSettings(
        repo=tmp_path,
        run_id=1,
        run_number=1,
        run_dir=tmp_path / "run",
        data_dir=tmp_path / "data",
        event=event,
        backend_factory=backend,
        local_actions=local_actions or {},
    )
    run = WorkflowRun(
        index=0, workflow=workflow, github=workflow_github(settings, workflow, event), inputs={}
    )
    observer = Observer()
    result = RunEngine(settings, [run], observer, max_jobs=4).run()
    return result, observer


def by_id(result: RunResult) -> dict[str, JobReport]:
    return {r.job_id: r for w in result.workflows for r in w.reports}


def test_step_summaries_are_kept_under_the_number_of_the_step_that_wrote_them(
    tmp_path: Path,
) -> None:
    workflow = """\
on: push
jobs:
  job:
    runs-on: ubuntu-latest
    steps:
      - run: write first
      - run: quiet
      - run: write third
"""

    def script(request: ExecRequest) -> FakeRun:
        text = script_text(request).strip()
        if text.startswith("write"):
            Path(request.env["GITHUB_STEP_SUMMARY"]).write_text(f"# {text}\n")
        return FakeRun()

    result, _ = run_workflow(tmp_path, {"s.yml": workflow}, lambda: FakeBackend(script))
    summaries = by_id(result)["job"].summaries
    assert [(n, text.strip()) for n, text in summaries] == [
        (1, "# write first"),
        (3, "# write third"),
    ]


def test_always_steps_run_after_the_job_timed_out(tmp_path: Path) -> None:
    workflow = """\
on: push
jobs:
  job:
    runs-on: ubuntu-latest
    timeout-minutes: 0.005
    steps:
      - run: slow
      - run: skipped
      - if: always()
        run: cleanup
"""
    script = {"slow": FakeRun(delay=10), "cleanup": FakeRun(), "skipped": FakeRun()}
    result, _ = run_workflow(tmp_path, {"t.yml": workflow}, lambda: FakeBackend(script))
    job = by_id(result)["job"]
    assert job.result == "cancelled"  # as GitHub reports a job that timed out
    assert [(s.outcome, s.conclusion) for s in job.steps] == [
        ("cancelled", "cancelled"),
        ("skipped", "skipped"),
        ("success", "success"),
    ]
    assert [a.message for a in job.annotations] == [
        "The job has exceeded the maximum execution time of 300ms",
        "The operation was canceled.",
    ]


CALLER = """\
on: push
jobs:
  one:
    uses: ./.github/workflows/called.yml
  two:
    uses: ./.github/workflows/called.yml
"""
CALLED = """\
on:
  workflow_call:
    outputs:
      where:
        value: ${{ jobs.work.outputs.where }}
jobs:
  work:
    runs-on: ubuntu-latest
    outputs:
      where: ${{ steps.w.outputs.where }}
    steps:
      - id: w
        run: where
"""


def test_two_calls_of_one_workflow_get_their_own_keys_folders_and_outputs(tmp_path: Path) -> None:
    workspaces: list[str] = []

    def script(request: ExecRequest) -> FakeRun:
        workspaces.append(request.cwd)
        Path(request.env["GITHUB_OUTPUT"]).write_text(f"where={request.cwd}\n")
        return FakeRun()

    files = {"caller.yml": CALLER, "called.yml": CALLED}
    result, observer = run_workflow(tmp_path, files, lambda: FakeBackend(script))
    jobs = by_id(result)
    assert sorted(jobs) == ["one", "one/work", "two", "two/work"]
    assert jobs["one/work"].key == "0:one#0/work#0"
    assert jobs["two/work"].key == "0:two#0/work#0"
    assert len(set(workspaces)) == 2
    assert {jobs["one"].outputs["where"], jobs["two"].outputs["where"]} == set(workspaces)
    seen = {(r.key, r.job_id, r.workflow_path) for r in observer.started}
    assert seen == {
        ("0:one#0/work#0", "one/work", ".github/workflows/caller.yml"),
        ("0:two#0/work#0", "two/work", ".github/workflows/caller.yml"),
    }


def test_a_crash_in_the_job_runner_fails_the_job_with_a_message(tmp_path: Path) -> None:
    workflow = """\
on: push
jobs:
  job:
    runs-on: ubuntu-latest
    steps:
      - run: anything
  after:
    needs: job
    runs-on: ubuntu-latest
    steps:
      - run: anything
"""

    def broken() -> Any:
        raise RuntimeError("no backend today")

    result, observer = run_workflow(tmp_path, {"c.yml": workflow}, broken)
    jobs = by_id(result)
    assert jobs["job"].result == "failure"
    assert jobs["after"].result == "skipped"
    assert [a.message for a in jobs["job"].annotations] == [
        "Shipyard failed running this job (a bug in Shipyard): RuntimeError('no backend today')"
    ]
    assert any("RuntimeError: no backend today" in line for _key, line in observer.lines)
    assert result.conclusion == "failure"


COMPOSITE = """\
name: two steps
description: d
outputs:
  first:
    description: d
    value: ${{ steps.one.outputs.a }}
  leaked:
    description: d
    value: ${{ steps.two.outputs.a }}
runs:
  using: composite
  steps:
    - id: one
      shell: bash
      run: first
    - id: two
      shell: bash
      run: second
"""


def test_composite_steps_read_their_own_files_once(tmp_path: Path) -> None:
    action = tmp_path / "action"
    action.mkdir()
    (action / "action.yml").write_text(COMPOSITE)
    workflow = """\
on: push
jobs:
  job:
    runs-on: ubuntu-latest
    outputs:
      first: ${{ steps.c.outputs.first }}
      leaked: ${{ steps.c.outputs.leaked }}
    steps:
      - id: c
        uses: acme/two@v1
"""

    def script(request: ExecRequest) -> FakeRun:
        if script_text(request).strip() == "first":
            Path(request.env["GITHUB_OUTPUT"]).write_text("a=1\n")
            Path(request.env["GITHUB_STEP_SUMMARY"]).write_text("# once\n")
        return FakeRun()

    result, _ = run_workflow(
        tmp_path, {"c.yml": workflow}, lambda: FakeBackend(script), {"acme/two@v1": action}
    )
    job = by_id(result)["job"]
    assert job.result == "success"
    assert job.outputs == {"first": "1", "leaked": ""}
    assert [(n, text.strip()) for n, text in job.summaries] == [(1, "# once")]
