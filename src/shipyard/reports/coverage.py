"""Coverage results: per-file numbers, totals as coverage.py computes them, the change
against a base result, and the coverage gate.

Owns the value types (:class:`FileCoverage`, :class:`CoverageResult`, :class:`CoverageDelta`,
:class:`BaseInfo`) and the arithmetic, with coverage.py's own rules:

- a file's (and the total's) percentage is ``100 * (executed statements + executed
  branches) / (statements + branches)``, 100 when there is nothing to measure; the total
  sums the files' counts (``coverage.results.Numbers``);
- a percentage is shown with ``display_covered``'s rules: rounded to the precision, but
  never shown as 0 unless it is 0, nor as 100 unless it is 100;
- the gate fails as ``coverage report --fail-under`` does: the total rounded to the
  precision (or to the minimum's own decimals when it has more) is below the minimum,
  and a minimum of 100 needs exactly 100.

The precision is coverage's ``[report] precision`` of the project, but never less than one
decimal (:data:`MIN_PRECISION`): ``84.2% (+1.3%)`` shows changes that whole numbers hide.
A change is the difference of the two *shown* percentages, so it adds up for the reader.

Parsing coverage.py's files and Shipyard's JSON is :mod:`shipyard.reports.coverage_formats`;
the terminal, Markdown and comment views are :mod:`shipyard.reports.coverage_render`.
"""

from __future__ import annotations

from decimal import Decimal

from shipyard.reports.gates import GateResult
from shipyard.valueclass import dataclass

MIN_PRECISION = 1
GATE_NAME = "coverage"


@dataclass(frozen=True, slots=True)
class FileCoverage:
    """One measured file's counts, named as in ``coverage report``'s columns.

    ``partial`` is BrPart (executed lines with a branch not taken); ``missing_branches``
    counts the branch exits never taken, which is what the percentage uses.
    """

    path: str
    statements: int
    missing: int
    branches: int = 0
    partial: int = 0
    missing_branches: int = 0

    @property
    def covered(self) -> int:
        """Executed statements plus executed branch exits."""
        return self.statements - self.missing + self.branches - self.missing_branches

    @property
    def measurable(self) -> int:
        """Statements plus branch exits."""
        return self.statements + self.branches

    @property
    def percent(self) -> float:
        """The exact percentage covered (100 when there is nothing to measure)."""
        if self.measurable > 0:
            return (100.0 * self.covered) / self.measurable
        return 100.0

    def same_counts(self, other: FileCoverage) -> bool:
        """Whether both have the same numbers (paths aside)."""
        return (
            self.statements,
            self.missing,
            self.branches,
            self.partial,
            self.missing_branches,
        ) == (
            other.statements,
            other.missing,
            other.branches,
            other.partial,
            other.missing_branches,
        )


@dataclass(frozen=True, slots=True)
class CoverageResult:
    """The files of one measurement, sorted by path, with coverage's report precision."""

    files: tuple[FileCoverage, ...]
    precision: int = 0
    branch: bool = False

    @property
    def total(self) -> FileCoverage:
        """The ``TOTAL`` row: every count summed."""
        return FileCoverage(
            "TOTAL",
            sum(f.statements for f in self.files),
            sum(f.missing for f in self.files),
            sum(f.branches for f in self.files),
            sum(f.partial for f in self.files),
            sum(f.missing_branches for f in self.files),
        )

    @property
    def percent(self) -> float:
        """The exact total percentage."""
        return self.total.percent

    @property
    def display_precision(self) -> int:
        """Decimals shown: the project's precision, at least :data:`MIN_PRECISION`."""
        return max(self.precision, MIN_PRECISION)

    def shown(self, percent: float) -> str:
        """``percent`` as this result shows it, without the ``%`` sign."""
        return display_covered(percent, self.display_precision)

    def file(self, path: str) -> FileCoverage | None:
        """The file with this path, if measured."""
        return next((f for f in self.files if f.path == path), None)


def make_result(
    files: list[FileCoverage], *, precision: int = 0, branch: bool | None = None
) -> CoverageResult:
    """A result with files sorted by path (files with the same path are summed)."""
    merged: dict[str, FileCoverage] = {}
    for item in files:
        seen = merged.get(item.path)
        if seen is not None:
            item = FileCoverage(
                item.path,
                seen.statements + item.statements,
                seen.missing + item.missing,
                seen.branches + item.branches,
                seen.partial + item.partial,
                seen.missing_branches + item.missing_branches,
            )
        merged[item.path] = item
    has_branches = any(f.branches for f in merged.values()) if branch is None else branch
    return CoverageResult(tuple(merged[p] for p in sorted(merged)), precision, has_branches)


def display_covered(percent: float, precision: int) -> str:
    """coverage.py's ``display_covered``: rounded, but 0 and 100 only when exact."""
    near0 = 1.0 / 10**precision
    if 0 < percent < near0:
        percent = near0
    elif (100.0 - near0) < percent < 100:
        percent = 100.0 - near0
    else:
        percent = round(percent, precision)
    return f"{percent:.{precision}f}"


@dataclass(frozen=True, slots=True)
class FileChange:
    """A file whose numbers differ from the base: ``changed``, ``new`` or ``removed``."""

    path: str
    status: str
    head: FileCoverage | None
    base: FileCoverage | None
    change: float | None


@dataclass(frozen=True, slots=True)
class CoverageDelta:
    """The change of the total (in points, as shown) and the files that changed."""

    total_change: float
    files: tuple[FileChange, ...]


@dataclass(frozen=True, slots=True)
class BaseInfo:
    """The base a result is compared with, and how it was found.

    ``found`` is ``merge-base`` (the stored result of the merge base with ``ref``),
    ``parent`` (of HEAD, when HEAD is on the base branch), ``ancestor`` (the newest stored
    result of an ancestor of either) or ``file`` (given with ``--base-json``).
    """

    result: CoverageResult
    found: str
    commit: str | None = None
    ref: str | None = None
    source: str | None = None

    def describe(self) -> str:
        """One line naming the base, e.g. ``1a2b3c4 (merge base with main)``."""
        if self.found == "file":
            return f"{self.source} (given with --base-json)"
        short = (self.commit or "?")[:7]
        if self.found == "merge-base":
            return f"{short} (merge base with {self.ref})"
        if self.found == "parent":
            return f"{short} (parent of HEAD)"
        return f"{short} (newest stored ancestor)"


def shown_change(head: float, base: float, precision: int) -> float:
    """The difference of the two shown percentages, exact to ``precision`` decimals."""
    diff = Decimal(display_covered(head, precision)) - Decimal(display_covered(base, precision))
    return float(diff)


def format_change(change: float, precision: int) -> str:
    """``+1.3%``, ``-0.5%``, or ``±0.0%`` when nothing changed."""
    text = f"{abs(change):.{precision}f}%"
    if float(text[:-1]) == 0:
        return f"±{text}"
    return ("+" if change > 0 else "-") + text


def evaluate_delta(head: CoverageResult, base: CoverageResult) -> CoverageDelta:
    """Compare ``head`` with ``base``: the total and each new, removed or changed file."""
    precision = head.display_precision
    changes: list[FileChange] = []
    base_files = {f.path: f for f in base.files}
    head_files = {f.path: f for f in head.files}
    for path in sorted(set(base_files) | set(head_files)):
        now, before = head_files.get(path), base_files.get(path)
        if now is not None and before is None:
            changes.append(FileChange(path, "new", now, None, None))
        elif now is None and before is not None:
            changes.append(FileChange(path, "removed", None, before, None))
        elif now is not None and before is not None and not now.same_counts(before):
            change = shown_change(now.percent, before.percent, precision)
            changes.append(FileChange(path, "changed", now, before, change))
    total = shown_change(head.percent, base.percent, precision)
    return CoverageDelta(total, tuple(changes))


def gate_precision(minimum: float, precision: int) -> int:
    """Decimals the gate compares with: the precision, or the minimum's own if it has more."""
    if minimum == int(minimum):
        return precision
    exponent = Decimal(str(minimum)).as_tuple().exponent
    return max(precision, -int(exponent))


def format_minimum(minimum: float) -> str:
    """``80``, ``82.5``: the minimum as the user wrote it."""
    return f"{minimum:g}"


def evaluate_gate(result: CoverageResult, minimum: float) -> GateResult:
    """The coverage gate: the total must reach ``minimum`` (``--fail-under``'s rule)."""
    precision = gate_precision(minimum, result.display_precision)
    total = result.percent
    # As --fail-under: 100 must be exactly 100, anything else is compared rounded.
    passed = total == 100.0 if minimum == 100.0 else round(total, precision) >= minimum
    shown = display_covered(total, precision)
    if passed:
        summary = f"coverage {shown}% (min {format_minimum(minimum)}%)"
    else:
        summary = f"coverage {shown}% is below the minimum {format_minimum(minimum)}%"
    return GateResult(GATE_NAME, passed, summary)
