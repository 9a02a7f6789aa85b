"""The backend contract, run against HostBackend (real bash) and FakeBackend alike.

Each case is a bash script plus the FakeRun that stands for it: both backends must give
the same lines and the same ExecResult fields for it.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from shipyard.backends.base import Backend, CancelToken, ExecRequest, ExecResult
from shipyard.backends.host import HostBackend
from shipyard.backends.shells import build_argv
from shipyard.testing.fake_backend import FakeBackend, FakeRun


@dataclass(frozen=True)
class Case:
    script: str
    fake: FakeRun


SUCCESS = Case("echo one\necho two\n", FakeRun(("one", "two")))
FAILURE = Case("echo oops\nexit 3\n", FakeRun(("oops",), 3))
SLOW = Case("echo started\nsleep 5\n", FakeRun(("started",), 0, 5.0))
SHORT = Case("sleep 0.1\n", FakeRun((), 0, 0.1))
CASES = [SUCCESS, FAILURE, SLOW, SHORT]


@dataclass
class Harness:
    backend: Backend
    folder: Path

    def run(
        self,
        case: Case,
        *,
        timeout: float | None = None,
        cancel: CancelToken | None = None,
        on_line: Callable[[str], None] | None = None,
    ) -> tuple[list[str], ExecResult]:
        path = self.folder / f"case{CASES.index(case)}.sh"
        path.write_text(case.script, encoding="utf-8")
        request = ExecRequest(
            argv=build_argv(None, str(path), shutil.which),
            env={"PATH": "/usr/bin:/bin"},
            cwd=str(self.folder),
            timeout=timeout,
        )
        lines: list[str] = []

        def sink(line: str) -> None:
            lines.append(line)
            if on_line is not None:
                on_line(line)

        result = self.backend.execute(request, sink, cancel or CancelToken())
        return lines, result


@pytest.fixture(params=["host", "fake"])
def harness(request: pytest.FixtureRequest, tmp_path: Path) -> Harness:
    if request.param == "host":
        backend: Backend = HostBackend(sigint_grace=0.5, sigterm_grace=0.5, drain_grace=0.1)
    else:
        backend = FakeBackend({case.script: case.fake for case in CASES})
    return Harness(backend, tmp_path)


def test_lines_and_exit_code(harness: Harness) -> None:
    lines, result = harness.run(SUCCESS)
    assert lines == ["one", "two"]
    assert (result.exit_code, result.ok, result.timed_out, result.cancelled) == (
        0,
        True,
        False,
        False,
    )
    assert result.error is None


def test_failure_exit_code(harness: Harness) -> None:
    lines, result = harness.run(FAILURE)
    assert lines == ["oops"]
    assert (result.exit_code, result.ok) == (3, False)


def test_duration_is_measured(harness: Harness) -> None:
    _, result = harness.run(SHORT)
    assert result.ok
    assert 0.1 <= result.duration < 2


def test_timeout_stops_the_process(harness: Harness) -> None:
    lines, result = harness.run(SLOW, timeout=0.3)
    assert lines == ["started"]
    assert (result.timed_out, result.cancelled, result.ok) == (True, False, False)
    assert result.exit_code == 130  # bash stopped by SIGINT
    assert 0.3 <= result.duration < 2


def test_a_timeout_that_is_not_reached_changes_nothing(harness: Harness) -> None:
    _, result = harness.run(SHORT, timeout=5)
    assert (result.exit_code, result.timed_out) == (0, False)


def test_cancel_mid_run(harness: Harness) -> None:
    token = CancelToken()
    lines, result = harness.run(SLOW, cancel=token, on_line=lambda _: token.cancel("stop"))
    assert lines == ["started"]
    assert (result.cancelled, result.timed_out, result.ok) == (True, False, False)
    assert result.exit_code == 130
    assert result.duration < 2


def test_cancel_from_another_thread(harness: Harness) -> None:
    token = CancelToken()
    timer = threading.Timer(0.2, token.cancel)
    timer.start()
    try:
        _, result = harness.run(SLOW, cancel=token)
    finally:
        timer.cancel()
    assert result.cancelled
    assert 0.1 <= result.duration < 2  # the timer started before the process


def test_cancelled_before_start_runs_nothing(harness: Harness) -> None:
    token = CancelToken()
    token.cancel()
    lines, result = harness.run(SUCCESS, cancel=token)
    assert lines == []
    assert result == ExecResult(exit_code=None, cancelled=True)


def test_start_failure_is_a_result(tmp_path: Path) -> None:
    request = ExecRequest(argv=("/nonexistent/program",), env={}, cwd=str(tmp_path))
    fake = FakeBackend(lambda _: FakeRun(error="cannot start"))
    for backend in (HostBackend(), fake):
        lines: list[str] = []
        result = backend.execute(request, lines.append, CancelToken())
        assert (lines, result.exit_code, result.ok) == ([], None, False)
        assert result.error


def test_fake_records_requests_and_accepts_tuples(tmp_path: Path) -> None:
    fake = FakeBackend({"echo hi": (["hi"], 0)}, default=([], 9, 0.0))
    script = tmp_path / "s.sh"
    script.write_text("echo hi\n", encoding="utf-8")
    request = ExecRequest(argv=("bash", "-e", str(script)), env={}, cwd=str(tmp_path))
    lines: list[str] = []
    assert fake.execute(request, lines.append, CancelToken()).exit_code == 0
    other = ExecRequest(argv=("true",), env={}, cwd=str(tmp_path))
    assert fake.execute(other, lines.append, CancelToken()).exit_code == 9
    assert lines == ["hi"]
    assert fake.requests == [request, other]
    assert [call.script for call in fake.calls] == ["echo hi\n", "true"]


def test_fake_finds_the_powershell_script_path(tmp_path: Path) -> None:
    script = tmp_path / "s.ps1"
    script.write_text("Write-Host hi", encoding="utf-8")
    fake = FakeBackend({"Write-Host hi": FakeRun(("hi",))})
    argv = ("pwsh", "-command", f". '{script}'")
    request = ExecRequest(argv=argv, env={}, cwd=str(tmp_path))
    lines: list[str] = []
    assert fake.execute(request, lines.append, CancelToken()).ok
    assert lines == ["hi"]


def test_fake_without_a_script_for_the_request_says_so(tmp_path: Path) -> None:
    fake = FakeBackend({})
    request = ExecRequest(argv=("make", "all"), env={}, cwd=str(tmp_path))
    with pytest.raises(LookupError, match="FakeBackend has no run scripted for 'make all'"):
        fake.execute(request, print, CancelToken())


def test_cancel_token_callbacks() -> None:
    token = CancelToken()
    calls: list[str] = []
    remove = token.on_cancel(lambda: calls.append("first"))
    token.on_cancel(lambda: calls.append("second"))
    remove()
    token.cancel("why")
    token.cancel("again")
    token.on_cancel(lambda: calls.append("late"))
    assert calls == ["second", "late"]
    assert token.reason == "why"
    assert token.wait(0)
