"""HostBackend on real processes: lines, exit codes, timeouts, cancel, leftovers, errors."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from shipyard.backends import host
from shipyard.backends.base import CancelToken, ExecRequest, ExecResult
from shipyard.backends.host import HostBackend
from shipyard.backends.shells import build_argv

BASH = shutil.which("bash") or "/bin/bash"
ENV = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C"}


def fast(**options: object) -> HostBackend:
    settings: dict[str, object] = {"sigint_grace": 0.3, "sigterm_grace": 0.3, "drain_grace": 0.1}
    settings.update(options)
    return HostBackend(**settings)  # type: ignore[arg-type]


def run(
    script: str,
    *,
    backend: HostBackend | None = None,
    timeout: float | None = None,
    cancel: CancelToken | None = None,
    on_line: Callable[[str], None] | None = None,
    stdin: bytes | None = None,
) -> tuple[list[str], ExecResult]:
    return run_argv(
        (BASH, "-c", script),
        backend=backend,
        timeout=timeout,
        cancel=cancel,
        on_line=on_line,
        stdin=stdin,
    )


def run_argv(
    argv: tuple[str, ...],
    *,
    backend: HostBackend | None = None,
    env: Mapping[str, str] = ENV,
    cwd: str = "/",
    timeout: float | None = None,
    cancel: CancelToken | None = None,
    on_line: Callable[[str], None] | None = None,
    stdin: bytes | None = None,
) -> tuple[list[str], ExecResult]:
    lines: list[str] = []

    def sink(line: str) -> None:
        lines.append(line)
        if on_line is not None:
            on_line(line)

    request = ExecRequest(argv=argv, env=env, cwd=cwd, timeout=timeout, stdin=stdin)
    result = (backend or fast()).execute(request, sink, cancel or CancelToken())
    return lines, result


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting for its parent to reap it does not count)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def gone(pid: int) -> bool:
    """Whether ``pid`` has stopped running within a second."""
    deadline = time.monotonic() + 1
    while alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


# --- output -------------------------------------------------------------------------------


def test_stdout_and_stderr_are_one_stream_in_order() -> None:
    lines, result = run("echo out1; echo err1 >&2; echo out2; echo err2 >&2")
    assert lines == ["out1", "err1", "out2", "err2"]
    assert result.ok


def test_line_endings_and_partial_last_line() -> None:
    lines, _ = run(r"printf 'a\r\nb\rc\n\nlast'")
    assert lines == ["a", "b", "c", "", "last"]


def test_utf8_and_invalid_bytes() -> None:
    lines, _ = run(r"printf 'h\303\251 \342\234\223\n\377\376 ok\n'")
    assert lines == ["hé ✓", "\ufffd\ufffd ok"]


def test_a_very_long_line_is_cut_into_pieces() -> None:
    lines, result = run("head -c 2500000 /dev/zero | tr '\\0' x")
    assert [len(line) for line in lines] == [1 << 20, 1 << 20, 2500000 - (2 << 20)]
    assert result.ok


def test_lines_arrive_while_the_process_runs() -> None:
    seen: list[float] = []
    run("echo first; sleep 0.3; echo second", on_line=lambda _: seen.append(time.monotonic()))
    assert len(seen) == 2
    assert seen[1] - seen[0] >= 0.25


# --- exit codes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("script", "code"),
    [("true", 0), ("exit 7", 7), ("kill -TERM $$", 143), ("kill -KILL $$", 137)],
)
def test_exit_codes(script: str, code: int) -> None:
    _, result = run(script)
    assert (result.exit_code, result.timed_out, result.cancelled, result.error) == (
        code,
        False,
        False,
        None,
    )


def test_shell_rules_reach_the_process(tmp_path: Path) -> None:
    script = tmp_path / "s.sh"
    script.write_text("false | true\necho after\n", encoding="utf-8")
    lines, result = run_argv(build_argv(None, str(script), shutil.which))
    assert (lines, result.exit_code) == (["after"], 0)
    lines, result = run_argv(build_argv("bash", str(script), shutil.which))
    assert (lines, result.exit_code) == ([], 1)  # pipefail and -e


# --- timeouts and cancellation ------------------------------------------------------------


def test_timeout_kills_the_process_group_with_its_children() -> None:
    started = time.monotonic()
    lines, result = run("sleep 60 & echo $!; sleep 60 & echo $!; wait", timeout=0.2)
    assert time.monotonic() - started < 30  # not the 60 s of the sleeps, however busy the machine
    assert (result.timed_out, result.cancelled, result.ok) == (True, False, False)
    assert len(lines) == 2
    assert all(gone(int(pid)) for pid in lines)


def test_timeout_of_a_shell_waiting_for_a_background_job() -> None:
    started = time.monotonic()
    _, result = run_argv(("bash", "-c", "sleep 60 & sleep 60"), timeout=0.2)
    assert result.timed_out
    assert time.monotonic() - started < 30  # not the 60 s of the sleeps


def test_sigint_lets_the_process_clean_up() -> None:
    lines, result = run("trap 'echo cleaning up; exit 5' INT; sleep 60", timeout=0.2)
    assert lines == ["cleaning up"]
    assert (result.exit_code, result.timed_out) == (5, True)
    assert result.duration < 1


def test_sigterm_follows_an_ignored_sigint() -> None:
    backend = fast(sigint_grace=0.15, sigterm_grace=0.15)
    _, result = run("trap '' INT; sleep 60", timeout=0.1, backend=backend)
    assert (result.exit_code, result.timed_out) == (143, True)
    assert 0.25 <= result.duration < 1


def test_sigkill_follows_ignored_sigint_and_sigterm() -> None:
    backend = fast(sigint_grace=0.15, sigterm_grace=0.15)
    _, result = run("trap '' INT TERM; sleep 60", timeout=0.1, backend=backend)
    assert (result.exit_code, result.timed_out) == (137, True)
    assert 0.4 <= result.duration < 1.2


def test_cancel_mid_run_stops_the_group() -> None:
    token = CancelToken()
    pids: list[str] = []

    def saw(line: str) -> None:
        pids.append(line)
        if len(pids) == 2:
            threading.Timer(0.05, token.cancel).start()

    lines, result = run("sleep 60 & echo $!; echo $$; sleep 60", cancel=token, on_line=saw)
    assert (result.cancelled, result.timed_out, result.exit_code) == (True, False, 130)
    assert result.duration < 1
    assert all(gone(int(pid)) for pid in lines)


def test_an_error_in_the_line_sink_kills_the_process_and_propagates() -> None:
    pids: list[int] = []

    def explode(line: str) -> None:
        pids.append(int(line))
        raise RuntimeError("sink broke")

    with pytest.raises(RuntimeError, match="sink broke"):
        run("echo $$; sleep 60", on_line=explode)
    assert gone(pids[0])


# --- background processes ------------------------------------------------------------------


def test_a_background_process_does_not_keep_the_step_running() -> None:
    lines, result = run("sleep 100 & echo $!")
    assert result.ok
    assert result.duration < 1
    assert gone(int(lines[0]))


def test_a_background_process_without_the_pipe_is_killed_too() -> None:
    lines, result = run("sleep 100 >/dev/null 2>&1 & echo $!")
    assert result.ok
    assert result.duration < 1
    assert gone(int(lines[0]))


def test_output_of_a_background_process_within_the_drain_time_is_kept() -> None:
    lines, result = run("(sleep 0.2; echo late) & echo early", backend=fast(drain_grace=2))
    assert lines == ["early", "late"]
    assert result.duration < 1.5


def test_a_process_that_closes_its_output_is_still_waited_for() -> None:
    _, result = run("exec >&- 2>&-; sleep 0.3; exit 4")
    assert result.exit_code == 4
    assert result.duration >= 0.3


def test_kept_leftovers_run_until_kill_orphans(tmp_path: Path) -> None:
    backend = fast(kill_leftovers=False, drain_grace=0.05)
    marker = tmp_path / "survived"
    script = (
        f"sleep 100 & echo $!; (for i in 1 2 3; do sleep 0.1; echo tick; done; touch {marker}) &"
    )
    lines, result = run(script, backend=backend)
    assert result.ok
    assert result.duration < 1
    deadline = time.monotonic() + 2
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert marker.exists()  # writing to the step's output after the step did not kill it
    assert alive(int(lines[0]))
    assert backend.kill_orphans() == 1
    assert gone(int(lines[0]))
    assert backend.kill_orphans() == 0


# --- starting ------------------------------------------------------------------------------


def test_missing_program(tmp_path: Path) -> None:
    lines, result = run_argv(("/nonexistent/tool", "x"), cwd=str(tmp_path))
    assert (lines, result.exit_code, result.ok) == ([], None, False)
    assert result.error == (
        "An error occurred trying to start process '/nonexistent/tool' with working "
        f"directory '{tmp_path}'. No such file or directory"
    )


def test_program_without_permission(tmp_path: Path) -> None:
    tool = tmp_path / "tool"
    tool.write_text("#!/bin/sh\n", encoding="utf-8")
    _, result = run_argv((str(tool),), cwd=str(tmp_path))
    assert result.error == (
        f"An error occurred trying to start process '{tool}' with working "
        f"directory '{tmp_path}'. Permission denied"
    )


def test_missing_working_directory(tmp_path: Path) -> None:
    _, result = run_argv((BASH, "-c", "true"), cwd=str(tmp_path / "nope"))
    assert result.error == (
        f"An error occurred trying to start process '{BASH}' with working "
        f"directory '{tmp_path / 'nope'}'. No such file or directory"
    )


def test_empty_command() -> None:
    _, result = run_argv(())
    assert result == ExecResult(exit_code=None, error="Nothing to run: the command is empty")


def test_environment_is_exactly_the_request_env() -> None:
    env = {"A": "1", "SPACED": "two words", "EMPTY": ""}
    lines, result = run_argv(("/usr/bin/env",), env=env)
    assert result.ok
    assert sorted(lines) == ["A=1", "EMPTY=", "SPACED=two words"]


def test_working_directory(tmp_path: Path) -> None:
    lines, _ = run_argv((BASH, "-c", "pwd -P"), cwd=str(tmp_path))
    assert lines == [str(tmp_path.resolve())]


# --- stdin ---------------------------------------------------------------------------------


def test_stdin_is_empty_unless_given() -> None:
    lines, result = run("cat; echo end")
    assert (lines, result.exit_code) == (["end"], 0)


def test_stdin_bytes_reach_the_process() -> None:
    lines, _ = run("cat", stdin=b"hello\nworld")
    assert lines == ["hello", "world"]


def test_large_stdin_and_output_do_not_deadlock() -> None:
    data = b"".join(b"line %d\n" % i for i in range(200_000))
    lines, result = run("cat", stdin=data)
    assert result.ok
    assert len(lines) == 200_000
    assert lines[-1] == "line 199999"


def test_stdin_the_process_does_not_read() -> None:
    _, result = run("exit 0", stdin=b"x" * 1_000_000)
    assert result.ok


# --- concurrency ---------------------------------------------------------------------------


def test_one_backend_runs_steps_in_parallel() -> None:
    backend = fast()
    runs: list[tuple[list[str], ExecResult]] = []
    step = "echo $(date +%s%N); sleep 1; echo $(date +%s%N)"  # start and end, in ns
    threads = [
        threading.Thread(target=lambda: runs.append(run(step, backend=backend))) for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [result.ok for _, result in runs] == [True, True, True]
    starts = [int(lines[0]) for lines, _ in runs]
    ends = [int(lines[1]) for lines, _ in runs]
    assert max(starts) < min(ends)  # all three were running at once


# --- systems without pidfd (macOS, old kernels) ---------------------------------------------


def test_without_pidfd_exit_is_noticed_by_checking(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(host, "_pidfd", lambda pid: None)
    lines, result = run("echo a; exit 3")
    assert (lines, result.exit_code) == (["a"], 3)
    assert result.duration < 1
    lines, result = run("sleep 100 & echo $!; echo b")
    assert (lines[1:], result.exit_code) == (["b"], 0)
    assert gone(int(lines[0]))
    _, result = run("sleep 60", timeout=0.1)
    assert (result.timed_out, result.exit_code) == (True, 130)
    _, result = run("exec >&-; sleep 0.2")
    assert result.ok
