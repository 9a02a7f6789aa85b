"""JUnit XML results: one file's bytes read into test cases, each with one outcome.

Owns reading the JUnit XML dialects Python projects produce into a :class:`JUnitReport`:

- pytest's ``--junitxml`` (``<testsuites><testsuite>…``, both ``xunit1`` and ``xunit2``);
- unittest-xml-reporting (``xmlrunner``): a ``<testsuites>`` with a ``<testsuite>`` per
  test class, or a bare ``<testsuite>`` root (its one-file-per-class output);
- nested forms: ``<testsuite>`` inside ``<testsuite>`` (Maven, Jest, Gradle), and
  ``<testsuites>`` inside ``<testsuites>`` (merged reports).

Every ``<testcase>`` counts once, with one outcome, the worst it has: ``failed`` (a
``<failure>``), else ``error`` (an ``<error>``), else ``skipped`` (a ``<skipped>``), else
``passed``. Counts come from the cases, never from the suites' ``tests``/``failures``
attributes, which some tools leave out or get wrong. A test that fails and then errors in
teardown is two ``<testcase>`` elements in pytest's file (a failure and an error), and
counts twice, as in pytest's own totals. Rerun records (``<rerunFailure>``,
``<flakyFailure>``) leave a case passed: it passed in the end.

The duration is the root's ``time`` when it has one, else the sum of the top-level suites'
``time``, else the sum of the cases' times (commas as thousands separators, as Maven
writes them, are read; a bad or negative time counts as 0).

The library ``junitparser`` reads each ``<testcase>``: its name, class name, results and
their messages. The XML itself is parsed here with the standard library, from bytes
(junitparser would read bytes too, but this way a broken file is reported with its line
and column, and the result does not depend on whether lxml happens to be installed); the
suites are walked here, since tools nest them in more ways than junitparser follows, and
times are read here (see :func:`_attribute_seconds`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from typing import Any
from xml.etree import ElementTree

import junitparser

from shipyard.errors import UserError
from shipyard.valueclass import dataclass

OUTCOMES = ("passed", "failed", "error", "skipped")
_SUITE_TAGS = ("testsuite", "testsuites")
_POSITION = re.compile(r":\s*line \d+, column \d+$")


class JUnitError(UserError):
    """A file that is not readable JUnit XML."""


@dataclass(frozen=True, slots=True)
class CaseResult:
    """One ``<testcase>``: where it lives, its outcome, and why it did not pass.

    ``message`` is the result element's ``message`` attribute, prefixed with its ``type``
    for a failure or error when it does not start with it (``KeyError: 'x'``, as
    unittest-xml-reporting splits them), else the first line of its text, else its
    ``type``; ``text`` is the element's text (the traceback); ``kind`` its ``type``. All
    three are empty for a passed case.
    """

    suite: str
    classname: str
    name: str
    outcome: str
    time: float = 0.0
    message: str = ""
    text: str = ""
    kind: str = ""

    @property
    def test_id(self) -> str:
        """``classname.name``, or the name alone when there is no class name."""
        return f"{self.classname}.{self.name}" if self.classname else self.name

    @property
    def problem(self) -> bool:
        """Whether the case failed or errored."""
        return self.outcome in ("failed", "error")


@dataclass(frozen=True, slots=True)
class JUnitReport:
    """The cases of one JUnit file, in document order, and the file's duration."""

    cases: tuple[CaseResult, ...]
    time: float

    def count(self, outcome: str) -> int:
        """How many cases have ``outcome`` (one of :data:`OUTCOMES`)."""
        return sum(1 for case in self.cases if case.outcome == outcome)

    @property
    def tests(self) -> int:
        """How many cases the file holds."""
        return len(self.cases)


def parse_junit(data: bytes | str, source: str = "<junit>") -> JUnitReport:
    """Read JUnit XML; ``source`` names the file in error messages.

    Raises :class:`JUnitError` for an empty file, invalid XML, or a root element other than
    ``<testsuites>``/``<testsuite>``.
    """
    if not data.strip():
        raise JUnitError(
            f"{source}: the file is empty, not JUnit XML",
            hint="the test run may have stopped before writing its results",
        )
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as err:
        line, column = err.position
        reason = _POSITION.sub("", str(err))
        raise JUnitError(
            f"{source} (Line: {line}, Col: {column + 1}): invalid XML: {reason}",
            hint="the file may be truncated; JUnit files come from `pytest --junitxml=PATH`",
        ) from None
    if root.tag not in _SUITE_TAGS:
        raise JUnitError(
            f"{source}: not JUnit XML: the root element is <{root.tag}>, "
            "expected <testsuites> or <testsuite>",
            hint="JUnit files come from `pytest --junitxml=PATH`",
        )
    cases = tuple(_cases([root] if root.tag == "testsuite" else root, ""))
    return JUnitReport(cases, _duration(root, cases))


def _cases(elements: Iterable[Any], suite: str) -> Iterator[CaseResult]:
    """The cases among ``elements``, recursing into nested suites, in document order."""
    for child in elements:
        if child.tag == "testcase":
            # junitparser leaves fromelem unannotated; it wraps the element as a TestCase
            case = junitparser.TestCase.fromelem(child)  # type: ignore[no-untyped-call]
            yield _case(case, suite, _attribute_seconds(child) or 0.0)
        elif child.tag in _SUITE_TAGS:
            yield from _cases(child, child.get("name") or suite)


def _case(case: Any, suite: str, time: float) -> CaseResult:
    results = list(case.result)
    outcome, found = "passed", None
    for kind, outcome_name in (
        (junitparser.Failure, "failed"),
        (junitparser.Error, "error"),
        (junitparser.Skipped, "skipped"),
    ):
        found = next((r for r in results if isinstance(r, kind)), None)
        if found is not None:
            outcome = outcome_name
            break
    name, classname = str(case.name or ""), str(case.classname or "")
    if found is None:
        return CaseResult(suite, classname, name, outcome, time)
    text = str(found.text or "").strip("\n")
    kind_text = str(found.type or "")
    message = str(found.message or "").strip()
    if not message:
        message = next((line.strip() for line in text.splitlines() if line.strip()), kind_text)
    elif outcome != "skipped" and kind_text and not message.startswith(kind_text):
        message = f"{kind_text}: {message}"
    return CaseResult(suite, classname, name, outcome, time, message, text, kind_text)


def _seconds(value: float | None) -> float:
    """A time in seconds: 0 when absent, negative or not finite."""
    if value is None or not math.isfinite(value) or value < 0:
        return 0.0
    return float(value)


def _attribute_seconds(element: Any) -> float | None:
    """An element's own ``time`` attribute, or None when absent or unreadable (read here:
    junitparser would recount a suite's missing one into the tree, and older versions
    reject Maven's thousands separators)."""
    raw = str(element.get("time") or "").replace(",", "").strip()
    try:
        return _seconds(float(raw)) if raw else None
    except ValueError:
        return None


def _duration(root: Any, cases: tuple[CaseResult, ...]) -> float:
    own = _attribute_seconds(root)
    if own is not None:
        return own
    suites = [_attribute_seconds(child) for child in root if child.tag in _SUITE_TAGS]
    if suites and all(seconds is not None for seconds in suites):
        return sum(seconds or 0.0 for seconds in suites)
    return sum(case.time for case in cases)
