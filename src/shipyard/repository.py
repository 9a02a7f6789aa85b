"""The repository on disk: where its workflow files are, reading them, and its git state.

This is the I/O shell around the pure :mod:`shipyard.workflow` reader: it finds files the
way GitHub does (``*.yml``/``*.yaml`` directly under ``.github/workflows``, subfolders
ignored), reads them as UTF-8, and asks git for the current ref.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from shipyard.errors import UserError

WORKFLOWS_DIR = Path(".github") / "workflows"


@dataclass(frozen=True, slots=True)
class WorkflowFile:
    """A workflow file's text and the path to show in messages."""

    path: Path
    display_path: str
    text: str


def find_workflow_files(paths: list[str]) -> list[Path]:
    """Expand files and folders into workflow files, sorted; raises for a missing path."""
    found: list[Path] = []
    for raw in paths or [str(WORKFLOWS_DIR)]:
        path = Path(raw)
        if path.is_dir():
            found.extend(
                sorted(p for p in path.iterdir() if p.suffix in (".yml", ".yaml") and p.is_file())
            )
        elif path.is_file():
            found.append(path)
        else:
            hint = (
                "run it from the repository root, or pass workflow files or folders"
                if not paths
                else "check the path"
            )
            raise UserError(f"no such file or folder: {raw}", hint=hint)
    return found


def read_workflow_file(path: Path) -> WorkflowFile:
    """Read a workflow file as UTF-8 (a BOM is allowed); raises a UserError if unreadable."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise UserError(f"cannot read {path}: {err.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise UserError(
            f"{path}: not valid UTF-8 (byte {err.start})",
            hint="GitHub reads workflow files as UTF-8; re-save the file in that encoding",
        ) from None
    return WorkflowFile(path=path, display_path=_display(path), text=text)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def git_output(*args: str, cwd: Path | None = None) -> str | None:
    """Run ``git ARGS`` and return its stripped stdout, or None when git fails."""
    try:
        proc = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


def current_ref(cwd: Path | None = None) -> str | None:
    """The full ref checked out (``refs/heads/main``), or None when detached or no git."""
    ref = git_output("symbolic-ref", "-q", "HEAD", cwd=cwd)
    return ref or None
