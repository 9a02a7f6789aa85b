"""``hashFiles()``: the SHA-256 of the workspace files that match glob patterns.

GitHub's algorithm (actions/runner ``hashFiles``): match the patterns with
``@actions/glob`` (:mod:`shipyard.actions.globs`: ``*``, ``?``, ``[...]`` within one
segment, ``**`` across folders, a leading ``!`` excludes, later patterns override earlier
ones, a matched folder brings its files) under the workspace; for each matched regular
file inside the workspace, take the SHA-256 digest of its bytes; the result is the hex
SHA-256 of those digests concatenated, or ``''`` when nothing matched. Files are taken in
the glob's depth-first name order, so the hash is the same on every machine.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from shipyard.actions.globs import FILE, glob_paths, match, parse_patterns

_ROOT = Path("/workspace")  # where relative paths are anchored for :func:`matcher`


def _lines(patterns: list[str]) -> list[str]:
    return [line for raw in patterns for line in raw.splitlines()]


def matcher(patterns: list[str]) -> Callable[[str], bool]:
    """A predicate on workspace-relative paths (``/``-separated) for the given patterns."""
    parsed = parse_patterns(_lines(patterns), cwd=_ROOT, env={}, implicit_descendants=True)
    return lambda path: bool(match(parsed, f"{_ROOT}/{path}") & FILE)


def hash_files(workspace: Path, patterns: list[str]) -> str:
    """The ``hashFiles(patterns...)`` value for ``workspace`` (``''`` when nothing matches)."""
    root = workspace.resolve()
    parsed = parse_patterns(_lines(patterns), cwd=root, env={}, implicit_descendants=True)
    inside = f"{root}{os.sep}"
    total = hashlib.sha256()
    count = 0
    for path in glob_paths(parsed, directories=False):
        if not path.startswith(inside):
            continue  # the runner hashes only files under the workspace
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        total.update(digest.digest())
        count += 1
    return total.hexdigest() if count else ""
