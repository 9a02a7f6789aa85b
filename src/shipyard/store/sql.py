"""The SQLite store: run records in ``shipyard.db``, files through :class:`BlobStore`.

The schema and its migrations are in :mod:`shipyard.store.migrations`. One connection per
store, in WAL mode, shared by the engine's threads behind a lock; every write is its own
transaction, so a reader (``shipyard runs`` in another process) sees each record as soon as
it is written, and what a run wrote before it died stays.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from shipyard.store import paths
from shipyard.store.blobs import BlobStore
from shipyard.store.migrations import connect
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
    format_utc,
    parse_utc,
)

_RUN = "id, number, repo, event, ref, sha, status, conclusion, started_at, completed_at, pid"
_WORKFLOW = "id, run_id, path, name, status, conclusion, started_at, completed_at"
_JOB = (
    "id AS pk, run_id, workflow_id, job_key, job_id, name, matrix, status, conclusion, "
    "started_at, completed_at, outputs, runner, skip_reason, environment, environment_url"
)
_STEP = (
    "id AS pk, job_pk, number, step_id, name, status, outcome, conclusion, started_at, completed_at"
)
_ANNOTATION = "id AS pk, run_id, job_pk, level, message, file, line, col, title"
_WHAT = {"runs": "run", "workflows": "workflow", "jobs": "job", "steps": "step"}


class SqlStore(BlobStore):
    """Run records in SQLite under ``home``; logs, summaries and artifacts as files (the
    file methods are :class:`BlobStore`'s)."""

    def __init__(self, home: Path) -> None:
        super().__init__(home)
        self._lock = threading.RLock()
        self._conn = connect(paths.database_path(home))
        self._conn.row_factory = sqlite3.Row

    def close(self) -> None:
        """Close the connection; the store is unusable afterwards."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> SqlStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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
        """Record a run, in progress; its ``number`` is one more than the repo's last."""
        sql = (
            "INSERT INTO runs (repo, number, event, ref, sha, status, started_at, pid) "
            "SELECT ?, COALESCE(MAX(number), 0) + 1, ?, ?, ?, 'in_progress', ?, ? "
            "FROM runs WHERE repo = ?"
        )
        params = (repo, event, ref, sha, format_utc(started_at), pid, repo)
        return self._insert(sql, params)

    def add_workflow(self, run_id: int, path: str, name: str) -> int:
        """Record a workflow the run fired; returns its id."""
        with self._lock:
            self._require("runs", run_id)
            sql = "INSERT INTO workflows (run_id, path, name) VALUES (?, ?, ?)"
            return self._insert(sql, (run_id, path, name))

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
        times = {"started_at": _utc(started_at), "completed_at": _utc(completed_at)}
        self._set("workflows", workflow_id, {"status": status, "conclusion": conclusion}, times)

    def add_job(
        self,
        run_id: int,
        workflow_id: int,
        job_key: str,
        job_id: str,
        name: str,
        matrix: Mapping[str, object] | None,
    ) -> int:
        """Record a queued job of a workflow of the run; returns its pk."""
        with self._lock:
            self._require_in_run("workflows", workflow_id, run_id)
            sql = (
                "INSERT INTO jobs (run_id, workflow_id, job_key, job_id, name, matrix) "
                "VALUES (?, ?, ?, ?, ?, ?)"
            )
            return self._insert(sql, (run_id, workflow_id, job_key, job_id, name, _json(matrix)))

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
        kept = {
            "started_at": _utc(started_at),
            "completed_at": _utc(completed_at),
            "outputs": _json(None if outputs is None else dict(outputs)),
            "runner": runner,
            "skip_reason": skip_reason,
            "environment": environment,
            "environment_url": environment_url,
        }
        self._set("jobs", job_pk, {"status": status, "conclusion": conclusion}, kept)

    def add_step(self, job_pk: int, number: int, step_id: str, name: str) -> int:
        """Record a queued step of a job; returns its pk. Numbers are unique per job."""
        with self._lock:
            self._require("jobs", job_pk)
            sql = "INSERT INTO steps (job_pk, number, step_id, name) VALUES (?, ?, ?, ?)"
            try:
                return self._insert(sql, (job_pk, number, step_id, name))
            except sqlite3.IntegrityError:
                raise ValueError(f"job {job_pk} already has a step {number}") from None

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
        times = {"started_at": _utc(started_at), "completed_at": _utc(completed_at)}
        words = {"status": status, "outcome": outcome, "conclusion": conclusion}
        self._set("steps", step_pk, words, times)

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
            self._require("runs", run_id)
            if job_pk is not None:
                self._require_in_run("jobs", job_pk, run_id)
            sql = (
                "INSERT INTO annotations (run_id, job_pk, level, message, file, line, col, title)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            )
            return self._insert(sql, (run_id, job_pk, level, message, file, line, col, title))

    def finish_run(self, run_id: int, conclusion: str, completed_at: datetime) -> None:
        """Mark the run completed with its conclusion."""
        check_result(f"run {run_id}", "completed", conclusion)
        words = {"status": "completed", "conclusion": conclusion}
        self._set("runs", run_id, {**words, "completed_at": format_utc(completed_at)}, {})

    # -- readers -------------------------------------------------------------------------

    def list_runs(self, repo: str | None = None, limit: int | None = 20) -> list[RunRecord]:
        """Runs newest first, of one repository or (None) of all; at most ``limit``."""
        if limit is not None and limit < 0:
            raise ValueError(f"limit must be 0 or more, not {limit}")
        where, params = ("WHERE repo = ?", [repo]) if repo is not None else ("", [])
        sql = f"SELECT {_RUN} FROM runs {where} ORDER BY id DESC LIMIT ?"
        with self._lock:
            rows = self._conn.execute(sql, (*params, -1 if limit is None else limit)).fetchall()
            names = self._workflow_names([int(r[0]) for r in rows])
        return [_run(row, names.get(int(row[0]), ())) for row in rows]

    def lookup_run(self, repo: str, number: int) -> int | None:
        """The id of the repo's run with that number, or None."""
        sql = "SELECT id FROM runs WHERE repo = ? AND number = ?"
        with self._lock:
            row = self._conn.execute(sql, (repo, number)).fetchone()
        return None if row is None else int(row[0])

    def get_run(self, run_id: int) -> RunDetail:
        """The run with its workflows, jobs, steps and annotations."""
        with self._lock:
            row = self._conn.execute(f"SELECT {_RUN} FROM runs WHERE id = ?", (run_id,)).fetchone()
            if row is None:
                raise RecordNotFound(f"no run {run_id}")
            workflows = self._select(_WORKFLOW, "workflows", "run_id = ?", run_id)
            jobs = self._select(_JOB, "jobs", "run_id = ?", run_id)
            steps = self._select(
                _STEP, "steps", "job_pk IN (SELECT id FROM jobs WHERE run_id = ?)", run_id
            )
            annotations = self._select(_ANNOTATION, "annotations", "run_id = ?", run_id)
        names = tuple(str(w["name"]) for w in workflows)
        return RunDetail(
            run=_run(row, names),
            workflows=tuple(WorkflowRecord(**_fields(w)) for w in workflows),
            jobs=tuple(JobRecord(**_fields(j)) for j in jobs),
            steps=tuple(StepRecord(**_fields(s)) for s in steps),
            annotations=tuple(Annotation(**_fields(a)) for a in annotations),
        )

    # -- helpers -------------------------------------------------------------------------

    def _insert(self, sql: str, params: Sequence[object]) -> int:
        with self._lock:
            rowid = self._conn.execute(sql, params).lastrowid
        assert rowid is not None
        return rowid

    def _set(self, table: str, pk: int, values: dict[str, Any], kept: dict[str, Any]) -> None:
        """Set ``values``; set ``kept`` only where not None (None keeps the stored value)."""
        columns = [f"{c} = ?" for c in values] + [f"{c} = COALESCE(?, {c})" for c in kept]
        sql = f"UPDATE {table} SET {', '.join(columns)} WHERE id = ?"
        with self._lock:
            if self._conn.execute(sql, (*values.values(), *kept.values(), pk)).rowcount == 0:
                raise RecordNotFound(f"no {_WHAT[table]} {pk}")

    def _require(self, table: str, pk: int) -> None:
        if self._conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (pk,)).fetchone() is None:
            raise RecordNotFound(f"no {_WHAT[table]} {pk}")

    def _require_in_run(self, table: str, pk: int, run_id: int) -> None:
        row = self._conn.execute(f"SELECT run_id FROM {table} WHERE id = ?", (pk,)).fetchone()
        if row is None:
            raise RecordNotFound(f"no {_WHAT[table]} {pk}")
        if row[0] != run_id:
            raise ValueError(f"{_WHAT[table]} {pk} is in run {row[0]}, not in run {run_id}")

    def _select(self, columns: str, table: str, where: str, run_id: int) -> list[sqlite3.Row]:
        sql = f"SELECT {columns} FROM {table} WHERE {where} ORDER BY id"
        return self._conn.execute(sql, (run_id,)).fetchall()

    def _workflow_names(self, run_ids: list[int]) -> dict[int, tuple[str, ...]]:
        if not run_ids:
            return {}
        marks = ", ".join("?" * len(run_ids))
        sql = f"SELECT run_id, name FROM workflows WHERE run_id IN ({marks}) ORDER BY id"
        names: dict[int, tuple[str, ...]] = {}
        for run_id, name in self._conn.execute(sql, run_ids).fetchall():
            names[run_id] = (*names.get(run_id, ()), name)
        return names


def _run(row: sqlite3.Row, names: tuple[str, ...]) -> RunRecord:
    return RunRecord(**_fields(row), workflow_names=names)


def _fields(row: sqlite3.Row) -> dict[str, Any]:
    """A row as keyword arguments of its record: timestamps parsed, JSON decoded."""
    fields = dict(zip(row.keys(), tuple(row), strict=True))
    for key in ("started_at", "completed_at"):
        if fields.get(key) is not None:
            fields[key] = parse_utc(fields[key])
    for key in ("matrix", "outputs"):
        if fields.get(key) is not None:
            fields[key] = json.loads(fields[key])
    return fields


def _utc(moment: datetime | None) -> str | None:
    return None if moment is None else format_utc(moment)


def _json(value: object) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True)
