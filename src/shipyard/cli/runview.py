"""What a person sees during ``shipyard run``: plain line-prefixed logs, or a live view.

:class:`PlainView` prints every log line prefixed with its job (``[CI / test (3.11)] …``)
— right for pipes and CI logs. :class:`LiveView` (on a terminal) keeps a status block at
the bottom: each job with its state, elapsed time and progress through its steps, and
prints only step results above it; the full logs are kept in the run's records. Both end
with the same summary: annotations, the tail of each failed step's log, and a table of
jobs with results and durations. Progress goes to stderr; stdout stays for data.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import deque
from typing import TextIO

from shipyard.engine.observer import JobReport, StepReport
from shipyard.valueclass import dataclass, field

_MARK = {"success": "ok", "failure": "FAIL", "cancelled": "cancelled", "skipped": "skipped"}


@dataclass(slots=True)
class _JobLine:
    label: str
    status: str = "queued"
    started: float | None = None
    ended: float | None = None
    step: str = ""
    done_steps: int = 0
    total_steps: int = 0
    tail: deque[str] = field(default_factory=lambda: deque(maxlen=15))
    failed_tail: list[str] = field(default_factory=list)


class _Base:
    def __init__(self, out: TextIO, workflow_names: dict[str, str]) -> None:
        self.out = out
        self.names = workflow_names
        self.jobs: dict[str, _JobLine] = {}
        self.lock = threading.Lock()

    def label(self, report: JobReport) -> str:
        workflow = self.names.get(report.workflow_path, report.workflow_path)
        return f"{workflow} / {report.name}"

    def _line(self, report: JobReport) -> _JobLine:
        line = self.jobs.get(report.key)
        if line is None:
            line = self.jobs[report.key] = _JobLine(self.label(report))
        line.label = self.label(report)
        return line

    def job_started(self, report: JobReport) -> None:
        with self.lock:
            line = self._line(report)
            line.status = "running"
            line.started = report.started

    def step_started(self, report: JobReport, step: StepReport) -> None:
        with self.lock:
            line = self._line(report)
            line.step = step.name
            line.tail.clear()

    def log(self, report: JobReport, text: str) -> None:
        with self.lock:
            self._line(report).tail.append(text)

    def step_finished(self, report: JobReport, step: StepReport) -> None:
        with self.lock:
            line = self._line(report)
            line.done_steps += 1
            if step.outcome == "failure":
                line.failed_tail = [f"step '{step.name}' failed:", *line.tail]

    def job_finished(self, report: JobReport) -> None:
        with self.lock:
            line = self._line(report)
            line.status = report.result
            line.ended = report.ended

    def close(self) -> None:
        """Stop any background drawing."""


class PlainView(_Base):
    """Line-prefixed logs, one line per event (see the module docstring)."""

    def job_started(self, report: JobReport) -> None:
        super().job_started(report)
        where = f" (environment {report.environment})" if report.environment else ""
        self._print(report, f"job started{where}")

    def step_started(self, report: JobReport, step: StepReport) -> None:
        super().step_started(report, step)

    def log(self, report: JobReport, text: str) -> None:
        super().log(report, text)
        self._print(report, text)

    def step_finished(self, report: JobReport, step: StepReport) -> None:
        super().step_finished(report, step)
        if step.conclusion == "skipped":
            self._print(report, f"-- skipped: {step.name}")
        else:
            outcome = (
                step.outcome if step.outcome == step.conclusion else f"{step.outcome}, continued"
            )
            took = _duration(step.started, step.ended)
            mark = _MARK.get(step.conclusion, step.conclusion)
            self._print(report, f"-- {mark}: {step.name} ({outcome}, {took})")

    def job_finished(self, report: JobReport) -> None:
        super().job_finished(report)
        why = f": {report.skip_reason}" if report.skip_reason else ""
        self._print(report, f"job {report.result}{why}")
        if report.environment_url:
            self._print(report, f"environment {report.environment}: {report.environment_url}")

    def _print(self, report: JobReport, text: str) -> None:
        prefix = f"[{self.label(report)}] "
        # every line prefixed: a multi-line `if:` or message stays attributed
        lines = "".join(f"{prefix}{line}\n" for line in text.split("\n"))
        with self.lock:
            self.out.write(lines)
            self.out.flush()


class LiveView(_Base):
    """A status block redrawn in place on a terminal (see the module docstring)."""

    def __init__(self, out: TextIO, workflow_names: dict[str, str], interval: float = 0.1) -> None:
        super().__init__(out, workflow_names)
        self._drawn = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, args=(interval,), daemon=True)
        self._thread.start()

    def _loop(self, interval: float) -> None:
        while not self._stop.wait(interval):
            self._draw()

    def step_finished(self, report: JobReport, step: StepReport) -> None:
        super().step_finished(report, step)
        if step.conclusion != "skipped":
            mark = _MARK.get(step.conclusion, step.conclusion)
            took = _duration(step.started, step.ended)
            self._above(f"{mark:>9}  {self.label(report)}: {step.name} ({took})")

    def job_finished(self, report: JobReport) -> None:
        super().job_finished(report)
        if report.skip_reason:
            self._above(f"{'skipped':>9}  {self.label(report)}: {report.skip_reason}")
        if report.environment_url:
            url = f"{report.environment}: {report.environment_url}"
            self._above(f"{'deployed':>9}  {self.label(report)}: environment {url}")

    def _above(self, text: str) -> None:
        with self.lock:
            self._clear()
            self.out.write(text + "\n")
            self._render()

    def _clear(self) -> None:
        if self._drawn:
            self.out.write(f"\x1b[{self._drawn}F\x1b[J")
            self._drawn = 0

    def _render(self) -> None:
        now = time.time()
        rows = []
        for line in self.jobs.values():
            if line.status not in ("running", "queued"):
                continue
            took = _duration(line.started, now) if line.started else "-"
            step = f"{line.step}" if line.step else ""
            row = f"  {line.status:>7}  {took:>6}  {line.label}  [{line.done_steps} done] {step}"
            rows.append(row[:200])
        for row in rows:
            self.out.write(row + "\n")
        self._drawn = len(rows)
        self.out.flush()

    def _draw(self) -> None:
        with self.lock:
            self._clear()
            self._render()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(1)
        with self.lock:
            self._clear()
            self.out.flush()


def make_view(workflow_names: dict[str, str], *, live: bool | None = None) -> _Base:
    """A live view on a terminal, plain logs otherwise."""
    stream = sys.stderr
    if live is None:
        live = stream.isatty()
    return LiveView(stream, workflow_names) if live else PlainView(sys.stdout, workflow_names)


def _duration(start: float | None, end: float | None) -> str:
    if start is None or end is None:
        return "-"
    seconds = max(end - start, 0.0)
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}m{rest:02d}s"


def render_summary(view: _Base, reports: list[JobReport]) -> str:
    """The end of a run: annotations, failed step tails, and the table of jobs."""
    lines: list[str] = []
    for report in reports:
        for annotation in report.annotations:
            where = ""
            if annotation.file:
                where = (
                    f"{annotation.file}:{annotation.line or ''}: "
                    if annotation.line
                    else f"{annotation.file}: "
                )
            lines.append(
                f"{annotation.level.value}: {view.label(report)}: {where}{annotation.message}"
            )
    for report in reports:
        for _number, summary in report.summaries:
            lines.append("")
            lines.append(f"--- summary of {view.label(report)} ---")
            lines.extend(summary.rstrip("\n").splitlines())
    for line in view.jobs.values():
        if line.failed_tail:
            lines.append("")
            lines.append(f"--- {line.label} ---")
            lines.extend(f"  {t}" for t in line.failed_tail)
    if lines:
        lines.append("")
    width = max((len(view.label(r)) for r in reports), default=10)
    lines.append(f"{'job':<{width}}  {'result':<9}  time")
    for report in reports:
        took = _duration(report.started, report.ended) if report.started else "-"
        lines.append(f"{view.label(report):<{width}}  {report.result:<9}  {took}")
    return "\n".join(lines)
