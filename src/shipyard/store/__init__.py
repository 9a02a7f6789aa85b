"""The run records store: the :class:`Store` seam the engine writes through and the
commands read from, and :func:`open_store`, which picks the SQLite implementation.

Writers take ids the store handed out and timestamps the caller read from its clock (the
store has none; pass aware datetimes, they are kept as UTC). Readers return the frozen
records of :mod:`shipyard.store.records`. Unknown ids raise
:class:`~shipyard.store.records.RecordNotFound`; a bad status word or a conclusion on a
record that is not completed raises ``ValueError``. Every method may be called from any
thread. :class:`shipyard.testing.fake_store.FakeStore` is the in-memory twin.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Protocol

from shipyard.store.records import RecordNotFound, RunDetail, RunRecord

__all__ = ["RecordNotFound", "Store", "open_store"]


class Store(Protocol):
    """What the engine and the commands need from a store of runs."""

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
        """Record a run in progress; returns its id. Its ``number`` counts per ``repo``."""

    def add_workflow(self, run_id: int, path: str, name: str) -> int:
        """Record a workflow the run fired (queued); returns its id."""

    def update_workflow(
        self,
        workflow_id: int,
        *,
        status: str,
        conclusion: str | None = None,
        started_at: datetime | None = None,
        completed_at: datetime | None = None,
    ) -> None:
        """Set a workflow's status and conclusion; timestamps left None keep their value."""

    def add_job(
        self,
        run_id: int,
        workflow_id: int,
        job_key: str,
        job_id: str,
        name: str,
        matrix: Mapping[str, object] | None,
    ) -> int:
        """Record a queued job (one matrix leg) of a workflow of the run; returns its pk."""

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
        """Set a job's status and conclusion; every other field left None keeps its value."""

    def add_step(self, job_pk: int, number: int, step_id: str, name: str) -> int:
        """Record a queued step; returns its pk. A number twice in a job is a ValueError."""

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
        """Record a ``notice``/``warning``/``error`` of the run (of a job when given)."""

    def finish_run(self, run_id: int, conclusion: str, completed_at: datetime) -> None:
        """Mark the run completed."""

    def list_runs(self, repo: str | None = None, limit: int | None = 20) -> list[RunRecord]:
        """Runs newest first, of one repository or (None) of all; None = no limit."""

    def lookup_run(self, repo: str, number: int) -> int | None:
        """The id of the repository's run with that number, or None."""

    def get_run(self, run_id: int) -> RunDetail:
        """The run with its workflows, jobs, steps and annotations."""

    def job_log_path(self, run_id: int, job_pk: int) -> Path:
        """Where the job's log is kept."""

    def append_log(self, run_id: int, job_pk: int, lines: Iterable[str]) -> None:
        """Append output lines to the job's log (a trailing newline is dropped)."""

    def read_log(self, run_id: int, job_pk: int) -> list[str]:
        """The job's log lines so far."""

    def summary_path(self, run_id: int, job_pk: int, step_number: int) -> Path:
        """The step's summary file (``GITHUB_STEP_SUMMARY``); its folder exists."""

    def artifacts_dir(self, run_id: int) -> Path:
        """The run's artifacts folder (it exists)."""

    def close(self) -> None:
        """Release the store's resources."""


def open_store(home: Path | None = None) -> Store:
    """The SQLite store in ``home`` (default: :func:`shipyard.store.paths.data_home`),
    created and migrated as needed."""
    from shipyard.store.paths import data_home
    from shipyard.store.sql import SqlStore

    return SqlStore(data_home() if home is None else home)
