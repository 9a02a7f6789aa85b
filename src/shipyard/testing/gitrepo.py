"""Real git repositories for tests: git isolated from the machine's configuration.

``isolate_git`` points git at an empty global config, no system config, a fixed identity
(and, if given, a fixed clock), and stops it from finding a repository above the test's
folder; ``git`` runs a command and returns its output; ``write_files`` lays out a
project from a dict of relative paths to texts.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any


def isolate_git(tmp_path: Path, monkeypatch: Any, *, date: str | None = None) -> None:
    """Configure git for a test through pytest's ``monkeypatch``."""
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "empty.gitconfig"
    config.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "Mona")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "mona@example.com")
        if date is not None:
            monkeypatch.setenv(f"GIT_{who}_DATE", date)


def git(repo: Path, *args: str) -> str:
    """Run ``git ARGS`` in ``repo``; its stdout without the final newline (raises on failure)."""
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout.rstrip("\n")


def write_files(root: Path, files: dict[str, str]) -> None:
    """Write each ``relative path -> text`` under ``root``, creating folders."""
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
