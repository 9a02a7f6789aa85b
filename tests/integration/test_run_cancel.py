"""Ctrl-C during ``shipyard run``: processes stop, always() steps run, the run is cancelled."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

WORKFLOW = """\
name: Cancel
on: push
jobs:
  long:
    runs-on: ubuntu-latest
    steps:
      - run: echo started > "$MARKERS/started"; sleep 30; echo never > "$MARKERS/never"
      - if: always()
        run: echo "${{ job.status }}" > "$MARKERS/always"
      - run: echo skipped > "$MARKERS/after"
  later:
    needs: long
    runs-on: ubuntu-latest
    steps:
      - run: echo ran > "$MARKERS/later"
"""


def _git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        env=env,
    )


def _repo(tmp_path: Path, workflow: str) -> tuple[Path, Path]:
    """A repository with ``workflow`` committed, and the folder its steps mark."""
    repo = tmp_path / "repo"
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / ".github" / "workflows" / "cancel.yml").write_text(workflow)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "init")
    markers = tmp_path / "markers"
    markers.mkdir()
    return repo, markers


def test_interrupt_cancels_the_run(tmp_path: Path) -> None:
    repo, markers = _repo(tmp_path, WORKFLOW)
    report = tmp_path / "report.json"
    env = {**os.environ, "SHIPYARD_HOME": str(tmp_path / "home")}
    args = ["--env", f"MARKERS={markers}", "--report-json", str(report)]
    with _shipyard_run(repo, env, args) as proc:
        _wait_for(markers / "started")
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, err
    assert not (markers / "never").exists()  # the `sleep 30` step was stopped, not awaited
    _assert_all_gone(tmp_path)
    assert (markers / "always").read_text().strip() == "cancelled"
    assert not (markers / "after").exists()
    assert not (markers / "later").exists()
    result = json.loads(report.read_text())
    assert result["conclusion"] == "cancelled"
    jobs = {j["id"]: j for j in result["workflows"][0]["jobs"]}
    assert jobs["long"]["result"] == "cancelled"
    assert jobs["long"]["steps"][0]["conclusion"] == "cancelled"
    assert jobs["long"]["steps"][1]["conclusion"] == "success"
    assert jobs["long"]["steps"][2]["conclusion"] == "skipped"
    shown = subprocess.run(
        [sys.executable, "-m", "shipyard", "runs"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "cancelled" in shown.stdout


SLOW_CLEANUP = """\
on: push
jobs:
  long:
    runs-on: ubuntu-latest
    steps:
      - run: echo started > "$MARKERS/started"; sleep 30
      - if: always()
        run: echo cleanup > "$MARKERS/cleanup"; sleep 30; echo never > "$MARKERS/never"
"""


def test_a_second_interrupt_stops_at_once(tmp_path: Path) -> None:
    repo, markers = _repo(tmp_path, SLOW_CLEANUP)
    env = {**os.environ, "SHIPYARD_HOME": str(tmp_path / "home")}
    with _shipyard_run(repo, env, ["--env", f"MARKERS={markers}"]) as proc:
        _wait_for(markers / "started")
        proc.send_signal(signal.SIGINT)
        _wait_for(markers / "cleanup")  # the always() step is running
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "stopping at once" in err
    # the always() step's `sleep 30` was killed, not awaited: it never got to its marker
    assert not (markers / "never").exists()
    _assert_all_gone(tmp_path)


@contextmanager
def _shipyard_run(
    repo: Path, env: dict[str, str], args: list[str]
) -> Iterator[subprocess.Popen[str]]:
    """``shipyard run --no-live ARGS`` in the background; killed if the test fails midway."""
    command = [sys.executable, "-m", "shipyard", "run", "--no-live", *args]
    proc = subprocess.Popen(
        command, cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()


def _wait_for(marker: Path) -> None:
    deadline = time.monotonic() + 60  # a start under heavy load; polling ends at once
    while not marker.exists():
        assert time.monotonic() < deadline, f"{marker.name} never appeared"
        time.sleep(0.05)


def _assert_all_gone(folder: Path) -> None:
    """No process of the run is left: SIGKILLed ones vanish as soon as the kernel gets to
    them, which on a loaded machine can be a moment after Shipyard exits."""
    deadline = time.monotonic() + 10
    while _processes_mentioning(folder) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _processes_mentioning(folder) == []


def _processes_mentioning(folder: Path) -> list[str]:
    """Command lines of live processes that name ``folder`` (step scripts live under it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "cmdline").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue  # the process ended meanwhile
        command = raw.replace(b"\0", b" ").decode(errors="replace")
        if str(folder) in command and state != "Z":
            found.append(command)
    return found
