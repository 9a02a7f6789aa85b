"""The host backend: a step's process runs on this machine, in its own process group.

One ``select`` loop per process, no polling: it reads the merged stdout/stderr pipe and
hands complete lines to the sink as they arrive, and wakes for the timeout, for the
cancel token (through a wake-up pipe), and for the process's exit (a Linux pidfd; other
systems check the process with a short back-off instead).

Stopping (timeout or cancel) signals the whole group: SIGINT, then SIGTERM after
``sigint_grace`` seconds, then SIGKILL after ``sigterm_grace`` more (GitHub's runner waits
7.5 s and 2.5 s, and signals only the main process). When the main process has exited,
its output is read for at most ``drain_grace`` more seconds, since a background child may
hold the pipe; then what is left of the group is killed (``kill_leftovers=True``) or left
running, as GitHub does until the job ends: :meth:`HostBackend.kill_orphans` ends those.

Lines split like .NET's ``ReadLine`` (which the runner uses): at ``\\n``, ``\\r\\n`` or a lone
``\\r``; bytes decode as UTF-8 with U+FFFD for invalid ones. A process killed by signal N
reports exit code 128 + N, as on GitHub.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
import threading
import time
from typing import IO

from shipyard.backends.base import CancelToken, ExecRequest, ExecResult, LineSink

_CHUNK = 65536
_MAX_LINE = 1 << 20  # a longer line is cut into pieces of this many bytes


class HostBackend:
    """Runs each request as a local process group (see the module docstring)."""

    name = "host"

    def __init__(
        self,
        *,
        sigint_grace: float = 2.5,
        sigterm_grace: float = 2.5,
        drain_grace: float = 0.2,
        kill_leftovers: bool = True,
    ) -> None:
        self.sigint_grace = sigint_grace
        self.sigterm_grace = sigterm_grace
        self.drain_grace = drain_grace
        self.kill_leftovers = kill_leftovers
        self._leftovers: set[int] = set()
        self._lock = threading.Lock()

    def execute(self, request: ExecRequest, on_line: LineSink, cancel: CancelToken) -> ExecResult:
        """Run ``request`` to the end; start failures come back as ``ExecResult.error``."""
        if cancel.cancelled:
            return ExecResult(exit_code=None, cancelled=True)
        if not request.argv:
            return ExecResult(exit_code=None, error="Nothing to run: the command is empty")
        started = time.monotonic()
        try:
            process = subprocess.Popen(
                request.argv,
                env=dict(request.env),
                cwd=request.cwd,
                stdin=subprocess.DEVNULL if request.stdin is None else subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                bufsize=0,
                start_new_session=True,
            )
        except (OSError, ValueError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else error
            return ExecResult(
                exit_code=None,
                error=f"An error occurred trying to start process '{request.argv[0]}' "
                f"with working directory '{request.cwd}'. {reason}",
                duration=time.monotonic() - started,
            )
        try:
            run = _Run(self, request, process, on_line, cancel, started)
        except BaseException:  # out of descriptors, say: do not leave the process behind
            _signal_group(process.pid, signal.SIGKILL)
            process.wait()
            raise
        return run.wait()

    def kill_orphans(self) -> int:
        """SIGKILL the process groups that steps left running; return how many were alive."""
        with self._lock:
            groups, self._leftovers = self._leftovers, set()
        return sum(_signal_group(group, signal.SIGKILL) for group in groups)

    def _keep(self, group: int, pipe: IO[bytes] | None) -> None:
        with self._lock:
            self._leftovers.add(group)
        if pipe is not None:  # keep reading so that writers never see a closed pipe
            threading.Thread(target=_discard, args=(pipe,), daemon=True).start()


class _Run:
    """The state of one running process and its loop."""

    def __init__(
        self,
        backend: HostBackend,
        request: ExecRequest,
        process: subprocess.Popen[bytes],
        on_line: LineSink,
        cancel: CancelToken,
        started: float,
    ) -> None:
        self.backend, self.process, self.on_line, self.cancel = backend, process, on_line, cancel
        self.started = started
        self.deadline = None if request.timeout is None else started + request.timeout
        self.selector = selectors.DefaultSelector()
        assert process.stdout is not None
        self.stdout: IO[bytes] = process.stdout
        self.selector.register(self.stdout, selectors.EVENT_READ, "out")
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_w, False)
        self.selector.register(self.wake_r, selectors.EVENT_READ, "wake")
        self.pidfd = _pidfd(process.pid)
        if self.pidfd is not None:
            self.selector.register(self.pidfd, selectors.EVENT_READ, "exit")
        self.stdin = request.stdin or b""
        if process.stdin is not None:
            os.set_blocking(process.stdin.fileno(), False)
            self.selector.register(process.stdin, selectors.EVENT_WRITE, "in")
        self.pending = bytearray()
        self.stage = 0  # signals sent: 1 SIGINT, 2 SIGTERM, 3 SIGKILL
        self.next_signal = 0.0
        self.stop_reason = ""
        self.exited_at: float | None = None
        self.eof = False
        self.backoff = 0.001
        self.unsubscribe = cancel.on_cancel(self._wake)

    def wait(self) -> ExecResult:
        try:
            self._loop()
            for line in _split(self.pending, final=True)[0]:
                self.on_line(line)
        finally:
            self._finish()
        code = self.process.returncode
        return ExecResult(
            exit_code=code if code >= 0 else 128 - code,
            timed_out=self.stop_reason == "timeout",
            cancelled=self.stop_reason == "cancel",
            duration=time.monotonic() - self.started,
        )

    def _loop(self) -> None:
        while True:
            now = time.monotonic()
            if self.exited_at is None:
                if not self.stage and self.cancel.cancelled:
                    self._escalate(now, "cancel")
                elif not self.stage and self.deadline is not None and now >= self.deadline:
                    self._escalate(now, "timeout")
                elif 0 < self.stage < 3 and now >= self.next_signal:
                    self._escalate(now, self.stop_reason)
                if self.pidfd is None and self.process.poll() is not None:
                    self.exited_at = now
            if self.exited_at is not None and (
                self.eof or now >= self.exited_at + self.backend.drain_grace
            ):
                return
            for key, _ in self.selector.select(self._timeout(now)):
                self._handle(key)

    def _timeout(self, now: float) -> float | None:
        if self.exited_at is not None:
            return max(0.0, self.exited_at + self.backend.drain_grace - now)
        timers = []
        if self.stage and self.stage < 3:
            timers.append(self.next_signal - now)
        elif not self.stage and self.deadline is not None:
            timers.append(self.deadline - now)
        if self.pidfd is None:  # no exit notification here: check with a growing interval
            timers.append(self.backoff)
            self.backoff = min(self.backoff * 2, 0.05)
        return max(0.0, min(timers)) if timers else None

    def _handle(self, key: selectors.SelectorKey) -> None:
        if key.data == "out":
            data = os.read(key.fd, _CHUNK)
            if data:
                self.pending += data
                lines, self.pending = _split(self.pending, final=False)
                for line in lines:
                    self.on_line(line)
            else:
                self.eof = True
                self.selector.unregister(key.fd)
        elif key.data == "exit":
            self.exited_at = time.monotonic()
            self.selector.unregister(key.fd)
        elif key.data == "wake":
            self.selector.unregister(key.fd)  # cancellation happens once; the loop sees it
        elif key.data == "in":
            self._write_stdin(key)

    def _write_stdin(self, key: selectors.SelectorKey) -> None:
        assert self.process.stdin is not None
        try:
            written = os.write(self.process.stdin.fileno(), self.stdin[:_CHUNK])
            self.stdin = self.stdin[written:]
        except BlockingIOError:
            return
        except OSError:  # the process closed its input (or exited): drop the rest
            self.stdin = b""
        if not self.stdin:
            self.selector.unregister(key.fd)
            self.process.stdin.close()

    def _escalate(self, now: float, reason: str) -> None:
        self.stop_reason = reason
        self.stage += 1
        sig, grace = {
            1: (signal.SIGINT, self.backend.sigint_grace),
            2: (signal.SIGTERM, self.backend.sigterm_grace),
        }.get(self.stage, (signal.SIGKILL, 0.0))
        _signal_group(self.process.pid, sig)
        self.next_signal = now + grace

    def _wake(self) -> None:
        with contextlib.suppress(OSError):
            os.write(self.wake_w, b"!")

    def _finish(self) -> None:
        """Reap the process, deal with what is left of its group, close every descriptor."""
        self.unsubscribe()
        group = self.process.pid
        keep = not self.backend.kill_leftovers and not self.stage
        if self.exited_at is None or not keep:
            # The unreaped main process still holds the group id, so this cannot hit a
            # group that reused it.
            _signal_group(group, signal.SIGKILL)
        self.process.wait()
        self.selector.close()
        for fd in (self.wake_r, self.wake_w, self.pidfd):
            if fd is not None:
                os.close(fd)
        if self.process.stdin is not None:
            self.process.stdin.close()
        if keep and _signal_group(group, 0):
            self.backend._keep(group, None if self.eof else self.stdout)
        else:
            self.stdout.close()


def _split(buffer: bytearray, *, final: bool) -> tuple[list[str], bytearray]:
    """Cut complete lines off ``buffer``; return them and the unfinished rest."""
    # A trailing "\r" may be the first half of "\r\n": keep it until more data comes.
    end = len(buffer) - (1 if buffer.endswith(b"\r") and not final else 0)
    last = max(buffer.rfind(b"\n", 0, end), buffer.rfind(b"\r", 0, end))
    cut = end if final else last + 1
    if not cut and len(buffer) > _MAX_LINE:
        cut = _MAX_LINE
        while cut > _MAX_LINE - 3 and (buffer[cut] & 0xC0) == 0x80:
            cut -= 1  # do not split a UTF-8 sequence
        return [buffer[:cut].decode("utf-8", "replace")], buffer[cut:]
    if not cut:
        return [], buffer
    text = bytes(buffer[:cut])
    return [line.decode("utf-8", "replace") for line in text.splitlines()], buffer[cut:]


def _signal_group(group: int, sig: int) -> bool:
    """Send ``sig`` to a process group; False when the group is gone."""
    try:
        os.killpg(group, sig)
    except ProcessLookupError:
        return False
    except PermissionError:  # a member changed user (setuid): it is not ours to stop
        return True
    return True


def _pidfd(pid: int) -> int | None:
    opener = getattr(os, "pidfd_open", None)
    if opener is None:
        return None
    try:
        fd: int = opener(pid)
    except OSError:  # kernel older than 5.3, or a sandbox that forbids it
        return None
    return fd


def _discard(pipe: IO[bytes]) -> None:
    with pipe:
        while pipe.read(_CHUNK):
            pass
