"""The repository on disk: where its workflow files are, reading them, and its git state.

This is the I/O shell around the pure :mod:`shipyard.workflow` reader: it finds files the
way GitHub does (``*.yml``/``*.yaml`` directly under ``.github/workflows``, subfolders
ignored), reads them as UTF-8, and asks git about the checkout: the current ref, the
default branch, the GitHub ``owner/name`` of ``origin``, the uncommitted changes.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

from shipyard.errors import UserError
from shipyard.valueclass import dataclass

WORKFLOWS_DIR = Path(".github") / "workflows"


@dataclass(frozen=True, slots=True)
class WorkflowFile:
    """A workflow file's text and the path to show in messages."""

    path: Path
    display_path: str
    text: str


def find_workflow_files(paths: list[str]) -> list[Path]:
    """Expand files and folders into workflow files, sorted; raises for a missing path.

    Without paths: ``.github/workflows`` here, or else at the top of the repository this
    folder is in (as ``shipyard run`` finds it from a subfolder).
    """
    found: list[Path] = []
    default = WORKFLOWS_DIR
    if not paths and not default.is_dir():
        top = repository_root()
        if (top / WORKFLOWS_DIR).is_dir():
            default = top / WORKFLOWS_DIR
    for raw in paths or [str(default)]:
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


class NotUtf8Error(UserError):
    """A workflow file that is not UTF-8, with where its first bad byte is."""

    def __init__(self, path: Path, offset: int, line: int, column: int) -> None:
        super().__init__(
            f"{path}: not valid UTF-8 (byte {offset})",
            hint="GitHub reads workflow files as UTF-8; re-save the file in that encoding",
        )
        self.line, self.column = line, column


def read_workflow_file(path: Path) -> WorkflowFile:
    """Read a workflow file as UTF-8 (a BOM is allowed); raises a UserError if unreadable."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise UserError(f"cannot read {path}: {err.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        raise NotUtf8Error(path, err.start, line, column) from None
    return WorkflowFile(path=path, display_path=display_path(path), text=text)


def display_path(path: Path) -> str:
    """``path`` as messages show it: relative to the working folder when under it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def git_output(*args: str, cwd: Path | None = None) -> str | None:
    """Run ``git ARGS`` and return its stripped stdout, or None when git fails."""
    try:
        proc = subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            encoding="utf-8",
            errors="replace",
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


def git_bytes(*args: str, cwd: Path | None = None, stdin: bytes | None = None) -> bytes | None:
    """Run ``git ARGS`` and return its raw stdout (for ``-z`` output), or None when git fails."""
    try:
        proc = subprocess.run(
            ["git", *args], cwd=cwd, input=stdin, capture_output=True, check=False, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout if proc.returncode == 0 else None


def current_ref(cwd: Path | None = None) -> str | None:
    """The full ref checked out (``refs/heads/main``), or None when detached or no git."""
    ref = git_output("symbolic-ref", "-q", "HEAD", cwd=cwd)
    return ref or None


def default_branch(cwd: Path | None = None) -> str | None:
    """``origin/HEAD``'s branch, else ``main`` or ``master`` when it exists, else None."""
    refs = ("refs/remotes/origin/HEAD", "refs/heads/main", "refs/heads/master")
    out = git_output("for-each-ref", "--format=%(refname) %(symref)", *refs, cwd=cwd) or ""
    found = dict(line.partition(" ")[::2] for line in out.splitlines())
    if found.get(refs[0], "").startswith("refs/remotes/origin/"):
        return found[refs[0]].removeprefix("refs/remotes/origin/")
    return next((ref.removeprefix("refs/heads/") for ref in refs[1:] if ref in found), None)


def remote_slug(url: str) -> tuple[str, str] | None:
    """``(owner, name)`` of a GitHub-style remote URL (https, ssh, scp-like), else None."""
    url = url.strip()
    match = re.match(r"[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/]*@)?[^/@]+/(.+)", url) or re.match(
        r"(?:[^@/:]+@)?[^/:]{2,}:(?!/)(.+)", url
    )
    if match is None:
        return None
    parts = match.group(1).strip("/").removesuffix(".git").split("/")
    if len(parts) != 2 or not all(parts):
        return None
    return parts[0], parts[1]


def uncommitted_paths(cwd: Path | None = None) -> list[str]:
    """Staged, unstaged and untracked (not ignored) paths, without locking the index."""
    args = ("status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames")
    out = git_bytes("--no-optional-locks", *args, cwd=cwd) or b""
    return [entry[3:].decode("utf-8", "replace") for entry in out.split(b"\0") if entry]


def repository_root(start: Path | None = None) -> Path:
    """The top of the git work tree containing ``start`` (or the folder itself without git)."""
    start = start or Path.cwd()
    top = git_output("rev-parse", "--show-toplevel", cwd=start)
    return Path(top) if top else start


def local_workflow_fetcher(root: Path) -> Callable[[str], str | None]:
    """A ``fetch`` for the reader: local ``./path`` calls are read under ``root``.

    Remote calls (``owner/repo/path@ref``) return None: they are not followed.
    A local file that does not exist raises LookupError, as GitHub reports it.
    """

    def fetch(name: str) -> str | None:
        if not name.startswith("./"):
            return None
        path = root / name[2:]
        try:
            return path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            raise LookupError(name) from None

    return fetch
