"""``requires-python`` → the Python minor versions a project supports (pure).

Owns reading a version specifier set as PEP 440 writes it (``>=3.10``, ``>=3.9,<3.13``,
``~=3.10``, ``==3.11.*``, ``!=3.12.*``) and Poetry's forms (``^3.10``, ``~3.10``,
alternatives joined by ``||``). A minor version ``3.N`` is supported when some release
``3.N.p`` satisfies every clause of one alternative: ``<=3.12`` keeps 3.12 (3.12.0
qualifies), ``<3.13`` drops 3.13, ``>3.9`` keeps 3.9 (3.9.1 qualifies, as PEP 440 says).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from shipyard.errors import UserError

# The minor versions the shipped pipeline tests on (pipeline.md: Python 3.9 to 3.13).
CANDIDATES = ("3.9", "3.10", "3.11", "3.12", "3.13")

_CLAUSE = re.compile(r"^(~=|===|==|!=|<=|>=|<|>|\^|~)?\s*(\d+(?:\.\d+)*)(\.\*)?$")
_PATCHES = range(0, 60)

Version = tuple[int, int, int]
Test = Callable[[Version], bool]


def _pad(parts: Sequence[int]) -> Version:
    padded = [*parts, 0, 0, 0][:3]
    return (padded[0], padded[1], padded[2])


def _prefix(parts: Sequence[int]) -> Test:
    size = len(parts)
    return lambda v: list(v[:size]) == list(parts[:size])


def _clause(operator: str, parts: list[int], star: bool) -> list[Test]:
    """The tests a version must pass for one clause."""
    bound = _pad(parts)
    if star and operator not in ("==", "!="):
        raise ValueError("a wildcard is only allowed with == and !=")
    if operator in ("==", "===", ""):
        return [_prefix(parts)] if star else [lambda v: v == bound]
    if operator == "!=":
        matches = _prefix(parts) if star else (lambda v: v == bound)
        return [lambda v: not matches(v)]
    if operator == ">=":
        return [lambda v: v >= bound]
    if operator == ">":
        return [lambda v: v > bound]
    if operator == "<=":
        return [lambda v: v <= bound]
    if operator == "<":
        return [lambda v: v < bound]
    if operator == "~=":
        if len(parts) < 2:
            raise ValueError("~= needs at least two release parts")
        return [lambda v: v >= bound, _prefix(parts[:-1])]
    if operator == "^":  # Poetry: up to the next change of the first non-zero part
        index = next((i for i, p in enumerate(parts) if p != 0), len(parts) - 1)
        upper = _pad([*parts[:index], parts[index] + 1])
        return [lambda v: v >= bound, lambda v: v < upper]
    # "~" (Poetry): up to the next minor (or major, given only a major)
    upper = _pad([parts[0] + 1] if len(parts) == 1 else [parts[0], parts[1] + 1])
    return [lambda v: v >= bound, lambda v: v < upper]


def _alternative(text: str) -> list[Test]:
    tests: list[Test] = []
    for raw in text.split(","):
        clause = raw.strip()
        if clause in ("", "*"):
            continue
        match = _CLAUSE.match(clause)
        if match is None:
            raise ValueError(f"cannot read {clause!r}")
        operator, release, star = match.group(1) or "", match.group(2), bool(match.group(3))
        tests += _clause(operator, [int(p) for p in release.split(".")], star)
    return tests


def evaluate_requires_python(
    specifier: str, candidates: Sequence[str] = CANDIDATES
) -> tuple[str, ...]:
    """The ``candidates`` (``"3.N"``) that ``specifier`` allows, in the candidates' order.

    Raises :class:`UserError` when the specifier cannot be read.
    """
    try:
        alternatives = [_alternative(part) for part in specifier.split("||")]
    except ValueError as err:
        raise UserError(
            f"pyproject.toml: requires-python {specifier!r} is not a version specifier: {err}",
            hint="fix it, or choose the versions with --python 3.11,3.12",
        ) from None
    allowed: list[str] = []
    for candidate in candidates:
        major, minor = (int(p) for p in candidate.split("."))
        if any(
            all(test((major, minor, patch)) for test in tests)
            for tests in alternatives
            for patch in _PATCHES
        ):
            allowed.append(candidate)
    return tuple(allowed)


def parse_python_list(text: str) -> tuple[str, ...]:
    """``"3.11, 3.12"`` → ``("3.11", "3.12")``; ValueError names what is not ``X.Y``."""
    versions = tuple(part.strip() for part in text.split(",") if part.strip())
    wrong = [v for v in versions if not re.fullmatch(r"\d+\.\d+", v)]
    if wrong or not versions:
        shown = ", ".join(repr(w) for w in wrong) or "nothing"
        raise ValueError(f"expected Python versions such as 3.11,3.12, not {shown}")
    return tuple(dict.fromkeys(versions))
