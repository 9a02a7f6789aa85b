"""The ``shipyard`` console script: hand the command to a warm server, or run it here.

Starting Python and importing what ``shipyard run`` needs takes ~70 ms on a small machine,
while the work of a one-step run takes ~15 ms. A warm server (:mod:`shipyard.cli.server`)
has imported everything once and forks one child per command; the child takes this
process's arguments, environment, working directory, umask, signal dispositions and its
stdin, stdout and stderr (passed as file descriptors), so it behaves as this process would.
This process waits, forwards the signals it gets (Ctrl-C, ``kill``, a hang-up) to the child
and exits with the child's status, or dies of the child's signal.

The first run with a given identity (interpreter, ``sys.path``, ``PYTHON*`` and locale
variables, user, limits, namespaces, cgroup, CPU set) runs here and leaves a mark; the
second one, within the idle time, also starts a server in the background. A server serves
only clients of its identity, exits when any module file it loaded changes (the next
command runs here and starts a fresh one), and after ``IDLE_SECONDS`` without commands.

No server is used when ``SHIPYARD_SERVER=0``, for commands that may ask on a terminal,
when coverage.py measures the process, or when anything about the hand-over fails: then
the command runs in this process, exactly as before.

This module runs before anything else, so it imports only modules built into the
interpreter (``_socket``, ``_signal``, ``marshal``): no ``socket``, ``signal`` or ``enum``.
"""

from __future__ import annotations

import _socket
import marshal
import os
import sys

TYPE_CHECKING = False  # typing itself costs a few ms to import
if TYPE_CHECKING:
    import signal as _signal
    from collections.abc import Sequence
    from typing import NoReturn
else:
    import _signal  # built in and already loaded: `signal` would import enum

PROTOCOL = 1
IDLE_SECONDS = 600
MAX_SERVERS = 4  # per runtime folder: distinct identities each get one, up to this many
# Commands that never read from a terminal: a server's child is not in the terminal's
# foreground process group, so reading the terminal would stop it.
SERVED = frozenset({"run", "validate", "list", "runs", "show", "logs"})
SERVED_WITHOUT_TERMINAL = frozenset({"eval"})
_OFF = frozenset({"0", "off", "no", "false"})
_FORWARDED = ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGWINCH")
_MIRRORED = ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGALRM")


def entry() -> NoReturn:
    """Run the command in a warm server's child when one serves this identity, else here."""
    argv = sys.argv[1:]
    if _wanted(argv):
        status = _through_server(argv)
        if status is not None:
            _exit_like(status)
    try:
        from shipyard.cli.main import entry as run_here
    except KeyboardInterrupt:  # Ctrl-C before the command began: die of it, no traceback
        _exit_like(_signal.SIGINT)
    run_here(argv)


def _wanted(argv: Sequence[str]) -> bool:
    if os.environ.get("SHIPYARD_SERVER", "").lower() in _OFF:
        return False
    if any(name.startswith("COVERAGE_") for name in os.environ):
        return False  # coverage.py measures this process: the work must happen in it
    command = next((a for a in argv if not a.startswith("-")), None)
    if command not in SERVED and command not in SERVED_WITHOUT_TERMINAL:
        return False
    try:
        for fd in (0, 1, 2):
            os.fstat(fd)  # a closed one would be taken by the descriptors opened next
        terminals = [fd for fd in (0, 1, 2) if os.isatty(fd)]
        if command in SERVED_WITHOUT_TERMINAL and 0 in terminals:
            return False
        return not any(_stops_background_writers(fd) for fd in terminals if fd)
    except OSError:
        return False


def _stops_background_writers(fd: int) -> bool:
    """``stty tostop``: the terminal would stop the child, outside its foreground group."""
    import termios

    return bool(termios.tcgetattr(fd)[3] & termios.TOSTOP)


def runtime_dir() -> str | None:
    """The private folder holding servers' sockets, or None when it cannot be trusted.

    ``$SHIPYARD_RUNTIME_DIR``, else ``$XDG_RUNTIME_DIR/shipyard``, else
    ``/tmp/shipyard-UID``: created with mode 0700, and used only while it is a real
    folder owned by this user that no one else may enter.
    """
    path = os.environ.get("SHIPYARD_RUNTIME_DIR")
    if not path:
        xdg = os.environ.get("XDG_RUNTIME_DIR")
        path = os.path.join(xdg, "shipyard") if xdg else f"/tmp/shipyard-{os.getuid()}"
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return None
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if (st.st_mode & 0o170777) != 0o040700 or st.st_uid != os.getuid():
        return None
    return path


def identity() -> str:
    """What a server must share with a client to run its commands as the client would."""
    import resource

    env = sorted(
        (k, v)
        for k, v in os.environ.items()
        if k.startswith(("PYTHON", "LC_")) or k in ("LANG", "LANGUAGE")
    )
    limits = [
        resource.getrlimit(getattr(resource, name))
        for name in sorted(dir(resource))
        if name.startswith("RLIMIT_")
    ]
    namespaces = []
    try:
        for name in sorted(os.listdir("/proc/self/ns")):
            namespaces.append(os.readlink(f"/proc/self/ns/{name}"))
        with open("/proc/self/cgroup", "rb") as cgroup:
            namespaces.append(cgroup.read().decode("ascii", "replace"))
        namespaces.append(os.readlink("/proc/self/root"))
    except OSError:
        pass
    parts = (
        PROTOCOL,
        sys.executable,
        sys.version,
        tuple(sys.flags),
        sorted(sys._xoptions.items()),
        sys.path[1:],  # [0] is the script's folder or the working directory
        (os.getuid(), os.geteuid(), os.getgid(), os.getegid(), sorted(os.getgroups())),
        env,
        limits,
        namespaces,
        sorted(os.sched_getaffinity(0)),
    )
    return repr(parts)


def socket_path(folder: str, key: str) -> str:
    """The socket of the server for ``key`` in ``folder``."""
    from _blake2 import blake2b

    return os.path.join(folder, blake2b(key.encode(), digest_size=10).hexdigest() + ".sock")


def _through_server(argv: Sequence[str]) -> int | None:
    """The child's wait status, or None when no server took the command."""
    try:
        folder = runtime_dir()
        if folder is None:
            return None
        key = identity()
        path = socket_path(folder, key)
        if len(path.encode()) > 96:  # Unix socket paths: 107 bytes, and the server's suffix
            return None
        connection = _connect(path)
        if connection is None:
            _maybe_start_server(folder, path)
            return None
    except Exception:  # any trouble handing over: run here instead
        return None
    return _hand_over(connection, key, argv)


def _connect(path: str) -> _socket.socket | None:
    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        sock.connect(path)
    except OSError:  # none, or one that died (its successor replaces the socket)
        sock.close()
        return None
    credentials = sock.getsockopt(_socket.SOL_SOCKET, _socket.SO_PEERCRED, 12)
    if int.from_bytes(credentials[4:8], sys.byteorder) != os.getuid():
        sock.close()  # not our own server: never hand it our environment
        return None
    return sock


def _hand_over(sock: _socket.socket, key: str, argv: Sequence[str]) -> int | None:
    pending: list[int] = []
    child = [0]

    def forward(signum: int, frame: object) -> None:
        if child[0]:
            os.kill(child[0], signum)
        else:
            pending.append(signum)

    def suspend(signum: int, frame: object) -> None:
        """Ctrl-Z: stop the child with this process, and continue it with this process."""
        if child[0]:
            os.kill(child[0], _signal.SIGSTOP)
        os.kill(os.getpid(), _signal.SIGSTOP)
        if child[0]:
            os.kill(child[0], _signal.SIGCONT)

    forwarded: dict[int, object] = {}
    ignored = []
    for name in _MIRRORED:
        if _signal.getsignal(getattr(_signal, name)) == _signal.SIG_IGN:
            ignored.append(getattr(_signal, name))
    cwd = -1
    try:
        cwd = os.open(".", os.O_RDONLY | os.O_DIRECTORY)
        umask = os.umask(0o022)
        os.umask(umask)
        blocked = sorted(int(s) for s in _signal.pthread_sigmask(_signal.SIG_BLOCK, []))
        request = marshal.dumps(
            (
                PROTOCOL,
                "run",
                key,
                list(argv),
                list(os.environb.items()),
                umask,
                ignored,
                blocked,
            )
        )
        fds = b"".join(fd.to_bytes(4, sys.byteorder, signed=True) for fd in (0, 1, 2, cwd))
        for name in _FORWARDED:
            signum = getattr(_signal, name)
            if signum not in ignored:
                forwarded[signum] = _signal.signal(signum, forward)
        if _signal.getsignal(_signal.SIGTSTP) == _signal.SIG_DFL:
            forwarded[_signal.SIGTSTP] = _signal.signal(_signal.SIGTSTP, suspend)
        sock.sendmsg(
            [len(request).to_bytes(8, "big")], [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, fds)]
        )
        sock.sendall(request)
    except Exception:  # the server is gone or refused: run here
        _restore(forwarded, sock, pending)
        return None
    finally:
        if cwd >= 0:
            os.close(cwd)
    buffer = b""
    while True:
        try:
            data = sock.recv(4096)
        except OSError:
            data = b""
        if not data:
            if child[0]:  # the server was killed: the child was killed with it
                return _signal.SIGKILL
            _restore(forwarded, sock, pending)  # it could not fork: run here
            return None
        buffer += data
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            kind, value = line[:1], line[1:]
            if kind == b"P":
                child[0] = int(value)
                for signum in pending:
                    os.kill(child[0], signum)
                pending.clear()
            elif kind == b"X":
                return int(value) << 8
            elif kind == b"S":
                return int(value)
            elif kind == b"R":  # refused: its code changed on disk; it is stopping
                _restore(forwarded, sock, pending)
                return None


def _restore(handlers: dict[int, object], sock: _socket.socket, pending: list[int]) -> None:
    """Before the command runs here after all: the signal handlers it had, no socket, and
    the signals that came meanwhile delivered again, to this process."""
    sock.close()
    for signum, previous in handlers.items():
        _signal.signal(signum, previous)  # type: ignore[arg-type]
    for signum in pending:
        os.kill(os.getpid(), signum)


def _exit_like(status: int) -> NoReturn:
    """Exit with a wait status: the child's exit code, or death by the child's signal."""
    signum = status & 0x7F
    if signum:
        sys.stdout.flush()
        _signal.signal(signum, _signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        os._exit(128 + signum)
    os._exit(status >> 8)


def _maybe_start_server(folder: str, path: str) -> None:
    """Start a server for this identity when this identity ran recently, without waiting for it."""
    import time

    mark = path[: -len(".sock")] + ".seen"
    try:
        seen = os.stat(mark).st_mtime
    except OSError:
        seen = 0.0
    now = time.time()
    with open(mark, "wb"):
        pass  # the mark of this run: the next one within the idle time starts a server
    if now - seen > IDLE_SECONDS:
        return
    if _live_servers(folder) >= MAX_SERVERS:
        return
    env = {
        k: v
        for k, v in os.environ.items()
        if k.startswith(("PYTHON", "LC_", "SHIPYARD_SERVER"))
        or k in ("LANG", "LANGUAGE", "HOME", "PATH")
    }
    # the same interpreter options as this process (-X, -O, -B, ...), as multiprocessing does
    from subprocess import _args_from_interpreter_flags  # type: ignore[attr-defined]

    options: list[str] = _args_from_interpreter_flags()
    argv = [sys.executable, *options, "-m", "shipyard.cli.server", path]
    first = os.fork()
    if first == 0:  # pragma: no cover - runs in the detached process
        try:
            os.setsid()
            if os.fork() == 0:
                null = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1, 2):
                    os.dup2(null, fd)
                os.closerange(3, 1 << 16)
                os.chdir("/")
                os.execve(sys.executable, argv, env)
        finally:
            os._exit(0)
    os.waitpid(first, 0)


def _live_servers(folder: str) -> int:
    """Servers running or starting in ``folder``: each holds the lock of its identity."""
    import fcntl

    live = 0
    for name in os.listdir(folder):
        if not name.endswith(".lock"):
            continue
        try:
            fd = os.open(os.path.join(folder, name), os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            live += 1
        finally:
            os.close(fd)
    return live


def request_stop(path: str) -> bool:
    """Ask the server at ``path`` to stop once its commands finish; False if none answered."""
    return _ask(path, "stop") is not None


def request_status(path: str) -> tuple[int, int, int, float] | None:
    """(pid, commands served, commands running, seconds since start) of the server at
    ``path``, or None when none answers."""
    reply = _ask(path, "status")
    if reply is None:
        return None
    pid, served, running, age = reply.split()
    return int(pid), int(served), int(running), float(age)


def _ask(path: str, op: str) -> str | None:
    connection = _connect(path)
    if connection is None:
        return None
    try:
        request = marshal.dumps((PROTOCOL, op, "", [], [], 0, [], []))
        connection.sendmsg([len(request).to_bytes(8, "big")])
        connection.sendall(request)
        reply = b""
        while not reply.endswith(b"\n"):
            data = connection.recv(256)
            if not data:
                return None
            reply += data
        return reply[1:].decode() if reply.startswith(b"K") else None
    except OSError:
        return None
    finally:
        connection.close()
