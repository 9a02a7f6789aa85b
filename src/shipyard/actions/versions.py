"""Version ranges as ``node-semver`` reads them, the way setup-python and setup-uv apply them.

Owns parsing versions (``3.11.7``, ``3.14.0-beta.2``, a ``v`` prefix) and ranges:
``||`` alternatives, space-separated comparators (``>=3.10 <3.13``), hyphen ranges
(``3.10 - 3.12``), x-ranges (``3``, ``3.x``, ``3.11.*``, ``*``), tilde (``~3.11``) and caret
(``^3.10``), with node-semver's desugaring (``3.1`` is ``>=3.1.0 <3.2.0-0``: it never
means 3.10) and its prerelease rule: a prerelease version satisfies a range only when a
comparator of the same alternative names the same ``major.minor.patch`` with a prerelease.
"""

from __future__ import annotations

import re
from functools import total_ordering

from shipyard.valueclass import dataclass

_VERSION = re.compile(
    r"^\s*[v=]?\s*(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?\s*$"
)
_PARTIAL = re.compile(
    r"^[v=]?(\d+|[xX*])(?:\.(\d+|[xX*])(?:\.(\d+|[xX*])(?:-([0-9A-Za-z.-]+))?)?)?"
    r"(?:\+[0-9A-Za-z.-]+)?$"
)
_OPS = ("<=", ">=", "<", ">", "=", "~>", "~", "^")


@total_ordering
@dataclass(frozen=True, slots=True)
class Version:
    """A semantic version; ``pre`` is the prerelease identifiers (``('beta', 2)``)."""

    major: int
    minor: int
    patch: int
    pre: tuple[int | str, ...] = ()

    def _key(self) -> tuple[int, int, int, int, tuple[tuple[int, int, str], ...]]:
        pre = tuple((0, p, "") if isinstance(p, int) else (1, 0, p) for p in self.pre)
        return (self.major, self.minor, self.patch, 0 if self.pre else 1, pre)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._key() < other._key()

    def __str__(self) -> str:
        text = f"{self.major}.{self.minor}.{self.patch}"
        return text + ("-" + ".".join(str(p) for p in self.pre) if self.pre else "")


def _pre(text: str | None) -> tuple[int | str, ...]:
    if not text:
        return ()
    return tuple(int(p) if p.isdigit() else p for p in text.split("."))


def parse_version(text: str) -> Version | None:
    """A full version (``1.2.3``, ``1.2.3-rc.1``), else None."""
    match = _VERSION.match(text)
    if match is None:
        return None
    major, minor, patch, pre = match.groups()
    return Version(int(major), int(minor), int(patch), _pre(pre))


Comparator = tuple[str, Version]  # (operator, version); operator in <, <=, >, >=, =


@dataclass(frozen=True, slots=True)
class Range:
    """A parsed range: alternatives, each a list of comparators that must all hold."""

    alternatives: tuple[tuple[Comparator, ...], ...]

    def satisfied_by(self, version: Version) -> bool:
        """Whether ``version`` is in the range (node-semver's ``satisfies``)."""
        return any(_test_set(cs, version) for cs in self.alternatives)


def _test_set(comparators: tuple[Comparator, ...], version: Version) -> bool:
    for op, bound in comparators:
        if not _compare(op, version, bound):
            return False
    if version.pre:  # only when a comparator names this very patch with a prerelease
        same = (version.major, version.minor, version.patch)
        return any(b.pre and (b.major, b.minor, b.patch) == same for _, b in comparators)
    return True


def _compare(op: str, a: Version, b: Version) -> bool:
    return {
        "<": a < b,
        "<=": a <= b,
        ">": a > b,
        ">=": a >= b,
        "=": a == b,
    }[op]


def parse_range(text: str) -> Range | None:
    """Parse a node-semver range (loose: ``>= 3.9`` is allowed), else None."""
    alternatives: list[tuple[Comparator, ...]] = []
    for part in text.split("||"):
        comparators = _parse_set(part.strip())
        if comparators is None:
            return None
        alternatives.append(tuple(comparators))
    return Range(tuple(alternatives))


def _parse_set(text: str) -> list[Comparator] | None:
    hyphen = re.fullmatch(r"(\S+)\s+-\s+(\S+)", text)
    if hyphen:
        low, high = _partial(hyphen.group(1)), _partial(hyphen.group(2))
        if low is None or high is None:
            return None
        return [*_desugar(">=", low), *_desugar("<=", high)]
    text = re.sub(r"(<=|>=|~>|[<>=~^])\s+", r"\1", text)  # loose: "> = 3" -> ">=3"
    result: list[Comparator] = []
    for token in text.split() or ["*"]:
        op = next((o for o in _OPS if token.startswith(o)), "")
        partial = _partial(token[len(op) :])
        if partial is None:
            return None
        result.extend(_desugar(op, partial))
    return result


Partial = tuple[int | None, int | None, int | None, tuple[int | str, ...]]


def _partial(text: str) -> Partial | None:
    match = _PARTIAL.match(text)
    if match is None:
        return None
    parts = [None if g is None or g in "xX*" else int(g) for g in match.groups()[:3]]
    for i in (1, 2):  # after a wildcard, everything is a wildcard
        if parts[i - 1] is None:
            parts[i] = None
    return parts[0], parts[1], parts[2], _pre(match.group(4))


def _desugar(op: str, partial: Partial) -> list[Comparator]:
    major, minor, patch, pre = partial
    if major is None:
        return [(">=", Version(0, 0, 0))] if op not in ("<", ">") else [("<", Version(0, 0, 0))]
    if op in ("~", "~>"):
        low = Version(major, minor or 0, patch or 0, pre)
        high = (
            Version(major + 1, 0, 0, (0,)) if minor is None else Version(major, minor + 1, 0, (0,))
        )
        return [(">=", low), ("<", high)]
    if op == "^":
        low = Version(major, minor or 0, patch or 0, pre)
        if major > 0 or minor is None:
            high = Version(major + 1, 0, 0, (0,))
        elif minor > 0 or patch is None:
            high = Version(0, minor + 1, 0, (0,))
        else:
            high = Version(0, 0, patch + 1, (0,))
        return [(">=", low), ("<", high)]
    if patch is not None:  # a full version
        return [(op or "=", Version(major, minor or 0, patch, pre))]
    low = Version(major, minor or 0, 0)
    next_up = (
        Version(major + 1, 0, 0, (0,)) if minor is None else Version(major, minor + 1, 0, (0,))
    )
    if op in ("", "="):
        return [(">=", low), ("<", next_up)]
    if op == ">":
        return [(">=", Version(next_up.major, next_up.minor, 0))]
    if op == "<=":
        return [("<", next_up)]
    if op == "<":
        return [("<", Version(low.major, low.minor, 0, (0,)))]
    return [(">=", low)]  # ">="


def max_satisfying(versions: list[Version], spec: Range) -> Version | None:
    """The highest version in the range, else None."""
    matching = [v for v in versions if spec.satisfied_by(v)]
    return max(matching) if matching else None
