"""Job workspaces: a copy of the repository for a job to run in, made without touching it.

:func:`create_workspace` makes ``dest`` in one of two modes:

- ``snapshot`` (the default for local runs): the working tree as the developer has it:
  tracked files with their uncommitted edits, and untracked files that are not ignored
  (``git ls-files --cached --others --exclude-standard``). Tracked files deleted on disk
  are left out. File modes, modification times and symlinks are kept; files are copied,
  never linked, so steps may edit them. The developer's index is copied too, so
  ``git status`` and ``git diff`` in the workspace show the same staged, unstaged and
  untracked changes. When ``sha`` is not the developer's HEAD (or the index is split, its
  parts living in the developer's ``.git``), the index is ``sha``'s tree instead, and
  every difference from ``sha`` shows as unstaged.
  Submodules and nested repositories are copied as their files are on disk, without
  their own git metadata (which points into the developer's ``.git``).
- ``clean``: the committed tree at ``sha`` only, as ``actions/checkout`` gives: Git LFS
  files stay pointers (its default ``lfs: false``) and submodules stay empty folders.

Both get their ``.git`` from ``git clone --shared --no-checkout``: objects are borrowed
from the developer's repository through ``objects/info/alternates`` (nothing is copied or
written there), its branches appear as ``origin/*``, and ``origin`` is its folder, so
``git fetch`` works offline. HEAD is the branch the developer has checked out when that
branch is at ``sha``, else detached at ``sha``. A workspace borrows objects, so it is
meant to live no longer than a run (``git gc`` in the developer's repository could prune
objects only the workspace uses, such as staged blobs).

Git runs without ``GIT_DIR``-like variables from the environment, so that inside a git
hook it still works on the folders given here.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import subprocess
from pathlib import Path
from typing import Literal

from shipyard.errors import UserError

WorkspaceMode = Literal["snapshot", "clean"]

_SHA = re.compile(r"[0-9a-fA-F]{4,40}")
_BIG = 1 << 20
_REPO_VARIABLES = frozenset(
    {
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_OBJECT_DIRECTORY",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_COMMON_DIR",
        "GIT_NAMESPACE",
        "GIT_PREFIX",
    }
)


def create_workspace(repo: Path, dest: Path, *, mode: WorkspaceMode = "snapshot", sha: str) -> None:
    """Fill ``dest`` (absent or empty) with the repository at ``repo`` (see the module docs)."""
    repo, dest = repo.absolute(), dest.absolute()
    top, index, head, commit = _locate(repo, sha)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise UserError(f"the workspace folder is not empty: {dest}")
    paths = _working_files(top, dest) if mode == "snapshot" else []
    clone = ("clone", "--quiet", "--shared", "--no-checkout", "--template=")
    _git(*clone, str(top), str(dest), cwd=top)
    if head != commit:
        _git("update-ref", "--no-deref", "HEAD", commit, cwd=dest)
    if mode == "clean":
        _git("reset", "--quiet", "--hard", "HEAD", cwd=dest, extra_env={"GIT_LFS_SKIP_SMUDGE": "1"})
        return
    if head == commit and index.is_file() and not any(index.parent.glob("sharedindex.*")):
        shutil.copyfile(index, dest / ".git" / "index")
    else:  # another commit, or a split index (its parts stay in the developer's .git)
        _git("read-tree", "HEAD", cwd=dest)
    _copy_files(top, dest, paths)


def _locate(repo: Path, sha: str) -> tuple[Path, Path, str, str]:
    """The top folder, the index file, HEAD's commit and ``sha``'s full commit id."""
    if _SHA.fullmatch(sha):
        args = ("rev-parse", "--show-toplevel", "--git-path", "index", "HEAD", f"{sha}^{{commit}}")
        with contextlib.suppress(UserError):
            lines = _git(*args, cwd=repo).splitlines()
            if len(lines) == 4:
                return Path(lines[0]), repo / lines[1], lines[2], lines[3]
    top = _git("rev-parse", "--show-toplevel", cwd=repo, error=f"not a git repository: {repo}")
    raise UserError(f"no commit {sha} in {top.strip()}")


def _git(
    *args: str, cwd: Path, error: str | None = None, extra_env: dict[str, str] | None = None
) -> str:
    """Run git; raise a :class:`UserError` (``error``, else git's own message) when it fails."""
    env = {k: v for k, v in os.environ.items() if k not in _REPO_VARIABLES}
    env.update(extra_env or {})
    try:
        proc = subprocess.run(
            ["git", *args], cwd=cwd, env=env, capture_output=True, check=False, timeout=600
        )
    except OSError as err:
        raise UserError(f"cannot run git: {err.strerror}", hint="install git") from None
    except subprocess.TimeoutExpired:
        raise UserError(f"git {args[0]} took more than 10 minutes in {cwd}") from None
    if proc.returncode != 0:
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UserError(error or f"git {args[0]} failed in {cwd}: {detail[-1] if detail else ''}")
    return os.fsdecode(proc.stdout)


def _working_files(top: Path, dest: Path) -> list[str]:
    """Paths of the working tree to copy, relative to ``top`` (``dest`` itself excluded)."""
    args = ("ls-files", "-z", "--cached", "--others", "--exclude-standard")
    listed = _git(*args, cwd=top).split("\0")
    paths = dict.fromkeys(p.rstrip("/") for p in listed if p)  # unmerged paths repeat
    try:
        inside = dest.resolve().relative_to(top.resolve()).as_posix()
    except ValueError:
        return list(paths)
    return [p for p in paths if p != inside and not p.startswith(inside + "/")]


def _copy_files(top: Path, dest: Path, paths: list[str]) -> None:
    made: set[str] = set()
    for rel in paths:
        try:
            _copy_entry(os.path.join(top, rel), os.path.join(dest, rel), made)
        except OSError as err:
            raise UserError(f"cannot copy {rel} into the workspace: {err.strerror}") from None


def _copy_entry(source: str, target: str, made: set[str]) -> None:
    """Copy one listed path: a file, a symlink, or a submodule's folder."""
    try:
        info = os.lstat(source)
    except FileNotFoundError:
        return  # tracked, but deleted in the working tree
    folder = os.path.dirname(target)
    if folder not in made:
        os.makedirs(folder, exist_ok=True)
        made.add(folder)
    if stat.S_ISLNK(info.st_mode):
        os.symlink(os.readlink(source), target)
    elif stat.S_ISDIR(info.st_mode):  # a submodule or a nested repository
        shutil.copytree(source, target, symlinks=True, ignore=shutil.ignore_patterns(".git"))
    elif stat.S_ISREG(info.st_mode):
        _copy_file(source, target, info)


def _copy_file(source: str, target: str, info: os.stat_result) -> None:
    """Copy a regular file's bytes, mode and times (``copy_file_range`` for big files)."""
    with open(source, "rb") as src, open(target, "xb") as dst:
        if info.st_size > _BIG and hasattr(os, "copy_file_range"):
            with contextlib.suppress(OSError):  # then the copy goes on below
                while os.copy_file_range(src.fileno(), dst.fileno(), _BIG):
                    pass
        shutil.copyfileobj(src, dst)
        dst.flush()
        os.fchmod(dst.fileno(), stat.S_IMODE(info.st_mode))
        os.utime(dst.fileno(), ns=(info.st_atime_ns, info.st_mtime_ns))
