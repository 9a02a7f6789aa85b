"""``hashFiles()``: the SHA-256 of the workspace files that match glob patterns.

GitHub's algorithm (actions/runner ``hashFiles``): match the patterns (``@actions/glob``
rules: ``*``, ``?``, ``[...]`` within one path segment, ``**`` across folders, a leading
``!`` excludes, later patterns override earlier ones) under the workspace; for each
matched regular file, take the SHA-256 digest of its bytes; the result is the hex
SHA-256 of those digests concatenated, or ``''`` when nothing matched. Files are taken in
depth-first name order so the hash is the same on every machine.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=256)
def _compile(pattern: str) -> re.Pattern[str]:
    parts: list[str] = []
    segments = pattern.strip("/").split("/")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == "**":
            parts.append(".*" if last else "(?:.*/)?")
            continue
        out = []
        i = 0
        while i < len(segment):
            c = segment[i]
            if c == "*":
                out.append("[^/]*")
            elif c == "?":
                out.append("[^/]")
            elif c == "[":
                end = segment.find("]", i + 1)
                if end == -1:
                    out.append(re.escape(c))
                else:
                    body = segment[i + 1 : end].replace("\\", "\\\\")
                    if body.startswith("!"):
                        body = "^" + body[1:]
                    out.append(f"[{body}]")
                    i = end
            else:
                out.append(re.escape(c))
            i += 1
        parts.append("".join(out) + ("" if last else "/"))
    return re.compile("".join(parts) + r"(?:/.*)?\Z", re.DOTALL)


def _normalise(pattern: str) -> str:
    pattern = pattern.strip()
    if pattern.startswith("./"):
        pattern = pattern[2:]
    return pattern


def matcher(patterns: list[str]) -> Callable[[str], bool]:
    """A predicate on workspace-relative paths (``/``-separated) for the given patterns."""
    compiled: list[tuple[bool, re.Pattern[str]]] = []
    for raw in patterns:
        for line in raw.splitlines():
            pattern = _normalise(line)
            if not pattern or pattern.startswith("#"):
                continue
            negate = pattern.startswith("!")
            compiled.append((negate, _compile(_normalise(pattern[1:]) if negate else pattern)))

    def matches(path: str) -> bool:
        result = False
        for negate, regex in compiled:
            if regex.match(path):
                result = not negate
        return result

    return matches


def _walk(root: Path) -> Iterator[tuple[str, Path]]:
    """Depth-first, entries in name order, files and folders interleaved (as @actions/glob)."""
    stack: list[tuple[str, Path]] = [("", root)]
    seen: set[tuple[int, int]] = set()
    while stack:
        rel, path = stack.pop()
        try:
            info = path.stat()
        except OSError:
            continue
        if not path.is_dir():
            yield rel, path
            continue
        if (info.st_dev, info.st_ino) in seen:  # a symlink loop
            continue
        seen.add((info.st_dev, info.st_ino))
        try:
            names = sorted(os.listdir(path))
        except OSError:
            continue
        stack.extend((f"{rel}/{n}" if rel else n, path / n) for n in reversed(names))


def hash_files(workspace: Path, patterns: list[str]) -> str:
    """The ``hashFiles(patterns...)`` value for ``workspace`` (``''`` when nothing matches)."""
    matches = matcher(patterns)
    total = hashlib.sha256()
    count = 0
    for rel, path in _walk(workspace.resolve()):
        if not rel or not matches(rel):
            continue
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        total.update(digest.digest())
        count += 1
    return total.hexdigest() if count else ""
