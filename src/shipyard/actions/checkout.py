"""``actions/checkout``: fill the workspace with this repository, offline.

Owns the action's inputs and outputs. The destination is ``github.workspace`` or
``path:`` under it (anything else fails with the real message). The content comes from
the engine's workspace maker (``create_workspace`` of :mod:`shipyard.engine.workspace`,
handed in by the engine since actions sit below it): the run's commit in the run's
mode — the developer's working tree as it is (``snapshot``) or the committed tree
(``clean``, ``shipyard run --clean``) — or, for a ``ref:`` naming another commit, that
commit's committed tree, the ref resolved with git in the developer's repository
(branch, tag, ``origin/`` branch, full ref or SHA). ``clean: true`` (the default)
empties the destination first; ``clean: false`` lays the checkout over what is there.
Outputs ``ref`` and ``commit`` as the real action sets them.

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
        mode, sha, out_ref = info.workspace_mode, info.sha, info.ref
        ref = args.get("ref")
        if ref and ref != info.ref:
            resolved = _resolve(info.repo, ref)
            if resolved is None:
                raise failure(
                    f"A branch or tag with the name '{ref}' could not be found",
                    f"refs are resolved in {info.repo}; fetch it there first (git fetch)",
                )
            if resolved != _resolve(info.repo, info.sha):
                mode, sha = "clean", resolved
            out_ref = ref
        for name in _NETWORK:
            if args.get(name) != DEFAULTS[name]:
                services.log(f"{name}: accepted; it has no effect on a local checkout")
        services.log(f"Syncing repository: {repository}")
        what = "working tree (uncommitted changes included)" if mode == "snapshot" else "commit"
        services.log(f"Checking out the {what} at {sha} into {dest}")
        self._fill(services, dest, mode, sha, clean=args.flag("clean"))
        services.set_output("ref", out_ref)
        services.set_output("commit", sha)

    def _fill(
        self, services: StepServices, dest: Path, mode: str, sha: str, *, clean: bool
    ) -> None:
        if self._make_workspace is None:
            raise ActionFailed("actions/checkout has no workspace maker (a Shipyard bug)")
        busy = dest.is_dir() and any(dest.iterdir())
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


def _this_repository(services: StepServices) -> str:
    name = services.env.get("GITHUB_REPOSITORY", "")
    if name:
        return name
    url = _git(services.info.repo, "remote", "get-url", "origin")
    slug = remote_slug(url) if url else None
    return "/".join(slug) if slug else services.info.repo.name


def _resolve(repo: Path, ref: str) -> str | None:
    """The commit ``ref`` names in ``repo``, as checkout would find it, else None."""
    if ref.startswith("refs/heads/"):
        candidates = [ref, "refs/remotes/origin/" + ref.removeprefix("refs/heads/")]
    elif ref.startswith("refs/") or re.fullmatch(r"[0-9a-fA-F]{40}", ref):
        candidates = [ref]
    else:
        candidates = [f"refs/heads/{ref}", f"refs/tags/{ref}", f"refs/remotes/origin/{ref}", ref]
    for candidate in candidates:
        found = _git(repo, "rev-parse", "--verify", "--quiet", f"{candidate}^{{commit}}")
        if found:
            return found
    return None


def _git(repo: Path, *args: str) -> str | None:
    env = {k: v for k, v in os.environ.items() if k not in _GIT_VARIABLES}
    try:
        proc = subprocess.run(
            ["git", *args],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout.strip() if proc.returncode == 0 and proc.stdout.strip() else None


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
