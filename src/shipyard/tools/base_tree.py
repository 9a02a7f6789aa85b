"""The base ref's files in a temporary folder, without touching the developer's tree.

:func:`checkout_tree` runs ``git read-tree`` into a temporary index file and
``git checkout-index`` into a temporary folder outside the repository, removed afterwards.
Neither touches the developer's index, work tree, refs or worktree list (unlike
``git worktree add`` or a checkout), and ``export-ignore`` attributes do not drop files
(unlike ``git archive``); filters such as Git LFS's smudge apply as in a checkout.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from shipyard.errors import UserError


def resolve_commit(root: Path, ref: str) -> str:
    """The commit ``ref`` names in the repository at ``root`` (else ``origin/<ref>``'s)."""
    for candidate in (ref, f"origin/{ref}"):
        proc = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", f"{candidate}^{{commit}}"],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode == 0 and proc.stdout.strip():
            return proc.stdout.strip()
    raise UserError(
        f"unknown base ref '{ref}'",
        hint=f"fetch it first (git fetch origin {ref}), or name a branch, tag or commit",
    )


@contextmanager
def checkout_tree(root: Path, commit: str) -> Iterator[Path]:
    """The files of ``commit`` in a temporary folder outside the repository, then removed."""
    with tempfile.TemporaryDirectory(prefix="shipyard-bench-") as temp:
        tree = Path(temp) / "tree"
        env = {**os.environ, "GIT_INDEX_FILE": str(Path(temp) / "index")}
        for args in (["read-tree", commit], ["checkout-index", "--all", f"--prefix={tree}/"]):
            proc = subprocess.run(
                ["git", *args], cwd=root, env=env, capture_output=True, text=True, check=False
            )
            if proc.returncode != 0:
                raise UserError(f"cannot check out {commit[:12]}: {proc.stderr.strip()}")
        tree.mkdir(exist_ok=True)
        yield tree
