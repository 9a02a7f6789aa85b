"""A scripted :class:`~shipyard.backends.base.Backend`: the engine's tests run no processes.

A fake "process" prints its lines at once, then runs for ``delay`` seconds (waiting on the
cancel token, not spinning), then exits. Timeout and cancellation end it early with the
same :class:`ExecResult` a stopped host process gives: ``timed_out``/``cancelled`` set and
exit code 130 (a shell stopped by SIGINT). A token cancelled before the start means the
process never starts, as with the host backend.

Runs are scripted by a callable (``request -> run``) or by a mapping keyed by the script's
text: the content of the first file named on the command line (``bash -e /tmp/x.sh``
looks up the text of ``/tmp/x.sh``), or the command line joined by spaces when no argument
names a file. A run is a :class:`FakeRun` or a tuple ``(lines, exit_code[, delay])``.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from shipyard.backends.base import CancelToken, ExecRequest, ExecResult, LineSink
from shipyard.valueclass import dataclass


@dataclass(frozen=True, slots=True)
class FakeRun:
    """What one fake process does."""

    lines: tuple[str, ...] = ()
    exit_code: int = 0
    delay: float = 0.0  # seconds the process runs after printing its lines
    error: str | None = None  # set: the process cannot start (ExecResult.error)
    stopped_exit_code: int = 130  # the exit code when a timeout or cancel stops it


Scripted = FakeRun | tuple[Sequence[str], int] | tuple[Sequence[str], int, float]
Script = Callable[[ExecRequest], Scripted] | Mapping[str, Scripted]


@dataclass(frozen=True, slots=True)
class FakeCall:
    """One request the fake received, with the script text it was looked up by."""

    request: ExecRequest
    script: str


class FakeBackend:
    """Plays scripted runs; records every request in :attr:`calls`."""

    name = "fake"

    def __init__(self, script: Script, *, default: Scripted | None = None) -> None:
        self.script = script
        self.default = default
        self.calls: list[FakeCall] = []
        self._lock = threading.Lock()

    @property
    def requests(self) -> list[ExecRequest]:
        """The requests received so far, in order."""
        return [call.request for call in self.calls]

    def execute(self, request: ExecRequest, on_line: LineSink, cancel: CancelToken) -> ExecResult:
        """Play the run scripted for ``request``; raise LookupError when there is none."""
        text = script_text(request)
        with self._lock:
            self.calls.append(FakeCall(request, text))
        run = self._lookup(request, text)
        if cancel.cancelled:
            return ExecResult(exit_code=None, cancelled=True)
        started = time.monotonic()
        if run.error is not None:
            return ExecResult(exit_code=None, error=run.error)
        for line in run.lines:
            if cancel.cancelled:
                break
            on_line(line)
        limit = request.timeout
        wait = run.delay if limit is None else min(run.delay, max(0.0, limit - _since(started)))
        cancelled = cancel.cancelled or (wait > 0 and cancel.wait(wait))
        timed_out = not cancelled and limit is not None and run.delay > limit
        if not (cancelled or timed_out):
            return ExecResult(exit_code=run.exit_code, duration=_since(started))
        return ExecResult(
            exit_code=run.stopped_exit_code,
            timed_out=timed_out,
            cancelled=cancelled,
            duration=_since(started),
        )

    def _lookup(self, request: ExecRequest, text: str) -> FakeRun:
        found: Scripted | None
        if callable(self.script):
            found = self.script(request)
        else:
            found = self.script.get(text)
            if found is None:
                found = next((v for k, v in self.script.items() if k.strip() == text.strip()), None)
        found = self.default if found is None else found
        if found is None:
            raise LookupError(f"FakeBackend has no run scripted for {text!r}")
        if isinstance(found, FakeRun):
            return found
        return FakeRun(tuple(found[0]), *found[1:])


def script_text(request: ExecRequest) -> str:
    """The text a mapping script is keyed by (see the module docstring)."""
    for argument in request.argv[1:]:
        for candidate in (argument, *re.findall(r"'([^']+)'", argument)):
            path = Path(request.cwd, candidate)
            if candidate and path.is_file():
                return path.read_text(encoding="utf-8", errors="replace")
    return " ".join(request.argv)


def _since(started: float) -> float:
    return time.monotonic() - started
