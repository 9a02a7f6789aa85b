"""What the engine reports while it runs: the seam to the terminal view and the records.

The engine calls a :class:`RunObserver` from worker threads; implementations must be
thread-safe. Reports are plain values (:class:`StepReport`, :class:`JobReport`).
"""

from __future__ import annotations

from typing import Protocol

from shipyard.stepio.events import Annotation
from shipyard.valueclass import dataclass, field


@dataclass(slots=True)
class StepReport:
    """One step's result: GitHub's outcome (before continue-on-error) and conclusion."""

    number: int
    id: str | None  # the user's id
    name: str
    outcome: str = "skipped"  # success | failure | cancelled | skipped
    conclusion: str = "skipped"
    started: float | None = None
    ended: float | None = None
    post: bool = False


@dataclass(slots=True)
class JobReport:
    """One job instance's result and everything it produced."""

    key: str  # unique in the run: "<workflow index>:<job id>#<instance index>"
    workflow_path: str
    job_id: str
    name: str
    matrix: dict[str, object] | None
    result: str = "skipped"
    outputs: dict[str, str] = field(default_factory=dict)
    steps: list[StepReport] = field(default_factory=list)
    skip_reason: str | None = None
    environment: str | None = None  # jobs.<id>.environment: its name, and its url at the end
    environment_url: str | None = None
    annotations: list[Annotation] = field(default_factory=list)
    summaries: list[tuple[int, str]] = field(default_factory=list)  # (step number, Markdown)
    started: float | None = None
    ended: float | None = None


class RunObserver(Protocol):
    """Receives the run's progress (see the module docstring)."""

    def job_started(self, report: JobReport) -> None:
        """A job instance started running steps."""

    def step_started(self, report: JobReport, step: StepReport) -> None:
        """A step started."""

    def log(self, report: JobReport, line: str) -> None:
        """One (masked) log line of a job."""

    def step_finished(self, report: JobReport, step: StepReport) -> None:
        """A step ended (or was skipped)."""

    def job_finished(self, report: JobReport) -> None:
        """A job instance ended, was skipped or cancelled."""
