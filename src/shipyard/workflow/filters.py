"""GitHub's filter patterns (``branches``, ``tags``, ``paths`` and their ``-ignore`` forms).

The syntax is the workflow-syntax "Filter pattern cheat sheet":

- ``*`` matches zero or more characters except ``/``; ``**`` matches zero or more of any
  character. ``**/`` at the start of a segment also matches nothing, so ``**/README.md``
  matches ``README.md`` and ``docs/**/*.md`` matches ``docs/README.md``.
- ``?`` and ``+`` repeat the preceding character (or ``[]`` class): zero or one, one or more.
  With nothing to repeat (at the start, after ``*``, ``?`` or ``+``) they are an error,
  as on GitHub.
- ``[...]`` matches one listed character or one in a range; ranges stay within ``a-z``,
  ``A-Z`` or ``0-9``. ``[]`` and a missing ``]`` are errors.
- ``\\`` escapes a special character (``* ? + [ ] ! \\``); before any other character it is
  a literal backslash (file paths may contain one).
- ``!`` as the first character negates the pattern.

A list of patterns is read in order and the last pattern that matches a name decides:
a negative pattern after a positive one excludes, a positive one after it re-includes.
A name no pattern matches is not included. Matching is case-sensitive and whole-name.
Patterns compile to regular expressions once (``functools.lru_cache``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from shipyard.errors import UserError
from shipyard.valueclass import dataclass

_SPECIAL = frozenset("*?+[]!\\")
_RANGES = (("a", "z"), ("A", "Z"), ("0", "9"))
_PLAIN = re.compile(r"[A-Za-z0-9_./-]+")


class FilterPatternError(UserError):
    """A branch, tag or path pattern that GitHub would reject."""

    def __init__(self, pattern: str, problem: str, hint: str | None = None):
        super().__init__(f"invalid filter pattern {quote(pattern)}: {problem}", hint=hint)
        self.pattern = pattern
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Pattern:
    """One compiled pattern: its text as written (with any ``!``) and its regex."""

    text: str
    negative: bool
    regex: re.Pattern[str]

    def matches(self, name: str) -> bool:
        """True when the pattern's body (without ``!``) matches the whole name."""
        return self.regex.fullmatch(name) is not None


@dataclass(frozen=True, slots=True)
class FilterMatch:
    """Why a filter includes a name or not: ``pattern`` is the last one that matched."""

    name: str
    included: bool
    pattern: Pattern | None


@dataclass(frozen=True, slots=True)
class Filter:
    """An ordered list of patterns, evaluated the way GitHub evaluates them."""

    patterns: tuple[Pattern, ...]

    def explain(self, name: str) -> FilterMatch:
        """Whether the filter includes ``name``, and which pattern decided."""
        decided: Pattern | None = None
        for pattern in self.patterns:
            if pattern.matches(name):
                decided = pattern
        included = decided is not None and not decided.negative
        return FilterMatch(name, included, decided)

    def matches(self, name: str) -> bool:
        """True when the last pattern matching ``name`` is a positive one."""
        return self.explain(name).included

    def first_included(self, names: Iterable[str]) -> FilterMatch | None:
        """The first name the filter includes (``paths``: one is enough to run)."""
        for name in names:
            match = self.explain(name)
            if match.included:
                return match
        return None

    def first_excluded(self, names: Iterable[str]) -> FilterMatch | None:
        """The first name the filter does not include (``paths-ignore``: one keeps it running)."""
        for name in names:
            match = self.explain(name)
            if not match.included:
                return match
        return None

    def describe(self) -> str:
        """The patterns as a YAML flow sequence: ``[main, 'releases/**']``."""
        return format_patterns(pattern.text for pattern in self.patterns)


def quote(text: str) -> str:
    """``text`` in single quotes, YAML style (a quote inside is doubled)."""
    return "'" + text.replace("'", "''") + "'"


def format_patterns(patterns: Iterable[str]) -> str:
    """Patterns as a YAML flow sequence, quoting only those that need it."""
    return "[" + ", ".join(p if _PLAIN.fullmatch(p) else quote(p) for p in patterns) + "]"


def compile_filter(patterns: Iterable[str]) -> Filter:
    """Compile a list of patterns; raises :class:`FilterPatternError` on the first bad one."""
    return _compile_filter(tuple(patterns))


@lru_cache(maxsize=1024)
def _compile_filter(patterns: tuple[str, ...]) -> Filter:
    return Filter(tuple(compile_pattern(p) for p in patterns))


@lru_cache(maxsize=4096)
def compile_pattern(text: str) -> Pattern:
    """Compile one pattern (``!`` prefix included); raises :class:`FilterPatternError`."""
    negative = text.startswith("!")
    if text == "!":
        raise FilterPatternError(text, "'!' must be followed by a pattern")
    return Pattern(text, negative, re.compile(pattern_to_regex(text, int(negative)), re.DOTALL))


def check_pattern(text: str) -> str | None:
    """The problem with a pattern as a message, or ``None`` when it is valid."""
    try:
        compile_pattern(text)
    except FilterPatternError as error:
        return error.message
    return None


def pattern_to_regex(text: str, start: int = 0) -> str:
    """Translate ``text[start:]`` (the pattern after any ``!``) into a regex.

    Error messages quote the whole ``text`` and count columns in it.
    """
    if start >= len(text):
        raise FilterPatternError(text, "a pattern cannot be empty")
    out: list[str] = []
    pos = start
    repeatable = False  # does the last emitted atom accept ``?`` / ``+``?
    while pos < len(text):
        char = text[pos]
        if char == "*":
            if text.startswith("**/", pos) and (pos == start or text[pos - 1] == "/"):
                out.append("(?:.+/)?")
                pos += 3
            elif text.startswith("**", pos):
                out.append(".*")
                pos += 2
            else:
                out.append("[^/]*")
                pos += 1
            repeatable = False
        elif char in "?+":
            if not repeatable:
                raise FilterPatternError(
                    text,
                    f"'{char}' at column {pos + 1} has no preceding character to repeat",
                    hint=f"write '\\{char}' to match a literal '{char}'",
                )
            out.append(char)
            pos += 1
            repeatable = False
        elif char == "[":
            regex, pos = _bracket(text, pos)
            out.append(regex)
            repeatable = True
        elif char == "\\" and pos + 1 < len(text) and text[pos + 1] in _SPECIAL:
            out.append(re.escape(text[pos + 1]))
            pos += 2
            repeatable = True
        else:
            out.append(re.escape(char))
            pos += 1
            repeatable = True
    return "".join(out)


def _bracket(text: str, start: int) -> tuple[str, int]:
    """Translate ``[...]`` starting at ``start``; returns the class and the next position."""
    end = text.find("]", start + 1)
    if end == start + 1:
        raise FilterPatternError(text, f"empty brackets '[]' at column {start + 1}")
    if end < 0:
        raise FilterPatternError(
            text,
            f"'[' at column {start + 1} has no closing ']'",
            hint="write '\\[' to match a literal '['",
        )
    inner = text[start + 1 : end]
    parts: list[str] = []
    i = 0
    while i < len(inner):
        if i + 2 < len(inner) and inner[i + 1] == "-":
            low, high = inner[i], inner[i + 2]
            if not any(a <= low <= high <= b for a, b in _RANGES):
                raise FilterPatternError(
                    text,
                    f"invalid range '{low}-{high}' at column {start + 2 + i}",
                    hint="ranges can only include a-z, A-Z and 0-9, in increasing order",
                )
            parts.append(f"{re.escape(low)}-{re.escape(high)}")
            i += 3
        else:
            parts.append(re.escape(inner[i]))
            i += 1
    return "[" + "".join(parts) + "]", end + 1
