"""``actions/checkout``: fill the workspace with this repository, offline.

Owns the action's inputs and outputs. The destination is ``github.workspace`` or
``path:`` under it (anything else fails with the real message). The content comes from
the engine's workspace maker (``create_workspace`` of :mod:`shipyard.engine.workspace`,
handed in by the engine since actions sit below it): the run's commit in the run's
mode — the developer's working tree as it is (``snapshot``) or the committed tree
(``clean``, ``shipyard run --clean``) — or, for a ``ref:`` naming another commit, that
commit's committed tree, the ref resolved with git in the developer's repository
(branch, ``origin/`` branch, tag, full ref or SHA). As ``git checkout`` leaves it on
GitHub, a branch (``ref:`` or the run's ``refs/heads/...``) is checked out as a local
branch of that name, its upstream ``origin/<branch>`` when the developer has that
branch; tags, SHAs and other refs (``refs/pull/...``) leave HEAD detached.

A destination that is not an earlier checkout of this repository (no ``.git``, or
another ``origin``) is emptied whatever ``clean`` says, as ``prepareExistingDirectory``
does (``Deleting the contents of '<path>'``); over an earlier checkout ``clean: true``
(the default) empties it and ``clean: false`` lays the checkout over what is there.
``clean`` is read as the action reads it (``TRUE`` in any case is true, anything else
false). Outputs ``ref`` (``''`` for a SHA, as ``input-helper.ts`` sets it) and
``commit`` as the real action sets them.

Deviations: ``repository:`` naming another repository fails (nothing is cloned over the
network). ``fetch-depth``, ``fetch-tags``, ``filter``, ``lfs``, ``submodules``,
``sparse-checkout``, ``token``, ``ssh-*``, ``persist-credentials`` and the like are
accepted and noted in the log: the history is always complete (borrowed from the
developer's repository), LFS files and submodules are as the workspace mode leaves them.
The workspace belongs to the job's user, so no ``safe.directory`` setting is needed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from shipyard.actions.base import ActionFailed, StepServices
from shipyard.actions.inputs import failure, read_inputs
from shipyard.errors import UserError
from shipyard.repository import remote_slug

DEFAULTS = {
    "repository": "",
    "ref": "",
    "token": "",
    "ssh-key": "",
    "ssh-known-hosts": "",
    "ssh-strict": "true",
    "ssh-user": "git",
    "persist-credentials": "true",
    "path": "",
    "clean": "true",
    "filter": "",
    "sparse-checkout": "",
    "sparse-checkout-cone-mode": "true",
    "fetch-depth": "1",
    "fetch-tags": "false",
    "show-progress": "true",
    "lfs": "false",
    "submodules": "false",
    "set-safe-directory": "true",
    "github-server-url": "",
}
_NETWORK = (
    "token",
    "ssh-key",
    "ssh-known-hosts",
    "fetch-depth",
    "fetch-tags",
    "filter",
    "lfs",
    "submodules",
    "sparse-checkout",
    "persist-credentials",
    "github-server-url",
)
_SHA = re.compile(r"[0-9a-fA-F]{40}|[0-9a-fA-F]{64}")
_GIT_VARIABLES = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
)


class WorkspaceMaker(Protocol):
    """``create_workspace(repo, dest, *, mode, sha)``: fill an empty ``dest``."""

    def __call__(self, repo: Path, dest: Path, *, mode: str, sha: str) -> None: ...


class Checkout:
    """The built-in ``actions/checkout``."""

    def __init__(self, make_workspace: WorkspaceMaker | None) -> None:
        self._make_workspace = make_workspace

    def main(self, services: StepServices, inputs: Mapping[str, str]) -> None:
        args = read_inputs(services, inputs, DEFAULTS)
        info = services.info
        this = _this_repository(services)
        repository = args.get("repository") or this
        if repository.lower() != this.lower():
            raise failure(
                f"cannot check out other repositories offline: {repository}",
                "check it out from a local folder in a `run:` step, or map an action "
                "repository with `shipyard run --action OWNER/REPO@REF=PATH`",
            )
        workspace = Path(os.path.normpath(services.workspace))
        dest = Path(os.path.normpath(workspace / args.get("path")))
        if dest != workspace and workspace not in dest.parents:
            raise ActionFailed(f"Repository path '{dest}' is not under '{workspace}'")
        repo = info.repo.resolve()
        if dest.resolve() == repo or dest.resolve() in repo.parents:
            raise ActionFailed(f"refusing to check out over the developer's repository: {dest}")
        mode, sha = info.workspace_mode, info.sha
        ref = args.get("ref")
        out_ref, branch = _run_ref(info.ref)
        if _SHA.fullmatch(ref):  # input-helper.ts: a SHA is the commit, and ref is ''
            out_ref, branch = "", None
        elif ref:
            out_ref = ref
        if ref and ref != info.ref:
            resolved = _resolve(info.repo, ref)
            if resolved is None:
                raise failure(
                    f"A branch or tag with the name '{ref}' could not be found",
                    f"refs are resolved in {info.repo}; fetch it there first (git fetch)",
                )
            commit, branch = resolved
            if commit != _git(info.repo, "rev-parse", "--verify", "--quiet", f"{sha}^{{commit}}"):
                mode, sha = "clean", commit
        for name in _NETWORK:
            if args.get(name) != DEFAULTS[name]:
                services.log(f"{name}: accepted; it has no effect on a local checkout")
        services.log(f"Syncing repository: {repository}")
        what = "working tree (uncommitted changes included)" if mode == "snapshot" else "commit"
        services.log(f"Checking out the {what} at {sha} into {dest}")
        # input-helper.ts: (core.getInput('clean') || 'true').toUpperCase() === 'TRUE'
        clean = (args.get("clean") or "true").upper() == "TRUE"
        self._fill(services, dest, mode, sha, clean=clean)
        if ref or info.ref:  # else HEAD stays as the workspace maker left it
            _set_head(dest, sha, branch)
        services.set_output("ref", out_ref)
        services.set_output("commit", sha)

    def _fill(
        self, services: StepServices, dest: Path, mode: str, sha: str, *, clean: bool
    ) -> None:
        if self._make_workspace is None:
            raise ActionFailed("actions/checkout has no workspace maker (a Shipyard bug)")
        if dest.is_file():
            dest.unlink()  # git-source-provider.ts: a file in the way is removed
        existing = dest.is_dir()
        if existing and not _is_checkout_of(dest, services.info.repo):
            # git-directory-helper.ts: not a repository of this origin, clean or not
            services.log(f"Deleting the contents of '{dest}'")
            for child in dest.iterdir():
                _remove(child)
        busy = existing and any(dest.iterdir())
        if busy and clean:
            services.log(f"Cleaning the repository folder {dest}")
            for child in dest.iterdir():
                _remove(child)
        target = services.temp / f"checkout-{uuid.uuid4().hex}" if busy and not clean else dest
        try:
            self._make_workspace(services.info.repo, target, mode=mode, sha=sha)
        except UserError as error:
            raise failure(error.message, error.hint) from None
        if target != dest:
            _merge(target, dest)
            shutil.rmtree(target, ignore_errors=True)


def _run_ref(ref: str) -> tuple[str, str | None]:
    """The ``ref`` output and the branch checked out when ``ref:`` is not given (the run's)."""
    if ref and not ref.startswith("refs/"):
        ref = f"refs/heads/{ref}"
    return ref, ref.removeprefix("refs/heads/") if ref.startswith("refs/heads/") else None


def _is_checkout_of(dest: Path, repo: Path) -> bool:
    """Whether ``dest`` holds a repository whose ``origin`` is ``repo`` (an earlier checkout)."""
    if not (dest / ".git").is_dir():
        return False
    url = _git(dest, "config", "--get", "remote.origin.url")
    top = _git(repo, "rev-parse", "--show-toplevel") or str(repo)
    return url is not None and os.path.realpath(url) == os.path.realpath(top)


def _set_head(dest: Path, sha: str, branch: str | None) -> None:
    """Put HEAD where the real action's ``git checkout`` leaves it.

    On a local ``branch`` at ``sha`` (``checkout -B <branch> refs/remotes/origin/<branch>``:
    its upstream is ``origin/<branch>`` when that exists), else detached at ``sha``
    (tags, SHAs and other refs). Plumbing only: the index and files stay as they are.
    """
    if not (dest / ".git").is_dir():
        return  # not made by git (a test's workspace maker)
    if branch is None:
        _git_ok(dest, "update-ref", "--no-deref", "HEAD", sha)
        return
    if not _git_ok(dest, "update-ref", f"refs/heads/{branch}", sha):
        return
    _git_ok(dest, "symbolic-ref", "HEAD", f"refs/heads/{branch}")
    if _git_ok(dest, "rev-parse", "--verify", "--quiet", f"refs/remotes/origin/{branch}"):
        _git_ok(dest, "branch", "--quiet", f"--set-upstream-to=origin/{branch}", branch)


def _this_repository(services: StepServices) -> str:
    name = services.env.get("GITHUB_REPOSITORY", "")
    if name:
        return name
    url = _git(services.info.repo, "remote", "get-url", "origin")
    slug = remote_slug(url) if url else None
    return "/".join(slug) if slug else services.info.repo.name


def _resolve(repo: Path, ref: str) -> tuple[str, str | None] | None:
    """The commit ``ref`` names in ``repo`` and the branch it is, as checkout finds them.

    A branch (``refs/heads/x`` or an unqualified name, the developer's ``x`` or
    ``origin/x``) is checked out as a local branch; tags, SHAs and other refs detached.
    """
    candidates: list[tuple[str, str | None]]
    if ref.startswith("refs/heads/"):
        name = ref.removeprefix("refs/heads/")
        candidates = [(ref, name), (f"refs/remotes/origin/{name}", name)]
    elif ref.startswith("refs/") or _SHA.fullmatch(ref):
        candidates = [(ref, None)]
    else:
        candidates = [
            (f"refs/heads/{ref}", ref),
            (f"refs/remotes/origin/{ref}", ref),
            (f"refs/tags/{ref}", None),
            (ref, None),
        ]
    for candidate, branch in candidates:
        found = _git(repo, "rev-parse", "--verify", "--quiet", f"{candidate}^{{commit}}")
        if found:
            return found, branch
    return None


def _run_git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str] | None:
    env = {k: v for k, v in os.environ.items() if k not in _GIT_VARIABLES}
    try:
        return subprocess.run(
            ["git", *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return None


def _git(cwd: Path, *args: str) -> str | None:
    """Git's output, or None when it fails or prints nothing."""
    proc = _run_git(cwd, *args)
    ok = proc is not None and proc.returncode == 0
    return proc.stdout.strip() if proc is not None and ok and proc.stdout.strip() else None


def _git_ok(cwd: Path, *args: str) -> bool:
    proc = _run_git(cwd, *args)
    return proc is not None and proc.returncode == 0


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def _merge(source: Path, dest: Path) -> None:
    """Lay ``source`` over ``dest``: its files replace theirs, other files stay."""
    dest.mkdir(parents=True, exist_ok=True)
    for entry in source.iterdir():
        target = dest / entry.name
        both_dirs = entry.is_dir() and not entry.is_symlink() and target.is_dir()
        if both_dirs and not target.is_symlink() and entry.name != ".git":
            _merge(entry, target)
            continue
        if target.exists() or target.is_symlink():
            _remove(target)
        shutil.move(str(entry), str(target))
