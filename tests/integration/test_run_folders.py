"""Run folders: job workspaces are removed after a run unless ``--keep``; the repo is untouched."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from shipyard.testing.gitrepo import git, isolate_git, write_files

WORKFLOW = """\
on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: test -f app.py && echo made > made.txt
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    isolate_git(tmp_path, monkeypatch)
    repo = tmp_path / "repo"
    write_files(repo, {".github/workflows/ci.yml": WORKFLOW, "app.py": "print(1)\n"})
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "init")
    return repo


def _run(repo: Path, home: Path, *extra: str) -> None:
    env = {**os.environ, "SHIPYARD_HOME": str(home)}
    done = subprocess.run(
        [sys.executable, "-m", "shipyard", "run", "--no-live", *extra],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_workspaces_are_removed_and_the_repository_is_untouched(repo: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    _run(repo, home)
    assert not (home / "runs" / "1" / "jobs").exists()
    assert (home / "runs" / "1" / "logs").is_dir()  # the records stay
    assert git(repo, "status", "--porcelain") == ""
    assert not (repo / "made.txt").exists()


def test_keep_keeps_the_workspaces(repo: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    _run(repo, home, "--keep")
    made = list((home / "runs" / "1" / "jobs").glob("*/workspace/made.txt"))
    assert [p.read_text() for p in made] == ["made\n"]
