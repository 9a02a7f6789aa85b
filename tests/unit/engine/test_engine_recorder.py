"""The recorder writes on its own thread, in order, snapshotting reports when asked."""

from __future__ import annotations

import threading
from datetime import datetime, timezone
from typing import Any

import pytest

from shipyard import valueclass
from shipyard.engine.observer import JobReport, StepReport
from shipyard.engine.recorder import Recorder
from shipyard.testing.fake_store import FakeStore


def _recorder() -> tuple[FakeStore, Recorder, int]:
    store = FakeStore()
    run_id = store.create_run(
        "/repo", "push", "refs/heads/main", "0" * 40, datetime.now(timezone.utc)
    )
    workflow = store.add_workflow(run_id, ".github/workflows/ci.yml", "CI")
    return store, Recorder(store, run_id, {".github/workflows/ci.yml": workflow}), run_id


def _job() -> JobReport:
    return JobReport(
        key="0:build#0",
        workflow_path=".github/workflows/ci.yml",
        job_id="build",
        name="build",
        matrix=None,
    )


def test_everything_is_written_once_closed() -> None:
    store, recorder, run_id = _recorder()
    job = _job()
    job.started = 1_700_000_000.0
    recorder.job_started(job)
    step = StepReport(number=1, id="hello", name="Run echo hello", started=job.started)
    recorder.step_started(job, step)
    recorder.log(job, "hello")
    step.outcome = step.conclusion = "success"
    step.ended = job.started + 1
    recorder.step_finished(job, step)
    job.result, job.ended = "success", job.started + 2
    recorder.job_finished(job)
    recorder.close()
    detail = store.get_run(run_id)
    assert [(j.job_id, j.status, j.conclusion) for j in detail.jobs] == [
        ("build", "completed", "success")
    ]
    assert [(s.step_id, s.status, s.conclusion) for s in detail.steps] == [
        ("hello", "completed", "success")
    ]
    assert store.read_log(run_id, detail.jobs[0].pk) == ["hello"]


def test_a_report_changed_after_the_call_is_recorded_as_it_was() -> None:
    store, recorder, run_id = _recorder()
    job = _job()
    recorder.job_started(job)
    step = StepReport(number=1, id="s", name="first name")
    recorder.step_started(job, step)
    step.name = "changed later"
    recorder.close()
    assert [s.name for s in store.get_run(run_id).steps] == ["first name"]


def test_close_raises_the_first_failed_write_and_keeps_writing_the_rest() -> None:
    store, recorder, run_id = _recorder()
    stray = JobReport(
        key="0:stray#0", workflow_path="unknown.yml", job_id="stray", name="stray", matrix=None
    )
    recorder.job_started(stray)  # no workflow record for that path: the write fails
    recorder.job_started(_job())
    with pytest.raises(KeyError, match=r"unknown\.yml"):
        recorder.close()
    assert [j.job_id for j in store.get_run(run_id).jobs] == ["build"]


class _GatedStore(FakeStore):
    """Holds the writer in its first write until the test opens the gate; counts updates."""

    def __init__(self) -> None:
        super().__init__()
        self.entered = threading.Event()
        self.gate = threading.Event()
        self.updates: list[str] = []

    def add_job(self, *args: Any, **kwargs: Any) -> int:
        self.entered.set()
        self.gate.wait(5)
        return super().add_job(*args, **kwargs)

    def update_job(self, job_pk: int, **kwargs: Any) -> None:
        self.updates.append(f"job {kwargs['status']}")
        super().update_job(job_pk, **kwargs)

    def update_step(self, step_pk: int, **kwargs: Any) -> None:
        self.updates.append(f"step {kwargs['status']}")
        super().update_step(step_pk, **kwargs)


def test_a_writer_behind_skips_in_progress_updates_already_overtaken() -> None:
    store = _GatedStore()
    run_id = store.create_run(
        "/repo", "push", "refs/heads/main", "0" * 40, datetime.now(timezone.utc)
    )
    workflow = store.add_workflow(run_id, ".github/workflows/ci.yml", "CI")
    recorder = Recorder(store, run_id, {".github/workflows/ci.yml": workflow})
    first = _job()
    recorder.job_started(first)
    assert store.entered.wait(5)  # the writer took that alone and waits at the gate
    second = valueclass.replace(first, key="0:test#0", job_id="test", name="test")
    recorder.job_started(second)
    step = StepReport(number=1, id="s", name="s", outcome="success", conclusion="success")
    recorder.step_started(second, step)
    recorder.step_finished(second, step)
    recorder.job_finished(valueclass.replace(second, result="success"))
    store.gate.set()
    recorder.close()
    assert store.updates == ["job in_progress", "step completed", "job completed"]
    detail = store.get_run(run_id)
    assert [(j.job_id, j.status) for j in detail.jobs] == [
        ("build", "in_progress"),
        ("test", "completed"),
    ]
    assert [(s.step_id, s.status) for s in detail.steps] == [("s", "completed")]
