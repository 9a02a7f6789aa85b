"""Glob patterns over files and folders, as ``@actions/glob`` matches them.

Owns the path matching that ``actions/cache`` and ``actions/upload-artifact`` share:
one pattern a line (blank lines and ``#`` comments skipped), a leading ``!`` excludes,
later lines override earlier ones, ``~`` is the home folder, relative patterns are under
the workspace; a ``..`` segment, or a ``.`` one other than the first, is refused
(:class:`PatternError`, ``@actions/glob``'s words). ``*``, ``?`` and ``[...]`` match
within one path segment and match names starting with a dot; ``**`` matches any number
of segments; a trailing ``/`` matches folders only. With *implicit descendants*
(upload-artifact) a pattern also matches everything under what it matches, and so does
an exclusion.

Each non-excluding pattern has a *search path*: its segments up to the first one with a
wildcard. Search paths under another search path are dropped, and only search paths
are walked (symbolic links followed, loops and broken links skipped). With
``exclude_hidden`` an entry whose name starts with a dot is skipped with everything
under it, the search path itself included, as upload-artifact's
``include-hidden-files: false`` does.

Deviation: ``@actions/glob`` prunes folders that no pattern can match below; here every
folder under a search path is walked (same results, more reading).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from shipyard.actions.inputs import expand_home
from shipyard.valueclass import dataclass

_WILD = re.compile(r"[*?\[]")
NONE, DIRECTORY, FILE = 0, 1, 2
ALL = DIRECTORY | FILE


class PatternError(ValueError):
    """A pattern ``@actions/glob`` refuses; the message is its own."""


@dataclass(frozen=True, slots=True)
class Pattern:
    """One parsed pattern line."""

    negate: bool
    search_path: str  # the literal folder (or file) the pattern starts from
    regex: re.Pattern[str]
    directory_only: bool  # the line ended with "/"

    def match(self, path: str) -> int:
        """The kinds of entry (:data:`FILE`, :data:`DIRECTORY`) this pattern matches at ``path``."""
        if not self.regex.fullmatch(path):
            return NONE
        return DIRECTORY if self.directory_only else ALL


def parse_patterns(
    lines: Sequence[str], *, cwd: Path, env: Mapping[str, str], implicit_descendants: bool
) -> list[Pattern]:
    """Parse pattern lines (see the module docstring); relative ones are under ``cwd``."""
    patterns: list[Pattern] = []
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negate = False
        while line.startswith("!"):
            negate, line = not negate, line[1:].strip()
        if any(s == ".." or (s == "." and i) for i, s in enumerate(line.split("/"))):
            raise PatternError(
                f"Invalid pattern '{line}'. Relative pathing '.' and '..' is not allowed."
            )
        line = expand_home(line, env)
        full = line if os.path.isabs(line) else os.path.join(cwd, line)
        directory_only = full.endswith("/")
        segments = [s for s in full.split("/") if s and s != "."]
        literal: list[str] = []
        for segment in segments:
            if _WILD.search(segment):
                break
            literal.append(segment)
        rest = segments[len(literal) :]
        search = os.path.normpath("/" + "/".join(literal))
        base = re.escape(search.rstrip("/"))
        body = "".join(_segment(s, last=i == len(rest) - 1) for i, s in enumerate(rest))
        patterns.append(Pattern(negate, search, re.compile(base + body), directory_only))
        explicit_tail = bool(rest) and rest[-1] == "**"
        if implicit_descendants and (directory_only or not explicit_tail):
            tail = re.compile(base + body + "/.+", re.DOTALL)
            patterns.append(Pattern(negate, search, tail, False))
    return patterns


def _segment(segment: str, *, last: bool) -> str:
    if segment == "**":
        return "(?:/.*)?" if last else "(?:/[^/]+)*"
    out: list[str] = []
    i = 0
    while i < len(segment):
        char = segment[i]
        end = segment.find("]", i + 2) if char == "[" else -1
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif end != -1:
            body = segment[i + 1 : end].replace("\\", "\\\\")
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
            i = end
        else:
            out.append(re.escape(char))
        i += 1
    return "/" + "".join(out)


def search_paths(patterns: Sequence[Pattern]) -> list[str]:
    """The folders to walk: those of including patterns, without ones under another."""
    candidates = [p.search_path for p in patterns if not p.negate]
    wanted = set(candidates)
    result: list[str] = []
    for path in candidates:
        if path in result:
            continue
        parent, current = os.path.dirname(path), path
        while parent != current:
            if parent in wanted:
                break
            parent, current = os.path.dirname(parent), parent
        else:
            result.append(path)
    return result


def match(patterns: Sequence[Pattern], path: str) -> int:
    """What the pattern list as a whole matches at ``path`` (later lines win)."""
    result = NONE
    for pattern in patterns:
        if pattern.negate:
            result &= ~pattern.match(path)
        else:
            result |= pattern.match(path)
    return result


def glob_paths(
    patterns: Sequence[Pattern], *, exclude_hidden: bool = False, directories: bool = True
) -> list[str]:
    """Matching paths, walked from the search paths in name order (see the module docs)."""
    found: list[str] = []
    for root in search_paths(patterns):
        for path, is_dir in _walk(root, exclude_hidden):
            kinds = match(patterns, path)
            if (is_dir and directories and kinds & DIRECTORY) or (not is_dir and kinds & FILE):
                found.append(path)
    return found


def _walk(root: str, exclude_hidden: bool) -> Iterator[tuple[str, bool]]:
    """``(path, is_dir)`` depth first; links followed; loops and broken links skipped."""
    stack: list[tuple[str, tuple[str, ...]]] = [(root, ())]
    while stack:
        path, chain = stack.pop()
        if exclude_hidden and os.path.basename(path).startswith("."):
            continue
        try:
            is_dir = os.path.isdir(path) and os.path.exists(path)
            if not is_dir and not os.path.exists(path):
                continue
        except OSError:
            continue
        yield path, is_dir
        if not is_dir:
            continue
        real = os.path.realpath(path)
        if real in chain:
            continue
        try:
            names = sorted(os.listdir(path))
        except OSError:
            continue
        sub = (*chain, real)
        stack.extend((os.path.join(path, name), sub) for name in reversed(names))
