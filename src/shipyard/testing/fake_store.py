"""An in-memory :class:`~shipyard.store.Store` for engine tests: no database, no log files.

It keeps the same records the SQLite store keeps and refuses the same mistakes (it passes
the same contract suite, ``tests/unit/store/test_store_contract.py``): timestamps come back
in UTC at microsecond precision, matrices and outputs come back as they would from JSON.
Logs live in memory. Paths follow the real layout under ``home``; when ``home`` is given the
folders processes write into (summaries, artifacts) are created, otherwise the paths point
under ``/nonexistent`` and nothing touches the disk.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from shipyard.store import paths
from shipyard.store.records import (
    Annotation,
    JobRecord,
    RecordNotFound,
    RunDetail,
    RunRecord,
    StepRecord,
    WorkflowRecord,
    check_level,
    check_result,
    normalise_utc,
)
from shipyard.valueclass import replace

_R = TypeVar("_R")


class FakeStore:
    """Runs, workflows, jobs, steps, annotations and logs in dictionaries."""

    def __init__(self, home: Path | None = None) -> None:
        self.home = Path("/nonexistent/shipyard") if home is None else home
        self._create_folders = home is not None
        self._lock = threading.RLock()
        self._next_id = 0
        self.runs: dict[int, RunRecord] = {}
        self.workflows: dict[int, WorkflowRecord] = {}
        self.jobs: dict[int, JobRecord] = {}
        self.steps: dict[int, StepRecord] = {}
        self.annotations: dict[int, Annotation] = {}
        self.logs: dict[tuple[int, int], list[str]] = {}

    def close(self) -> None:
        """Nothing to release."""

    # -- writers -------------------------------------------------------------------------

    def create_run(
        self,
        repo: str,
        event: str,
        ref: str,
        sha: str,
        started_at: datetime,
        *,
        pid: int | None = None,
    ) -> int:
        """Record a run in progress; returns its id."""
        started = normalise_utc(started_at)
        assert started is not None
        with self._lock:
            number = 1 + max((r.number for r in self.runs.values() if r.repo == repo), default=0)
            run_id = self._new_id()
            self.runs[run_id] = RunRecord(
                run_id, number, repo, event, ref, sha, "in_progress", None, started, None, pid
            )
            return run_id

    def add_workflow(self, run_id: int, path: str, name: str) -> int:
        """Record a queued workflow of the run."""
        with self._lock:
            _get(self.runs, run_id, "run")
            workflow_id = self._new_id()
            self.workflows[workflow_id] = WorkflowRecord(workflow_id, run_id, path, name)
            return workflow_id

    def update_workflow(
        self,
        workflow_id: int,
        *,
        status: str,
        conclusion: str | None = None,
        started_at: datetime | None = None,
        completed_at: datetime | None = None,
    ) -> None:
        """Set a workflow's status; timestamps left None keep their value."""
        check_result(f"workflow {workflow_id}", status, conclusion)
        kept = _kept(started_at=normalise_utc(started_at), completed_at=normalise_utc(completed_at))
        self._update(
            self.workflows, workflow_id, "workflow", kept, status=status, conclusion=conclusion
        )

    def add_job(
        self,
        run_id: int,
        workflow_id: int,
        job_key: str,
        job_id: str,
        name: str,
        matrix: Mapping[str, object] | None,
    ) -> int:
        """Record a queued job of a workflow of the run."""
        with self._lock:
            workflow = _get(self.workflows, workflow_id, "workflow")
            _same_run(workflow.run_id, run_id, f"workflow {workflow_id}")
            pk = self._new_id()
            self.jobs[pk] = JobRecord(pk, run_id, workflow_id, job_key, job_id, name, _json(matrix))
            return pk

    def update_job(
        self,
        job_pk: int,
        *,
        status: str,
        conclusion: str | None = None,
        started_at: datetime | None = None,
        completed_at: datetime | None = None,
        outputs: Mapping[str, str] | None = None,
        runner: str | None = None,
        skip_reason: str | None = None,
        environment: str | None = None,
        environment_url: str | None = None,
    ) -> None:
        """Set a job's status; every other field left None keeps its value."""
        check_result(f"job {job_pk}", status, conclusion)
        kept = _kept(
            started_at=normalise_utc(started_at),
            completed_at=normalise_utc(completed_at),
            outputs=_json(outputs),
            runner=runner,
            skip_reason=skip_reason,
            environment=environment,
            environment_url=environment_url,
        )
        self._update(self.jobs, job_pk, "job", kept, status=status, conclusion=conclusion)

    def add_step(self, job_pk: int, number: int, step_id: str, name: str) -> int:
        """Record a queued step of a job; numbers are unique per job."""
        with self._lock:
            _get(self.jobs, job_pk, "job")
            if any(s.job_pk == job_pk and s.number == number for s in self.steps.values()):
                raise ValueError(f"job {job_pk} already has a step {number}")
            pk = self._new_id()
            self.steps[pk] = StepRecord(pk, job_pk, number, step_id, name)
            return pk

    def update_step(
        self,
        step_pk: int,
        *,
        status: str,
        outcome: str | None = None,
        conclusion: str | None = None,
        started_at: datetime | None = None,
        completed_at: datetime | None = None,
    ) -> None:
        """Set a step's status; a completed step's outcome defaults to its conclusion."""
        if status == "completed" and outcome is None:
            outcome = conclusion
        check_result(f"step {step_pk}", status, conclusion, outcome)
        kept = _kept(started_at=normalise_utc(started_at), completed_at=normalise_utc(completed_at))
        words = {"status": status, "outcome": outcome, "conclusion": conclusion}
        self._update(self.steps, step_pk, "step", kept, **words)

    def add_annotation(
        self,
        run_id: int,
        job_pk: int | None,
        level: str,
        message: str,
        file: str | None = None,
        line: int | None = None,
        col: int | None = None,
        title: str | None = None,
    ) -> int:
        """Record a notice, warning or error of the run (and of a job, when given)."""
        check_level(level)
        with self._lock:
            _get(self.runs, run_id, "run")
            if job_pk is not None:
                _same_run(_get(self.jobs, job_pk, "job").run_id, run_id, f"job {job_pk}")
            pk = self._new_id()
            self.annotations[pk] = Annotation(
                pk, run_id, job_pk, level, message, file, line, col, title
            )
            return pk

    def finish_run(self, run_id: int, conclusion: str, completed_at: datetime) -> None:
        """Mark the run completed."""
        check_result(f"run {run_id}", "completed", conclusion)
        done = {"completed_at": normalise_utc(completed_at)}
        self._update(self.runs, run_id, "run", done, status="completed", conclusion=conclusion)

    # -- readers -------------------------------------------------------------------------

    def list_runs(self, repo: str | None = None, limit: int | None = 20) -> list[RunRecord]:
        """Runs newest first, of one repository or (None) of all."""
        _check_limit(limit)
        with self._lock:
            runs = [r for r in self.runs.values() if repo is None or r.repo == repo]
            runs.sort(key=lambda r: r.id, reverse=True)
            return [self._named(r) for r in (runs if limit is None else runs[:limit])]

    def lookup_run(self, repo: str, number: int) -> int | None:
        """The id of the repository's run with that number, or None."""
        with self._lock:
            found = (r.id for r in self.runs.values() if r.repo == repo and r.number == number)
            return next(found, None)

    def get_run(self, run_id: int) -> RunDetail:
        """The run with everything in it."""
        with self._lock:
            run = self._named(_get(self.runs, run_id, "run"))
            jobs = tuple(j for j in self.jobs.values() if j.run_id == run_id)
            pks = {j.pk for j in jobs}
            return RunDetail(
                run=run,
                workflows=tuple(w for w in self.workflows.values() if w.run_id == run_id),
                jobs=jobs,
                steps=tuple(s for s in self.steps.values() if s.job_pk in pks),
                annotations=tuple(a for a in self.annotations.values() if a.run_id == run_id),
            )

    # -- logs and paths ------------------------------------------------------------------

    def job_log_path(self, run_id: int, job_pk: int) -> Path:
        """Where the real store would keep the log (the fake writes no file)."""
        return paths.job_log_file(self.home, run_id, job_pk)

    def append_log(self, run_id: int, job_pk: int, lines: Iterable[str]) -> None:
        """Append lines to the in-memory log."""
        new = [part for line in lines for part in line.removesuffix("\n").split("\n")]
        with self._lock:
            self.logs.setdefault((run_id, job_pk), []).extend(new)

    def read_log(self, run_id: int, job_pk: int) -> list[str]:
        """The in-memory log's lines."""
        with self._lock:
            return list(self.logs.get((run_id, job_pk), []))

    def summary_path(self, run_id: int, job_pk: int, step_number: int) -> Path:
        """The step's summary file (folder created only with a real ``home``)."""
        path = paths.summary_file(self.home, run_id, job_pk, step_number)
        if self._create_folders:
            path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def artifacts_dir(self, run_id: int) -> Path:
        """The run's artifacts folder (created only with a real ``home``)."""
        path = paths.artifacts_folder(self.home, run_id)
        if self._create_folders:
            path.mkdir(parents=True, exist_ok=True)
        return path

    # -- helpers -------------------------------------------------------------------------

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def _named(self, run: RunRecord) -> RunRecord:
        names = tuple(w.name for w in self.workflows.values() if w.run_id == run.id)
        return replace(run, workflow_names=names)

    def _update(
        self, table: dict[int, _R], pk: int, what: str, kept: dict[str, Any], **values: Any
    ) -> None:
        with self._lock:
            table[pk] = replace(_get(table, pk, what), **values, **kept)  # type: ignore[type-var]


def _get(table: dict[int, _R], pk: int, what: str) -> _R:
    try:
        return table[pk]
    except KeyError:
        raise RecordNotFound(f"no {what} {pk}") from None


def _same_run(actual: int, expected: int, what: str) -> None:
    if actual != expected:
        raise ValueError(f"{what} is in run {actual}, not in run {expected}")


def _check_limit(limit: int | None) -> None:
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be 0 or more, not {limit}")


def _kept(**fields: object) -> dict[str, object]:
    """The fields given (not None): the others keep their stored value."""
    return {key: value for key, value in fields.items() if value is not None}


def _json(value: Mapping[str, Any] | None) -> Any:
    """What the SQL store reads back: a JSON round trip."""
    return None if value is None else json.loads(json.dumps(dict(value)))
