"""The backend seam: *what* to run (:class:`ExecRequest`) apart from *how* (:class:`Backend`).

A backend runs one process for a step: it streams the process's output lines (stdout and
stderr merged, in order) to a callback, enforces the timeout, and stops the whole process
group when cancelled. The engine never touches ``subprocess`` itself.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Protocol

from shipyard.valueclass import dataclass, field


@dataclass(frozen=True, slots=True)
class ExecRequest:
    """One process to run: argv, environment (complete, not merged), folder, time limit."""

    argv: tuple[str, ...]
    env: Mapping[str, str]
    cwd: str
    timeout: float | None = None  # seconds; None = no limit
    stdin: bytes | None = None
    label: str = ""  # for messages: the step's name


@dataclass(frozen=True, slots=True)
class ExecResult:
    """How a process ended. ``exit_code`` is None when it could not start."""

    exit_code: int | None
    timed_out: bool = False
    cancelled: bool = False
    error: str | None = None  # why it could not start (e.g. shell not found)
    duration: float = 0.0

    @property
    def ok(self) -> bool:
        """True for a process that started and exited 0 in time."""
        return self.exit_code == 0 and not self.timed_out and not self.cancelled


@dataclass(slots=True)
class CancelToken:
    """Set once to cancel; backends watch it and stop the process group.

    Besides polling (:attr:`cancelled`) and blocking (:meth:`wait`), a backend can ask to be
    called back (:meth:`on_cancel`), e.g. to wake a ``select`` loop without polling.
    """

    _event: threading.Event = field(default_factory=threading.Event)
    reason: str = ""
    _callbacks: list[Callable[[], None]] = field(default_factory=list, repr=False, compare=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)

    def cancel(self, reason: str = "cancelled") -> None:
        """Request cancellation (idempotent; the first reason wins) and run the callbacks."""
        with self._lock:
            if self._event.is_set():
                return
            self.reason = reason
            self._event.set()
            callbacks, self._callbacks = self._callbacks, []
            for callback in callbacks:
                callback()

    @property
    def cancelled(self) -> bool:
        """Whether cancellation was requested."""
        return self._event.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until cancelled or ``timeout`` seconds pass; True when cancelled."""
        return self._event.wait(timeout)

    def on_cancel(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call ``callback`` once on cancellation (now, if already cancelled).

        Returns a function that unregisters it; once that returns, the callback is not
        running and will not run. Callbacks run in the cancelling thread: keep them short.
        """
        with self._lock:
            if not self._event.is_set():
                self._callbacks.append(callback)
                return lambda: self._remove(callback)
        callback()
        return _nothing

    def _remove(self, callback: Callable[[], None]) -> None:
        with self._lock:
            if callback in self._callbacks:
                self._callbacks.remove(callback)


def _nothing() -> None:
    pass


LineSink = Callable[[str], None]


class Backend(Protocol):
    """Runs processes for steps."""

    name: str

    def execute(self, request: ExecRequest, on_line: LineSink, cancel: CancelToken) -> ExecResult:
        """Run ``request`` to the end, calling ``on_line`` for each output line (no newline)."""
        ...
