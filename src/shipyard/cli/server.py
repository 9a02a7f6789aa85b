"""The warm server: Shipyard imported once, one forked child per command.

Started in the background by :mod:`shipyard.cli.launch` (``python -m shipyard.cli.server
SOCKET``, where the socket's name is the hash of the identity this process must have). It
imports the modules the served commands need, then listens on a
Unix socket in the user's private runtime folder. For each command it receives the
client's stdin, stdout, stderr and working directory as file descriptors, with its
arguments, environment, umask and signal dispositions; it forks, and the child takes all
of these over and runs :func:`shipyard.cli.main.entry`. The server reaps the child and
sends the client its wait status; a client that goes away gets its child killed, as its
own death would have ended the work in-process.

The server itself never runs a command, so no state passes from one command to the next.
It stops when a module file it loaded changes on disk (refusing the command, which then
runs in the client), when asked to (``shipyard server stop`` or SIGTERM), and after
``$SHIPYARD_SERVER_IDLE`` seconds (default :data:`~shipyard.cli.launch.IDLE_SECONDS`)
without commands, always once its running commands have finished.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import importlib
import marshal
import os
import selectors
import signal
import socket
import sys
import time
from typing import NoReturn

from shipyard.cli.launch import IDLE_SECONDS, PROTOCOL, identity, socket_path
from shipyard.valueclass import dataclass

# What the served commands import: every module of these packages, these command modules
# and libraries. Anything else (reports, scaffolding) is imported by the child that needs it.
PRELOAD_PACKAGES = (
    "shipyard.expr",
    "shipyard.workflow",
    "shipyard.plan",
    "shipyard.engine",
    "shipyard.actions",
    "shipyard.backends",
    "shipyard.stepio",
    "shipyard.store",
)
PRELOAD = (
    "shipyard.cli.main",
    "shipyard.cli.run",
    "shipyard.cli.runplan",
    "shipyard.cli.runview",
    "shipyard.cli.runreport",
    "shipyard.cli.validate",
    "shipyard.cli.listing",
    "shipyard.cli.runs",
    "shipyard.cli.show",
    "shipyard.cli.logs",
    "shipyard.cli.evaluate",
    "shipyard.workflow_cache",
    "shipyard.tools.gatefile",
    "yaml",
    "argparse",
    "ctypes",
    "json",
    "tempfile",
    "shutil",
    "sqlite3",
    "subprocess",
    "threading",
)
_REQUEST_TIMEOUT = 5.0


@dataclass(frozen=True, slots=True)
class Request:
    """One client's command and the state its process had (see :mod:`shipyard.cli.launch`)."""

    version: int
    op: str  # "run", "status" or "stop"
    key: str
    argv: list[str]
    env: list[tuple[bytes, bytes]]
    umask: int
    ignored: list[int]  # signals the client ignores
    blocked: list[int]  # signals the client blocks


def parse_request(data: bytes) -> Request:
    """The marshalled request, checked field by field (ValueError when malformed)."""
    fields = marshal.loads(data)
    if not isinstance(fields, tuple) or len(fields) != 8:
        raise ValueError("malformed request")
    version, op, key, argv, env, umask, ignored, blocked = fields
    ok = (
        isinstance(version, int)
        and isinstance(op, str)
        and isinstance(key, str)
        and isinstance(argv, list)
        and all(isinstance(a, str) for a in argv)
        and isinstance(env, list)
        and all(
            isinstance(p, tuple) and len(p) == 2 and all(isinstance(x, bytes) for x in p)
            for p in env
        )
        and isinstance(umask, int)
        and all(
            isinstance(x, list) and all(isinstance(n, int) for n in x) for x in (ignored, blocked)
        )
    )
    if not ok:
        raise ValueError("malformed request")
    return Request(version, op, key, argv, env, umask, ignored, blocked)


_PR_SET_PDEATHSIG = 1


def serve(path: str, idle: float = IDLE_SECONDS) -> int:
    """Serve clients of this process's identity on ``path`` until idle, stale or stopped."""
    key = identity()
    if socket_path(os.path.dirname(path), key) != path:
        return 1  # started with other settings than the client's: it could serve no one
    # `-m` put this process's working folder, /, first on sys.path; the console script puts
    # its own folder there, which the children should search in its place.
    sys.path[0] = os.path.dirname(sys.executable)
    lock = os.open(path[: -len(".sock")] + ".lock", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return 0  # another server for this identity is starting or running
    _preload()
    loaded = _module_files()
    gc.collect()
    gc.freeze()  # shared with every child, never scanned again
    # Listening before it takes the socket's name: a client never meets a socket that
    # refuses; the name may still belong to a server that died, which this one replaces.
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    temporary = f"{path}.{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temporary)
    listener.bind(temporary)
    listener.listen(64)
    os.rename(temporary, path)
    return _Server(path, key, lock, listener, loaded, idle).loop()


def _preload() -> None:
    import pkgutil

    names = list(PRELOAD)
    for package in PRELOAD_PACKAGES:
        module = importlib.import_module(package)
        names.extend(m.name for m in pkgutil.walk_packages(module.__path__, package + "."))
    for name in names:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


class _Server:
    def __init__(
        self,
        path: str,
        key: str,
        lock: int,
        listener: socket.socket,
        loaded: dict[str, tuple[int, int]],
        idle: float,
    ) -> None:
        self.path, self.key, self.lock, self.listener = path, key, lock, listener
        self.loaded, self.idle = loaded, idle
        self.children: dict[int, socket.socket] = {}
        self.selector = selectors.DefaultSelector()
        self.wake_read, self.wake_write = os.pipe()
        os.set_blocking(self.wake_read, False)
        os.set_blocking(self.wake_write, False)
        signal.set_wakeup_fd(self.wake_write)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        signal.signal(signal.SIGTERM, lambda *_: self.stop())
        self.selector.register(listener, selectors.EVENT_READ, "accept")
        self.selector.register(self.wake_read, selectors.EVENT_READ, "wake")
        self.listening = True
        self.last = time.monotonic()
        self.pid = os.getpid()
        self.started = time.monotonic()
        self.served = 0

    def loop(self) -> int:
        while self.listening or self.children:
            timeout = None if self.children else max(0.0, self.last + self.idle - time.monotonic())
            if not self.listening:
                timeout = None
            events = self.selector.select(timeout)
            if not events and not self.children and self.listening:
                if time.monotonic() - self.last >= self.idle:
                    self.stop()
                continue
            for selected, _ in events:
                if selected.data == "accept":
                    self.accept()
                elif selected.data == "wake":
                    with contextlib.suppress(OSError):
                        os.read(self.wake_read, 512)
                    self.reap()
                else:
                    self.client_event(selected.data)
        return 0

    def stop(self) -> None:
        """Take no more commands; the loop ends when the running ones have finished."""
        if not self.listening:
            return
        self.listening = False
        self.selector.unregister(self.listener)
        # the lock is still held, so no fresh server can have bound this path yet
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
        self.listener.close()
        os.close(self.lock)  # a fresh server may start now

    def accept(self) -> None:
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        try:
            credentials = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12)
            if int.from_bytes(credentials[4:8], sys.byteorder) != os.getuid():
                raise OSError("another user")
            conn.settimeout(_REQUEST_TIMEOUT)
            request, fds = _receive(conn)
        except (OSError, ValueError, EOFError, TypeError):
            conn.close()
            return
        if request.op in ("status", "stop"):
            for fd in fds:
                os.close(fd)
            age = time.monotonic() - self.started
            with contextlib.suppress(OSError):
                conn.sendall(b"K%d %d %d %.1f\n" % (self.pid, self.served, len(self.children), age))
            conn.close()
            if request.op == "stop":
                self.stop()
            return
        self.last = time.monotonic()
        if (
            request.version != PROTOCOL
            or request.op != "run"
            or request.key != self.key
            or len(fds) != 4
            or self._stale()
        ):
            with contextlib.suppress(OSError):
                conn.sendall(b"R\n")
            for fd in fds:
                os.close(fd)
            conn.close()
            self.stop()
            return
        # The client forwards its signals as soon as it learns the child's pid; blocked
        # from before the fork until the child has taken the client's state, one sent
        # meanwhile stays pending in the kernel instead of being lost in CPython's
        # after-fork reset (or raising in the middle of the set-up).
        held = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD_DURING_FORK)
        try:
            pid = os.fork()
        except OSError:  # no memory or processes left: the client runs the command itself
            pid = -1
        if pid == 0:
            self._child(conn, fds, request)
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        for fd in fds:
            os.close(fd)
        if pid < 0:
            conn.close()
            return
        self.served += 1
        conn.setblocking(False)
        self.children[pid] = conn
        self.selector.register(conn, selectors.EVENT_READ, pid)
        with contextlib.suppress(OSError):
            conn.sendall(b"P%d\n" % pid)

    def client_event(self, pid: int) -> None:
        conn = self.children.get(pid)
        if conn is None:
            return
        try:
            data = conn.recv(64)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:  # the client is gone: so is the command it was running
            self.selector.unregister(conn)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            conn = self.children.pop(pid, None)
            if conn is None:
                continue
            reply = (
                b"S%d\n" % os.WTERMSIG(status)
                if os.WIFSIGNALED(status)
                else b"X%d\n" % os.waitstatus_to_exitcode(status)
            )
            with contextlib.suppress(KeyError, ValueError):
                self.selector.unregister(conn)
            with contextlib.suppress(OSError):
                conn.setblocking(True)
                conn.sendall(reply)
            conn.close()
            self.last = time.monotonic()

    def _stale(self) -> bool:
        return _module_files(self.loaded) != self.loaded

    def _child(
        self,
        conn: socket.socket,
        fds: list[int],
        request: Request,
    ) -> None:  # pragma: no cover - runs in the forked child, measured by its behaviour
        try:
            _die_with_parent(self.pid)
            signal.set_wakeup_fd(-1)
            self.selector.close()
            for fd in (self.wake_read, self.wake_write, self.lock):
                os.close(fd)
            self.listener.close()
            for other in self.children.values():
                other.close()
            conn.close()
            for own in (signal.SIGCHLD, signal.SIGTERM):
                signal.signal(own, signal.SIG_DFL)
            for signum in request.ignored:
                signal.signal(signum, signal.SIG_IGN)
            stdin, stdout, stderr, cwd = fds
            for source, target in ((stdin, 0), (stdout, 1), (stderr, 2)):
                os.dup2(source, target)
            for fd in set(fds):
                if fd > 2 and fd != cwd:
                    os.close(fd)
            os.fchdir(cwd)
            os.close(cwd)
            os.umask(request.umask)
            os.environb.clear()
            os.environb.update(request.env)
            time.tzset()
            tempfile = sys.modules.get("tempfile")
            if tempfile is not None:
                tempfile.tempdir = None  # type: ignore[attr-defined]
            sys.argv = ["shipyard", *request.argv]
            sys.stdout.reconfigure(line_buffering=os.isatty(1))  # type: ignore[union-attr]
        except BaseException:
            import traceback

            traceback.print_exc()
            os._exit(3)
        try:
            # the client's mask: a signal it forwarded during the set-up is delivered now
            signal.pthread_sigmask(signal.SIG_SETMASK, request.blocked)
            from shipyard.cli.main import entry
        except KeyboardInterrupt:  # Ctrl-C before the command began: die of it, as here
            _die_of(signal.SIGINT)
        entry(request.argv)


_HELD_DURING_FORK = frozenset(
    getattr(signal, name)
    for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGWINCH")
)


def _die_of(signum: int) -> NoReturn:  # pragma: no cover - ends the forked child
    """End this process by ``signum`` with its default action, as an unhandled one would."""
    signal.signal(signum, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signum})
    os.kill(os.getpid(), signum)
    os._exit(128 + signum)


def _receive(conn: socket.socket) -> tuple[Request, list[int]]:
    """One request: its 8-byte length with the descriptors, then the marshalled fields.

    The descriptors received are closed again when the request turns out malformed.
    """
    header, ancillary, _, _ = conn.recvmsg(8, socket.CMSG_SPACE(4 * 4))
    fds: list[int] = []
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            usable = len(data) - len(data) % 4
            fds.extend(
                int.from_bytes(data[i : i + 4], sys.byteorder, signed=True)
                for i in range(0, usable, 4)
            )
    try:
        if len(header) != 8:
            raise EOFError("short request")
        size = int.from_bytes(header, "big")
        if size > 64 << 20:
            raise ValueError("request too large")
        chunks, remaining = [], size
        while remaining:
            chunk = conn.recv(min(remaining, 1 << 20))
            if not chunk:
                raise EOFError("request cut short")
            chunks.append(chunk)
            remaining -= len(chunk)
        return parse_request(b"".join(chunks)), fds
    except BaseException:
        for fd in fds:
            os.close(fd)
        raise


def _module_files(
    previous: dict[str, tuple[int, int]] | None = None,
) -> dict[str, tuple[int, int]]:
    """(mtime, size) of every loaded module's file: a change means the code on disk moved on."""
    names = previous.keys() if previous is not None else _loaded_files()
    out: dict[str, tuple[int, int]] = {}
    for name in names:
        try:
            st = os.stat(name)
        except OSError:
            continue
        out[name] = (st.st_mtime_ns, st.st_size)
    return out


def _loaded_files() -> list[str]:
    files = [sys.executable]
    for module in list(sys.modules.values()):
        name = getattr(module, "__file__", None)
        if isinstance(name, str):
            files.append(name)
    return files


def _die_with_parent(parent: int) -> None:
    """The child dies with the server, so a client never waits on a child no one reports."""
    ctypes = sys.modules.get("ctypes")
    if ctypes is None:
        return
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the server died before the line above
        os._exit(1)


if __name__ == "__main__":
    sys.exit(serve(sys.argv[1], float(os.environ.get("SHIPYARD_SERVER_IDLE", IDLE_SECONDS))))
