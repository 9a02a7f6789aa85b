"""The run records: what the store keeps about a run, as frozen values, and their rules.

A *run* is one ``shipyard run``: an event in a repository that fired one or more
*workflows*; each workflow has *jobs* (one per matrix leg), each job has *steps*, and the
run collects *annotations* (``::error file=...::`` and friends). The status words are
GitHub's: ``status`` is ``queued | in_progress | completed`` and a completed record has a
``conclusion`` of ``success | failure | cancelled | skipped``. A step also has an
``outcome`` (its result before ``continue-on-error``).

This module also holds the checks both stores apply (so the SQL store and the fake agree
on what is refused) and the one timestamp format: ISO-8601 UTC text with microseconds.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone

from shipyard.valueclass import dataclass

STATUSES = frozenset({"queued", "in_progress", "completed"})
CONCLUSIONS = frozenset({"success", "failure", "cancelled", "skipped"})
LEVELS = frozenset({"notice", "warning", "error"})


class RecordNotFound(LookupError):
    """A run, workflow, job or step id that the store does not hold."""


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One ``shipyard run``. ``id`` is unique in the data dir; ``number`` counts per repo."""

    id: int
    number: int
    repo: str
    event: str
    ref: str
    sha: str
    status: str
    conclusion: str | None
    started_at: datetime
    completed_at: datetime | None
    pid: int | None
    workflow_names: tuple[str, ...] = ()

    @property
    def duration(self) -> float | None:
        """Seconds from start to completion, or None while not completed."""
        return _seconds(self.started_at, self.completed_at)


@dataclass(frozen=True, slots=True)
class WorkflowRecord:
    """One workflow file fired by a run."""

    id: int
    run_id: int
    path: str
    name: str
    status: str = "queued"
    conclusion: str | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class JobRecord:
    """One job (one matrix leg). ``pk`` is the store's id; ``job_id`` is the YAML id."""

    pk: int
    run_id: int
    workflow_id: int
    job_key: str
    job_id: str
    name: str
    matrix: Mapping[str, object] | None
    status: str = "queued"
    conclusion: str | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    outputs: Mapping[str, str] | None = None
    runner: str | None = None
    skip_reason: str | None = None
    environment: str | None = None  # jobs.<id>.environment's name, and its url once known
    environment_url: str | None = None

    @property
    def duration(self) -> float | None:
        """Seconds from start to completion, or None when either is missing."""
        return _seconds(self.started_at, self.completed_at)


@dataclass(frozen=True, slots=True)
class StepRecord:
    """One step of a job; ``number`` counts from 1 within the job."""

    pk: int
    job_pk: int
    number: int
    step_id: str
    name: str
    status: str = "queued"
    outcome: str | None = None
    conclusion: str | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None

    @property
    def duration(self) -> float | None:
        """Seconds from start to completion, or None when either is missing."""
        return _seconds(self.started_at, self.completed_at)


@dataclass(frozen=True, slots=True)
class Annotation:
    """A notice, warning or error attached to a run (and a job, when it came from one)."""

    pk: int
    run_id: int
    job_pk: int | None
    level: str
    message: str
    file: str | None = None
    line: int | None = None
    col: int | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True)
class RunDetail:
    """A run with everything in it, each tuple in creation order."""

    run: RunRecord
    workflows: tuple[WorkflowRecord, ...]
    jobs: tuple[JobRecord, ...]
    steps: tuple[StepRecord, ...]
    annotations: tuple[Annotation, ...]

    def jobs_of(self, workflow_id: int) -> tuple[JobRecord, ...]:
        """The jobs of one workflow."""
        return tuple(j for j in self.jobs if j.workflow_id == workflow_id)

    def steps_of(self, job_pk: int) -> tuple[StepRecord, ...]:
        """The steps of one job, by number."""
        return tuple(sorted((s for s in self.steps if s.job_pk == job_pk), key=lambda s: s.number))


def check_result(
    what: str, status: str, conclusion: str | None, outcome: str | None = None
) -> None:
    """Refuse unknown words, and a conclusion on a record that is not completed (or none on one
    that is)."""
    if status not in STATUSES:
        raise ValueError(f"{what}: unknown status {status!r} (expected {_words(STATUSES)})")
    for label, word in (("conclusion", conclusion), ("outcome", outcome)):
        if word is not None and word not in CONCLUSIONS:
            raise ValueError(f"{what}: unknown {label} {word!r} (expected {_words(CONCLUSIONS)})")
    if status == "completed" and conclusion is None:
        raise ValueError(f"{what}: a completed record needs a conclusion")
    if status != "completed" and (conclusion is not None or outcome is not None):
        raise ValueError(f"{what}: only a completed record has a conclusion or outcome")


def check_level(level: str) -> None:
    """Refuse an annotation level GitHub does not have."""
    if level not in LEVELS:
        raise ValueError(f"unknown annotation level {level!r} (expected {_words(LEVELS)})")


def format_utc(moment: datetime) -> str:
    """``2024-05-01T12:00:00.000000Z``; refuses a naive datetime (the store cannot guess)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: pass an aware (UTC) datetime")
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_utc(text: str) -> datetime:
    """The inverse of :func:`format_utc`: an aware UTC datetime."""
    return datetime.fromisoformat(text.removesuffix("Z") + "+00:00")


def normalise_utc(moment: datetime | None) -> datetime | None:
    """What a timestamp reads back as: checked, in UTC, microsecond precision."""
    return None if moment is None else parse_utc(format_utc(moment))


def _seconds(start: datetime | None, end: datetime | None) -> float | None:
    return None if start is None or end is None else (end - start).total_seconds()


def _words(words: frozenset[str]) -> str:
    return ", ".join(sorted(words))
