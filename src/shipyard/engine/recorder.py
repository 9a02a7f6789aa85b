"""Keeps a run in the store as it happens: jobs, steps, logs, annotations, summaries.

A :class:`~shipyard.engine.observer.RunObserver` writing through the ``Store`` seam. Log
lines are buffered per job and written at each step's end, so a busy step costs no disk
write per line. The writes happen on a writer thread of the recorder's own, in the order
they were asked for: a job never waits for the disk (each SQLite commit is a sync), and
:meth:`Recorder.close` waits until everything is written. When the writer falls behind,
it takes what has queued up at once and skips the "in progress" update of a job or step
whose completion is already queued behind it (the records end the same; one sync fewer).
"""

from __future__ import annotations

import queue
import threading
from datetime import datetime, timezone
from typing import Any

from shipyard import valueclass
from shipyard.engine.observer import JobReport, StepReport

# (what, job, step, log lines): what is job_started, step_started, step_finished, job_finished
_Task = tuple[str, JobReport, StepReport | None, list[str]]


def _utc(moment: float | None) -> datetime | None:
    return None if moment is None else datetime.fromtimestamp(moment, tz=timezone.utc)


class Recorder:
    """Writes the run's progress to a store (thread-safe; see the module docstring)."""

    def __init__(self, store: Any, run_id: int, workflow_ids: dict[str, int]) -> None:
        self.store = store
        self.run_id = run_id
        self.workflow_ids = workflow_ids  # workflow path -> workflow record id
        self._jobs: dict[str, int] = {}
        self._steps: dict[tuple[str, int, bool], int] = {}
        self._lines: dict[str, list[str]] = {}
        self._lock = threading.Lock()
        self._tasks: queue.SimpleQueue[_Task | None] = queue.SimpleQueue()
        self._error: BaseException | None = None
        self._writer = threading.Thread(target=self._write, name="recorder", daemon=True)
        self._writer.start()

    # -- the writer thread -------------------------------------------------------------

    def _write(self) -> None:
        while True:
            batch = [self._tasks.get()]
            while not self._tasks.empty():
                batch.append(self._tasks.get_nowait())
            finished = {_entity(t) for t in batch if t is not None and t[0].endswith("finished")}
            for task in batch:
                if task is None:  # close(): nothing is queued behind it
                    return
                try:
                    self._apply(task, superseded=_entity(task) in finished)
                except BaseException as error:  # the first is re-raised by close()
                    self._error = self._error or error

    def _apply(self, task: _Task, *, superseded: bool) -> None:
        what, job, step, lines = task
        if what == "job_started":
            pk = self._job(job)
            if not superseded:
                self.store.update_job(pk, status="in_progress", started_at=_utc(job.started))
        elif what == "step_started":
            assert step is not None
            self._step_started(job, step, in_progress=not superseded)
        elif what == "step_finished":
            assert step is not None
            self._step_finished(job, step, lines)
        else:
            self._job_finished(job, lines)

    def close(self) -> None:
        """Wait until every write is done; re-raise the first error a write hit."""
        if self._writer.is_alive():
            self._tasks.put(None)
            self._writer.join()
        if self._error is not None:
            raise self._error

    # -- observer calls: snapshot what the write needs, queue it ------------------------

    def job_started(self, report: JobReport) -> None:
        self._tasks.put(("job_started", valueclass.replace(report), None, []))

    def step_started(self, report: JobReport, step: StepReport) -> None:
        copy = valueclass.replace(step)
        self._tasks.put(("step_started", valueclass.replace(report), copy, []))

    def log(self, report: JobReport, line: str) -> None:
        with self._lock:
            self._lines.setdefault(report.key, []).append(line)

    def step_finished(self, report: JobReport, step: StepReport) -> None:
        job, copy = valueclass.replace(report), valueclass.replace(step)
        self._tasks.put(("step_finished", job, copy, self._take(report)))

    def job_finished(self, report: JobReport) -> None:
        self._tasks.put(("job_finished", valueclass.replace(report), None, self._take(report)))

    def _take(self, report: JobReport) -> list[str]:
        with self._lock:
            return self._lines.pop(report.key, [])

    # -- the writes ----------------------------------------------------------------------

    def _job(self, report: JobReport) -> int:
        # Only the writer thread gets here: the lock (for log lines) stays free meanwhile.
        pk = self._jobs.get(report.key)
        if pk is None:
            pk = self.store.add_job(
                self.run_id,
                self.workflow_ids[report.workflow_path],
                report.key,
                report.job_id,
                report.name,
                report.matrix,
            )
            self._jobs[report.key] = pk
        return int(pk)

    def job_pk(self, key: str) -> int | None:
        """The record id of a job instance, once recorded."""
        return self._jobs.get(key)

    def _step_started(self, report: JobReport, step: StepReport, *, in_progress: bool) -> None:
        pk = self._job(report)
        step_pk = self.store.add_step(pk, _number(step), step.id or "", step.name)
        self._steps[(report.key, step.number, step.post)] = step_pk
        if in_progress:
            self.store.update_step(step_pk, status="in_progress", started_at=_utc(step.started))

    def _flush(self, report: JobReport, lines: list[str]) -> None:
        if lines:
            self.store.append_log(self.run_id, self._job(report), lines)

    def _step_finished(self, report: JobReport, step: StepReport, lines: list[str]) -> None:
        pk = self._job(report)
        key = (report.key, step.number, step.post)
        step_pk = self._steps.get(key)
        if step_pk is None:
            step_pk = self.store.add_step(pk, _number(step), step.id or "", step.name)
            self._steps[key] = step_pk
        self.store.update_step(
            step_pk,
            status="completed",
            outcome=step.outcome,
            conclusion=step.conclusion,
            started_at=_utc(step.started),
            completed_at=_utc(step.ended),
        )
        self._flush(report, lines)

    def _job_finished(self, report: JobReport, lines: list[str]) -> None:
        pk = self._job(report)
        self._flush(report, lines)
        self.store.update_job(
            pk,
            status="completed",
            conclusion=report.result,
            started_at=_utc(report.started),
            completed_at=_utc(report.ended),
            outputs=report.outputs,
            runner="host" if report.started else None,
            skip_reason=report.skip_reason,
            environment=report.environment,
            environment_url=report.environment_url,
        )
        for annotation in report.annotations:
            self.store.add_annotation(
                self.run_id,
                pk,
                annotation.level.value,
                annotation.message,
                annotation.file,
                annotation.line,
                annotation.column,
                annotation.title,
            )
        for number, summary in report.summaries:
            path = self.store.summary_path(self.run_id, pk, number)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(summary, encoding="utf-8")


def _number(step: StepReport) -> int:
    """Post steps are numbered after the main steps (1000 + n) so numbers stay unique."""
    return step.number + (1000 if step.post else 0)


def _entity(task: _Task) -> tuple[object, ...]:
    """The job or step a task is about."""
    _, job, step, _ = task
    return (job.key,) if step is None else (job.key, step.number, step.post)
