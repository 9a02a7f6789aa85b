"""Keeps a run in the store as it happens: jobs, steps, logs, annotations, summaries.

A :class:`~shipyard.engine.observer.RunObserver` writing through the ``Store`` seam. Log
lines are buffered per job and written at each step's end, so a busy step costs no disk
write per line.
"""

from __future__ import annotations

import threading
from datetime import datetime, timezone
from typing import Any

from shipyard.engine.observer import JobReport, StepReport


def _utc(moment: float | None) -> datetime | None:
    return None if moment is None else datetime.fromtimestamp(moment, tz=timezone.utc)


class Recorder:
    """Writes the run's progress to a store (thread-safe)."""

    def __init__(self, store: Any, run_id: int, workflow_ids: dict[str, int]) -> None:
        self.store = store
        self.run_id = run_id
        self.workflow_ids = workflow_ids  # workflow path -> workflow record id
        self._jobs: dict[str, int] = {}
        self._steps: dict[tuple[str, int, bool], int] = {}
        self._lines: dict[str, list[str]] = {}
        self._lock = threading.Lock()

    def _job(self, report: JobReport) -> int:
        with self._lock:
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

    def job_started(self, report: JobReport) -> None:
        pk = self._job(report)
        self.store.update_job(pk, status="in_progress", started_at=_utc(report.started))

    def step_started(self, report: JobReport, step: StepReport) -> None:
        pk = self._job(report)
        step_pk = self.store.add_step(pk, _number(step), step.id or "", step.name)
        self._steps[(report.key, step.number, step.post)] = step_pk
        self.store.update_step(step_pk, status="in_progress", started_at=_utc(step.started))

    def log(self, report: JobReport, line: str) -> None:
        with self._lock:
            self._lines.setdefault(report.key, []).append(line)

    def _flush(self, report: JobReport) -> None:
        with self._lock:
            lines = self._lines.pop(report.key, [])
        if lines:
            self.store.append_log(self.run_id, self._job(report), lines)

    def step_finished(self, report: JobReport, step: StepReport) -> None:
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
        self._flush(report)

    def job_finished(self, report: JobReport) -> None:
        pk = self._job(report)
        self._flush(report)
        self.store.update_job(
            pk,
            status="completed",
            conclusion=report.result,
            started_at=_utc(report.started),
            completed_at=_utc(report.ended),
            outputs=report.outputs,
            runner="host" if report.started else None,
            skip_reason=report.skip_reason,
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
