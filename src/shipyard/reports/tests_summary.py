"""Test results across matrix configurations: totals, failures, the ``tests`` gate, views.

Owns turning parsed JUnit files (:mod:`shipyard.reports.junit`) into one
:class:`JUnitSummary`: a :class:`ConfigurationResult` per matrix configuration (several
files of one configuration add up), named from each file's path by
:func:`configuration_name`. Then the gate (:func:`evaluate_tests_gate`: every test
passed, and in every configuration at least one test ran — zero tests is a failure, not a
pass), and two views of the same data: Markdown for ``$GITHUB_STEP_SUMMARY``
(:func:`render_tests_markdown`) and the terminal (:func:`render_tests_terminal`). The
``--json`` object is built and documented in :mod:`shipyard.cli.report_tests`.

A test that is skipped did not run: a configuration whose tests were all skipped fails the
gate, like one without tests.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from fnmatch import fnmatchcase

from shipyard.reports.gates import GateResult
from shipyard.reports.junit import CaseResult, JUnitReport
from shipyard.valueclass import dataclass

NAME_FROM = ("parent", "file")
_PREFIX = re.compile(
    r"^(?:junit|xunit|test[-_]?results?|tests?|results?|pytest|reports?)[-_.]", re.IGNORECASE
)
_LISTED_IN_GATE = 2
MAX_LISTED_FAILURES = 50
MAX_TEXT_LINES = 40
MAX_TEXT_CHARS = 4000
_COLUMNS = ("configuration", "passed", "failed", "skipped", "errors", "time")
OUTCOMES = ("passed", "failed", "skipped", "error")


@dataclass(frozen=True, slots=True)
class ConfigurationResult:
    """The tests of one matrix configuration: its files, cases and duration."""

    name: str
    files: tuple[str, ...]
    cases: tuple[CaseResult, ...]
    time: float

    def count(self, outcome: str) -> int:
        """How many cases have ``outcome`` (``passed``, ``failed``, ``error``, ``skipped``)."""
        return sum(1 for case in self.cases if case.outcome == outcome)

    @property
    def tests(self) -> int:
        """How many cases there are."""
        return len(self.cases)

    @property
    def ran(self) -> int:
        """How many tests ran (were not skipped)."""
        return sum(1 for case in self.cases if case.outcome != "skipped")

    @property
    def failures(self) -> tuple[CaseResult, ...]:
        """The cases that failed or errored, in file order."""
        return tuple(case for case in self.cases if case.problem)


@dataclass(frozen=True, slots=True)
class JUnitSummary:
    """Every configuration's results, in natural order of their names (3.9 before 3.10)."""

    configurations: tuple[ConfigurationResult, ...]

    def count(self, outcome: str) -> int:
        """How many cases of every configuration have ``outcome``."""
        return sum(c.count(outcome) for c in self.configurations)

    @property
    def tests(self) -> int:
        """How many cases there are in all."""
        return sum(c.tests for c in self.configurations)

    @property
    def time(self) -> float:
        """The configurations' durations added up."""
        return sum(c.time for c in self.configurations)

    @property
    def failures(self) -> tuple[tuple[str, CaseResult], ...]:
        """``(configuration, case)`` for every failed or errored case."""
        return tuple((c.name, case) for c in self.configurations for case in c.failures)


def configuration_name(
    path: str, name_from: str = "parent", names: Mapping[str, str] | None = None
) -> str:
    """The configuration a JUnit file belongs to.

    ``names`` maps a path or a glob pattern (``fnmatch``) to a name and wins. Otherwise
    the name is the file's folder (``name_from="parent"``; a file without a folder uses
    its own name) or the file's name without its extension (``"file"``), less a leading
    ``junit-``, ``test-results-``, ``pytest-``… so that the artifact folder
    ``junit-3.11-ubuntu-latest/results.xml`` reads ``3.11-ubuntu-latest``.
    """
    if name_from not in NAME_FROM:
        raise ValueError(f"name_from must be one of {NAME_FROM}, not {name_from!r}")
    posix = path.replace("\\", "/")
    for pattern, name in (names or {}).items():
        wanted = pattern.replace("\\", "/")
        if posix == wanted or fnmatchcase(posix, wanted):
            return name
    parts = [part for part in posix.split("/") if part not in ("", ".")]
    if not parts:
        return path
    base = parts[-1]
    stem = base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base
    raw = parts[-2] if name_from == "parent" and len(parts) > 1 and parts[-2] != ".." else stem
    stripped = _PREFIX.sub("", raw)
    return stripped or raw


def _natural_key(name: str) -> list[int | str]:
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)]


def summarize_tests(files: Iterable[tuple[str, str, JUnitReport]]) -> JUnitSummary:
    """Group ``(path, configuration, report)`` triples by configuration, adding up their
    cases (in the order given) and durations."""
    grouped: dict[str, list[tuple[str, JUnitReport]]] = {}
    for path, configuration, report in files:
        grouped.setdefault(configuration, []).append((path, report))
    configurations = [
        ConfigurationResult(
            name,
            tuple(path for path, _ in entries),
            tuple(case for _, report in entries for case in report.cases),
            sum(report.time for _, report in entries),
        )
        for name, entries in grouped.items()
    ]
    configurations.sort(key=lambda c: _natural_key(c.name))
    return JUnitSummary(tuple(configurations))


def _plural(count: int, word: str) -> str:
    return f"{count} {word if count == 1 else word + 's'}"


def render_counts(summary: JUnitSummary) -> str:
    """``9 passed, 1 failed, 2 errors, 3 skipped across 4 configurations`` (errors only when
    there are some)."""
    errors = summary.count("error")
    parts = [f"{summary.count('passed')} passed", f"{summary.count('failed')} failed"]
    parts += [_plural(errors, "error")] if errors else []
    parts.append(f"{summary.count('skipped')} skipped")
    configurations = _plural(len(summary.configurations), "configuration")
    return f"{', '.join(parts)} across {configurations}"


def first_line(text: str, limit: int = 80) -> str:
    """The first non-blank line of ``text``, cut to ``limit`` characters with ``…``."""
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _failing(summary: JUnitSummary) -> str:
    """``failing: a in 3.11 (why), b in every configuration (why) and 3 more``."""
    groups: dict[str, list[tuple[str, CaseResult]]] = {}
    for configuration, case in summary.failures:
        groups.setdefault(case.test_id, []).append((configuration, case))
    total = len(summary.configurations)
    listed = []
    for test_id, entries in list(groups.items())[:_LISTED_IN_GATE]:
        where = sorted({configuration for configuration, _ in entries}, key=_natural_key)
        if total == 1:
            place = ""
        elif len(where) == total:
            place = " in every configuration"
        elif len(where) <= 2:
            place = f" in {', '.join(where)}"
        else:
            place = f" in {len(where)} configurations"
        why = first_line(entries[0][1].message, 60)
        listed.append(f"{test_id}{place}" + (f" ({why})" if why else ""))
    more = len(groups) - len(listed)
    return "failing: " + ", ".join(listed) + (f" and {more} more" if more > 0 else "")


def evaluate_tests_gate(summary: JUnitSummary) -> GateResult:
    """The ``tests`` gate: no failed or errored test, and tests ran in every configuration."""
    if not summary.configurations:
        return GateResult("tests", False, "no test results")
    counts = render_counts(summary)
    empty = [c.name for c in summary.configurations if c.ran == 0]
    if len(empty) == len(summary.configurations):
        return GateResult("tests", False, f"no test ran: {counts}")
    notes = [_failing(summary)] if summary.failures else []
    notes += [f"no test ran in {', '.join(empty)}"] if empty else []
    return GateResult("tests", not notes, "; ".join([counts, *notes]))


def render_seconds(seconds: float) -> str:
    """``0.07s``, ``12.3s``, ``2m 5s``."""
    if seconds < 10:
        return f"{seconds:.2f}s"
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}m {rest}s"


def _rows(summary: JUnitSummary) -> list[list[str]]:
    """One row of cells per configuration, then the total row."""
    sources: list[tuple[str, JUnitSummary | ConfigurationResult]] = [
        *((c.name, c) for c in summary.configurations),
        ("total", summary),
    ]
    return [
        [name, *(str(source.count(o)) for o in OUTCOMES), render_seconds(source.time)]
        for name, source in sources
    ]


def trim_text(text: str) -> str:
    """A traceback cut to its last :data:`MAX_TEXT_LINES` lines and
    :data:`MAX_TEXT_CHARS` characters (the end is where the error is)."""
    lines = text.rstrip().splitlines()
    kept = lines[-MAX_TEXT_LINES:]
    body = "\n".join(kept)
    if len(body) > MAX_TEXT_CHARS:
        body = body[-MAX_TEXT_CHARS:].split("\n", 1)[-1]
    dropped = len(lines) - len(body.splitlines())
    return (f"… {_plural(dropped, 'line')} above trimmed\n" if dropped else "") + body


def _cell(value: object) -> str:
    return html.escape(str(value), quote=False).replace("|", "\\|")


def render_tests_markdown(summary: JUnitSummary, gate: GateResult) -> str:
    """The step summary: the verdict, the table with a total row, then ``### Failures``
    with a ``<details>`` per failing test (at most :data:`MAX_LISTED_FAILURES`)."""
    mark = "✅" if gate.passed else "❌"
    word = "passed" if gate.passed else "failed"
    lines = ["## Tests", "", f"{mark} **tests {word}**: {_cell(gate.summary)}", ""]
    lines += ["| " + " | ".join(_COLUMNS) + " |", "| --- |" + " ---: |" * (len(_COLUMNS) - 1)]
    empty = {c.name for c in summary.configurations if c.ran == 0}
    *rows, total = _rows(summary)
    for name, *numbers in rows:
        label = _cell(name) + (" ⚠️ no test ran" if name in empty else "")
        lines.append("| " + " | ".join([label, *numbers]) + " |")
    lines.append("| " + " | ".join(f"**{value}**" for value in total) + " |")
    failures = summary.failures
    if failures:
        lines += ["", "### Failures", ""]
    for configuration, case in failures[:MAX_LISTED_FAILURES]:
        where = f" in {_cell(configuration)}" if len(summary.configurations) > 1 else ""
        why = f": {_cell(first_line(case.message, 200))}" if case.message else ""
        body = trim_text(case.text or case.message)
        fence = "`" * max([3, *(len(run) + 1 for run in re.findall(r"`+", body))])
        lines += [
            "<details>",
            f"<summary>❌ {case.outcome} <code>{_cell(case.test_id)}</code>{where}{why}</summary>",
            "",
            *([fence + "text", body, fence, ""] if body else []),
            "</details>",
            "",
        ]
    if len(failures) > MAX_LISTED_FAILURES:
        lines.append(
            f"… and {_plural(len(failures) - MAX_LISTED_FAILURES, 'more failure')} not listed"
        )
    return "\n".join(lines).rstrip("\n") + "\n"


def render_tests_terminal(summary: JUnitSummary, gate: GateResult) -> list[str]:
    """The terminal view: the table, each failure with its message, then the verdict."""
    table = [list(_COLUMNS), *_rows(summary)]
    widths = [max(len(row[i]) for row in table) for i in range(len(_COLUMNS))]
    lines = [
        "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        )
        for row in table
    ]
    lines += [f"no test ran in {c.name}" for c in summary.configurations if c.ran == 0]
    several = len(summary.configurations) > 1
    for configuration, case in summary.failures[:MAX_LISTED_FAILURES]:
        lines += [
            "",
            f"{case.outcome}: {case.test_id}" + (f" in {configuration}" if several else ""),
        ]
        lines += [f"  {line}" for line in case.message.splitlines()[:5] if line.strip()]
    more = len(summary.failures) - MAX_LISTED_FAILURES
    lines += [f"… and {_plural(more, 'more failure')} not listed"] if more > 0 else []
    return [*lines, "", f"{'PASS' if gate.passed else 'FAIL'} tests: {gate.summary}"]
