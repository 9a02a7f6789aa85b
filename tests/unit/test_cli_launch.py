"""The warm-server client's decisions, and the server's reading of requests."""

from __future__ import annotations

import marshal
import os
from pathlib import Path

import pytest

from shipyard.cli import launch
from shipyard.cli.server import Request, parse_request


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in list(os.environ):
        if name.startswith(("COVERAGE_", "SHIPYARD_SERVER")):
            monkeypatch.delenv(name)
    return monkeypatch


@pytest.mark.parametrize(
    ("argv", "wanted"),
    [
        (["run"], True),
        (["run", "--dry-run"], True),
        (["-h"], False),
        ([], False),
        (["validate"], True),
        (["runs"], True),
        (["show", "1"], True),
        (["logs"], True),
        (["list"], True),
        (["init"], False),  # may ask on the terminal
        (["report", "tests"], False),
        (["bench"], False),
        (["gate"], False),
        (["server"], False),
    ],
)
def test_which_commands_are_served(
    argv: list[str], wanted: bool, clean_env: pytest.MonkeyPatch
) -> None:
    assert launch._wanted(argv) is wanted


@pytest.mark.parametrize("value", ["0", "off", "no", "false", "OFF"])
def test_shipyard_server_off(value: str, clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("SHIPYARD_SERVER", value)
    assert launch._wanted(["run"]) is False


def test_not_served_while_coverage_measures(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("COVERAGE_PROCESS_START", "pyproject.toml")
    assert launch._wanted(["run"]) is False


def test_the_runtime_folder_is_made_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "rt"
    monkeypatch.setenv("SHIPYARD_RUNTIME_DIR", str(folder))
    assert launch.runtime_dir() == str(folder)
    assert folder.stat().st_mode & 0o777 == 0o700


@pytest.mark.parametrize("mode", [0o755, 0o710, 0o701])
def test_a_runtime_folder_others_may_enter_is_not_used(
    mode: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "rt"
    folder.mkdir(mode=0o700)
    folder.chmod(mode)
    monkeypatch.setenv("SHIPYARD_RUNTIME_DIR", str(folder))
    assert launch.runtime_dir() is None


def test_a_symlinked_runtime_folder_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    (tmp_path / "link").symlink_to(real)
    monkeypatch.setenv("SHIPYARD_RUNTIME_DIR", str(tmp_path / "link"))
    assert launch.runtime_dir() is None


def test_the_identity_follows_python_and_locale_variables_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = launch.identity()
    monkeypatch.setenv("SOME_SECRET", "x")
    monkeypatch.setenv("HOME", "/elsewhere")
    assert launch.identity() == before  # the child takes these from the client
    monkeypatch.setenv("LC_ALL", "C")
    assert launch.identity() != before
    monkeypatch.delenv("LC_ALL")
    monkeypatch.setenv("PYTHONWARNINGS", "error")
    assert launch.identity() != before


def test_a_request_round_trips() -> None:
    fields = (1, "run", "k", ["run", "--no-live"], [(b"A", b"1")], 0o22, [1], [])
    assert parse_request(marshal.dumps(fields)) == Request(*fields)


@pytest.mark.parametrize(
    "fields",
    [
        (1, "run", "k", ["run"], [(b"A", b"1")], 0o22, [1]),  # one field short
        (1, "run", "k", [b"run"], [], 0o22, [], []),  # argv of bytes
        (1, "run", "k", ["run"], [("A", "1")], 0o22, [], []),  # environment of str
        (1, "run", "k", ["run"], [], "022", [], []),
        (1, "run", "k", ["run"], [], 0o22, ["SIGINT"], []),
        ["not", "a", "tuple"],
    ],
)
def test_malformed_requests_are_refused(fields: object) -> None:
    with pytest.raises(ValueError, match="malformed request"):
        parse_request(marshal.dumps(fields))


def test_the_client_imports_only_modules_built_into_the_interpreter() -> None:
    """Its start-up is the served command's whole overhead: keep `socket`, `signal`,
    `enum`, `typing` and the rest out of it."""
    import os
    import subprocess
    import sys

    # without coverage.py's start-up hook, which imports modules of its own first
    env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE")}
    done = subprocess.run(
        [sys.executable, "-c",
         "import sys; before = set(sys.modules); import shipyard.cli.launch; "
         "print(sorted(set(sys.modules) - before))"],
        capture_output=True, text=True, check=True, timeout=60, env=env,
    )  # fmt: skip
    assert done.stdout == (
        "['__future__', '_socket', 'shipyard', 'shipyard.cli', 'shipyard.cli.launch']\n"
    )


def _hand_over_to(reply: bytes | None) -> tuple[int | None, object]:
    """``_hand_over`` to a server end that reads the request, then sends ``reply`` (or
    closes at once): its result, and the SIGINT handler it left behind."""
    import signal
    import socket
    import threading

    from shipyard.cli.server import _receive

    client, server = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    received: list[object] = []

    def serve() -> None:
        request, fds = _receive(server)
        received.append(request)
        for fd in fds:
            os.close(fd)
        if reply is not None:
            server.sendall(reply)
        server.close()

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        status = launch._hand_over(client, "key", ["run", "--no-live"])
    finally:
        thread.join(timeout=10)
        client.close()
    assert isinstance(received[0], Request) and received[0].argv == ["run", "--no-live"]
    return status, signal.getsignal(signal.SIGINT)


def test_the_exit_status_comes_back() -> None:
    import signal

    before = signal.getsignal(signal.SIGINT)
    assert _hand_over_to(b"P999999999\nX3\n")[0] == 3 << 8
    signal.signal(signal.SIGINT, before)
    assert _hand_over_to(b"P999999999\nS15\n")[0] == 15
    signal.signal(signal.SIGINT, before)


@pytest.mark.parametrize("reply", [None, b"R\n"], ids=["closed-before-forking", "refused"])
def test_when_the_server_does_not_take_the_command_it_runs_here_with_its_handlers(
    reply: bytes | None,
) -> None:
    import signal

    before = signal.getsignal(signal.SIGINT)
    status, after = _hand_over_to(reply)
    assert status is None
    assert after is before  # Ctrl-C interrupts the command run here, as without a server
