"""Warm servers: commands handed over by the real ``shipyard`` process to a real server.

Each test has its own runtime folder, so its servers are its own; they are stopped at the
end. Whether a command was served is read from /proc: a served run's steps have the
server as their grandparent.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from shipyard.cli.launch import request_status, request_stop

WORKFLOW = """\
on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo "grandparent=$(awk '{print $4}' /proc/$PPID/stat)."
          echo "umask=$(umask)"
          echo "shipyard-pid=$PPID" > "$MARKERS/pid"
          test -z "$SLEEP" || sleep "$SLEEP"
          test -z "$FAIL"
"""


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "runtime"
    folder.mkdir(mode=0o700)
    yield folder
    for sock in folder.glob("*.sock"):
        request_stop(str(sock))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "w.yml").write_text(WORKFLOW)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=root, check=True)
    subprocess.run([*git, "add", "."], cwd=root, check=True)
    subprocess.run([*git, "commit", "-qm", "w"], cwd=root, check=True)
    (tmp_path / "markers").mkdir()
    return root


def _env(runtime: Path, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHIPYARD_", "COVERAGE_"))}
    env.update(
        SHIPYARD_RUNTIME_DIR=str(runtime),
        SHIPYARD_HOME=str(tmp_path / "home"),
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
    )
    env.update(extra)
    return env


def _shipyard(
    repo: Path, env: dict[str, str], *args: str, **kwargs: object
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "shipyard", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        **kwargs,
    )


def _run(repo: Path, env: dict[str, str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    markers = repo.parent / "markers"
    return _shipyard(repo, env, "run", "--no-live", "--env", f"MARKERS={markers}", **kwargs)


def _server_pid(runtime: Path) -> int:
    """The pid of the server answering in ``runtime``, once it answers (10 s at most)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for sock in runtime.glob("*.sock"):
            status = request_status(str(sock))
            if status is not None:
                return status[0]
        time.sleep(0.05)
    raise AssertionError(f"no server in {runtime}: {sorted(p.name for p in runtime.iterdir())}")


def _warm(repo: Path, env: dict[str, str], runtime: Path) -> int:
    """Two runs: the first leaves its mark, the second starts the server."""
    for _ in range(2):
        assert _run(repo, env).returncode == 0
    return _server_pid(runtime)


def _grandparent(output: str) -> int:
    found = re.search(r"grandparent=(\d+)\.", output)
    assert found, output
    return int(found.group(1))


def test_the_second_run_starts_a_server_and_later_runs_are_served(
    repo: Path, runtime: Path, tmp_path: Path
) -> None:
    env = _env(runtime, tmp_path)
    first = _run(repo, env)
    assert first.returncode == 0, first.stderr
    assert [p.suffix for p in runtime.iterdir()] == [".seen"]  # marked, nothing started
    server = _warm(repo, env, runtime)
    served = _run(repo, env)
    assert served.returncode == 0, served.stderr
    assert _grandparent(served.stdout) == server
    assert _grandparent(first.stdout) != server
    # what the user sees is the same either way
    assert "job success" in served.stdout
    assert "run 4 success" in served.stderr
    records = _shipyard(repo, env, "runs")
    assert records.returncode == 0 and records.stdout.count("success") == 4


def test_a_served_run_takes_the_clients_environment_umask_and_exit_code(
    repo: Path, runtime: Path, tmp_path: Path
) -> None:
    server = _warm(repo, _env(runtime, tmp_path), runtime)
    other_home = tmp_path / "other-home"
    env = _env(runtime, tmp_path, SHIPYARD_HOME=str(other_home))
    done = _run(repo, env, umask=0o027)
    assert _grandparent(done.stdout) == server
    assert "umask=0027" in done.stdout
    assert _shipyard(repo, env, "runs").stdout.count("success") == 1  # recorded there
    failing = _shipyard(
        repo, env, "run", "--no-live", "--env", f"MARKERS={repo.parent / 'markers'}",
        "--env", "FAIL=1",
    )  # fmt: skip
    assert _grandparent(failing.stdout) == server
    assert failing.returncode == 1
    assert "job failure" in failing.stdout


def test_stdin_and_stdout_are_the_clients(repo: Path, runtime: Path, tmp_path: Path) -> None:
    env = _env(runtime, tmp_path)
    _warm(repo, env, runtime)
    (sock,) = runtime.glob("*.sock")
    before = _served(sock)
    lines = '{"id": 1, "expr": "1 == 1", "contexts": {}}\n'
    for _ in range(3):  # `eval` reading a pipe is served like `run`
        done = _shipyard(repo, env, "eval", "--jsonl", input=lines)
        assert done.returncode == 0, done.stderr
        assert done.stdout == '{"id": 1, "ok": true, "value": true, "coerced": "true"}\n'
    assert _served(sock) == before + 3


def test_server_status_and_stop(repo: Path, runtime: Path, tmp_path: Path) -> None:
    env = _env(runtime, tmp_path)
    server = _warm(repo, env, runtime)
    status = _shipyard(repo, env, "server")
    assert status.returncode == 0
    header, line = status.stdout.splitlines()
    assert header.split() == ["PID", "SERVED", "RUNNING", "UP", "SOCKET"]
    assert line.split()[:3] == [str(server), "0", "0"]
    stop = _shipyard(repo, env, "server", "stop")
    assert (stop.returncode, stop.stderr) == (0, "1 server stopping\n")
    _wait_gone(server)
    again = _shipyard(repo, env, "server", "status")
    assert again.stderr == f"no warm servers in {runtime}\n"


def _served(sock: Path) -> int:
    status = request_status(str(sock))
    assert status is not None
    return status[1]


def test_ctrl_c_reaches_the_served_run_and_it_is_recorded_cancelled(
    repo: Path, runtime: Path, tmp_path: Path
) -> None:
    env = _env(runtime, tmp_path)
    server = _warm(repo, env, runtime)
    with _sleeping_run(repo, env, 30, stderr=subprocess.PIPE) as (process, child):
        assert _parent_of(child) == server
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
        assert process.returncode == 1, err
        assert "cancelling the run" in err
        assert "cancelled" in _shipyard(repo, env, "runs").stdout


def test_a_killed_client_takes_its_served_run_with_it(
    repo: Path, runtime: Path, tmp_path: Path
) -> None:
    env = _env(runtime, tmp_path)
    _warm(repo, env, runtime)
    with _sleeping_run(repo, env, 30) as (process, child):
        process.kill()
        process.wait(timeout=10)
        _wait_gone(child)


def test_a_served_command_killed_by_a_signal_kills_the_client_with_it(
    repo: Path, runtime: Path, tmp_path: Path
) -> None:
    env = _env(runtime, tmp_path)
    _warm(repo, env, runtime)
    with _sleeping_run(repo, env, 30) as (process, _):
        process.terminate()  # SIGTERM's default action, in the child as it would be here
        assert process.wait(timeout=30) == -signal.SIGTERM


def test_a_server_refuses_once_its_code_changed_and_a_fresh_one_follows(
    repo: Path, runtime: Path, tmp_path: Path
) -> None:
    import shipyard

    copy = tmp_path / "src"
    shutil.copytree(Path(shipyard.__file__).parent, copy / "shipyard")
    env = _env(runtime, tmp_path, PYTHONPATH=str(copy))
    old = _warm(repo, env, runtime)
    module = copy / "shipyard" / "cli" / "runview.py"
    module.write_text(module.read_text() + "\n# changed\n")
    refused = _run(repo, env)  # runs in the client, with the changed code
    assert refused.returncode == 0, refused.stderr
    assert _grandparent(refused.stdout) != old
    _wait_gone(old)
    assert _run(repo, env).returncode == 0  # starts the fresh server
    fresh = _server_pid(runtime)
    assert fresh != old
    assert _grandparent(_run(repo, env).stdout) == fresh


def test_an_idle_server_exits(repo: Path, runtime: Path, tmp_path: Path) -> None:
    env = _env(runtime, tmp_path, SHIPYARD_SERVER_IDLE="0.5")
    server = _warm(repo, env, runtime)
    _wait_gone(server)
    assert not list(runtime.glob("*.sock"))


def test_no_server_when_turned_off(repo: Path, runtime: Path, tmp_path: Path) -> None:
    env = _env(runtime, tmp_path, SHIPYARD_SERVER="0")
    for _ in range(3):
        assert _run(repo, env).returncode == 0
    assert list(runtime.iterdir()) == []


def test_no_server_in_a_folder_others_may_enter(repo: Path, runtime: Path, tmp_path: Path) -> None:
    runtime.chmod(0o755)
    env = _env(runtime, tmp_path)
    for _ in range(3):
        assert _run(repo, env).returncode == 0
    assert list(runtime.iterdir()) == []


@contextmanager
def _sleeping_run(
    repo: Path, env: dict[str, str], seconds: int, **popen: object
) -> Iterator[tuple[subprocess.Popen[str], int]]:
    """A run whose step sleeps, once the step started, and the pid of its `shipyard`; the
    run is killed if the test fails midway."""
    marker = repo.parent / "markers" / "pid"
    marker.unlink(missing_ok=True)
    streams: dict[str, object] = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    process = subprocess.Popen(  # type: ignore[call-overload]
        [sys.executable, "-m", "shipyard", "run", "--no-live",
         "--env", f"MARKERS={marker.parent}", "--env", f"SLEEP={seconds}"],
        cwd=repo, env=env, **{**streams, "text": True, **popen},
    )  # fmt: skip
    try:
        _wait_for(marker)
        yield process, int(marker.read_text().split("=")[1])
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()


def _wait_gone(pid: int) -> None:
    deadline = time.monotonic() + 10
    while _state(pid) not in ("gone", "Z") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _state(pid) in ("gone", "Z")


def _wait_for(path: Path) -> None:
    deadline = time.monotonic() + 30
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.02)
    while not path.read_text().endswith("\n"):
        time.sleep(0.01)


def _parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def test_ctrl_z_stops_the_served_run_and_fg_continues_it(
    repo: Path, runtime: Path, tmp_path: Path
) -> None:
    env = _env(runtime, tmp_path)
    _warm(repo, env, runtime)
    with _sleeping_run(repo, env, 1) as (process, child):
        process.send_signal(signal.SIGTSTP)
        _wait_for_state(child, "T")
        _wait_for_state(process.pid, "T")
        process.send_signal(signal.SIGCONT)
        assert process.wait(timeout=30) == 0


def test_a_served_run_on_a_terminal_shows_the_live_view(
    repo: Path, runtime: Path, tmp_path: Path
) -> None:
    import pty
    import select

    env = _env(runtime, tmp_path, TERM="xterm", COLUMNS="100")
    _warm(repo, env, runtime)
    (sock,) = runtime.glob("*.sock")
    before = _served(sock)
    primary, secondary = pty.openpty()
    with subprocess.Popen(
        [sys.executable, "-m", "shipyard", "run", "--env", f"MARKERS={repo.parent / 'markers'}"],
        cwd=repo, env=env, stdin=secondary, stdout=secondary, stderr=secondary,
    ) as process:  # fmt: skip
        os.close(secondary)
        output = b""
        deadline = time.monotonic() + 30
        try:
            while select.select([primary], [], [], max(0.0, deadline - time.monotonic()))[0]:
                try:
                    data = os.read(primary, 65536)
                except OSError:  # EIO: every writer closed the terminal
                    break
                if not data:
                    break
                output += data
            process.wait(timeout=30)
        finally:
            os.close(primary)
            if process.poll() is None:  # the test failed midway
                process.kill()
    assert process.returncode == 0
    text = output.decode(errors="replace")
    assert _served(sock) == before + 1
    assert "\x1b[" in text  # the live view redraws in place on a terminal
    assert "run 3 success" in text


def _wait_for_state(pid: int, state: str) -> None:
    deadline = time.monotonic() + 10
    while _state(pid) != state:
        assert time.monotonic() < deadline, f"{pid} stayed {_state(pid)}"
        time.sleep(0.02)


def _state(pid: int) -> str:
    """The process's state letter (R, S, T, Z…), or "gone"."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


def test_what_the_server_preloads_leaves_no_work_at_exit() -> None:
    """Else every served command would take the slow interpreter exit (cli/main.py:entry)."""
    done = subprocess.run(
        [sys.executable, "-c",
         "from shipyard.cli import server; server._preload(); import atexit, threading; "
         "print(atexit._ncallbacks(), threading.active_count())"],
        capture_output=True, text=True, timeout=60, check=True,
        # not measured by coverage.py, which would register its own exit work
        env={k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_")},
    )  # fmt: skip
    assert done.stdout == "0 1\n"


def test_a_server_killed_outright_is_replaced(repo: Path, runtime: Path, tmp_path: Path) -> None:
    env = _env(runtime, tmp_path)
    old = _warm(repo, env, runtime)
    os.kill(old, signal.SIGKILL)
    _wait_gone(old)
    assert list(runtime.glob("*.sock"))  # left behind, refusing connections
    done = _run(repo, env)  # runs here, and starts a new server
    assert done.returncode == 0, done.stderr
    fresh = _server_pid(runtime)
    assert fresh != old
    assert _grandparent(_run(repo, env).stdout) == fresh
