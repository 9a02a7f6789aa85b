"""Benchmark comparisons: the regression rule, the ``performance`` gate and its reports.

Pure: samples (seconds per call) in, verdicts and text out. The statistics live in
:mod:`shipyard.reports.samples`.

**The rule.** A *pass* measures base and head interleaved on one machine (fresh processes
each pass). A regression is a head median at least ``threshold`` (1.25) times the base's
AND a two-sided Mann–Whitney U test with ``p < alpha`` (0.01), confirmed by a re-run:

1. the first pass is *suspected* when its median ratio alone crosses the threshold;
2. a suspected benchmark is measured again; the verdict needs the re-run alone to show
   the same trend (ratio beyond the threshold), and both passes pooled (2n samples a
   side) to show it significantly: pooled ratio beyond the threshold and ``p < alpha``;
3. an improvement likewise with ``1/threshold``; anything else is ``unchanged`` (a
   suspected change the re-run does not bear out is marked "not confirmed by the re-run").

The rank test ignores how far outliers lie; the minimum slowdown ignores small but real
differences between processes running identical code; the re-run in fresh processes stops
one unlucky pass from failing the gate; pooling gives the test 2n samples exactly when it
needs them, so ten rounds a side suffice on a loaded machine. Seeded simulations of heavy
noise (``tests/unit/reports/test_reports_benchmarks.py``): 2 false regressions in 1,000
trials on identical code, 997 of 1,000 3× slowdowns found.

A benchmark only in the head is ``new``, one only in the base is ``removed`` (the base
failing to run it counts as absent), one that fails in the head is ``failed``. The gate
fails on a regression or a failed benchmark: :func:`evaluate_gate`.

Rendering lives in :mod:`shipyard.reports.benchmarks_render`. pytest-benchmark results
come in through :func:`parse_pytest_benchmark_json`; ``bench run``'s results are
:class:`BenchRun` values.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from shipyard.reports.gates import GateResult
from shipyard.reports.samples import SampleStats, mann_whitney_u, summarise
from shipyard.valueclass import dataclass

STATUSES = ("regression", "improvement", "unchanged", "new", "removed", "failed")


@dataclass(frozen=True, slots=True)
class DecisionRule:
    """When a difference counts: ``p < alpha`` and a median ratio beyond ``threshold``."""

    alpha: float = 0.01
    threshold: float = 1.25


@dataclass(frozen=True, slots=True)
class Change:
    """A comparison of samples: ``ratio`` is head median / base median.

    ``trend`` reads the ratio alone (``slower`` at ``threshold`` or more, ``faster`` at
    ``1/threshold`` or less, else ``same``); ``direction`` is the trend when the rank test
    also found the difference (``p < alpha``), else ``same``.
    """

    base: SampleStats
    head: SampleStats
    ratio: float
    p_value: float
    trend: str  # "slower" | "faster" | "same"
    significant: bool
    base_samples: tuple[float, ...] = ()
    head_samples: tuple[float, ...] = ()

    @property
    def direction(self) -> str:
        """The trend when significant, else ``same``."""
        return self.trend if self.significant else "same"

    @property
    def suspected(self) -> bool:
        """Whether the ratio alone crosses the threshold: a re-run must tell."""
        return self.trend != "same"


@dataclass(frozen=True, slots=True)
class BenchComparison:
    """One benchmark's verdict, with its passes and, after a re-run, both pooled."""

    name: str
    status: str
    first: Change | None = None
    confirm: Change | None = None
    message: str = ""
    combined: Change | None = None

    @property
    def decisive(self) -> Change | None:
        """The comparison the reports show: both passes pooled when there was a re-run."""
        return self.combined or self.first


def evaluate_change(
    base: Sequence[float], head: Sequence[float], rule: DecisionRule = DecisionRule()
) -> Change:
    """Compare two samples under ``rule`` (see :class:`Change`)."""
    base_stats, head_stats = summarise(base), summarise(head)
    ratio = head_stats.median / base_stats.median if base_stats.median > 0 else 1.0
    p = mann_whitney_u(head, base).p_value
    trend = "same"
    if ratio >= rule.threshold:
        trend = "slower"
    elif ratio <= 1 / rule.threshold:
        trend = "faster"
    return Change(base_stats, head_stats, ratio, p, trend, p < rule.alpha, tuple(base), tuple(head))


def decide(
    name: str, first: Change, confirm: Change | None = None, rule: DecisionRule = DecisionRule()
) -> BenchComparison:
    """The verdict from the first pass and, when it was suspected, its re-run.

    A regression (improvement) needs the re-run alone to show the same trend, and both
    passes pooled to show it significantly: :func:`evaluate_change` of the pooled samples
    has that ``direction``.
    """
    if not first.suspected:
        return BenchComparison(name, "unchanged", first)
    if confirm is None:
        return BenchComparison(name, "unchanged", first, message="not re-run")
    combined = evaluate_change(
        first.base_samples + confirm.base_samples, first.head_samples + confirm.head_samples, rule
    )
    if confirm.trend == first.trend and combined.direction == first.trend:
        status = "regression" if first.trend == "slower" else "improvement"
        return BenchComparison(name, status, first, confirm, combined=combined)
    note = "not confirmed by the re-run"
    return BenchComparison(name, "unchanged", first, confirm, note, combined)


def format_ratio(ratio: float) -> str:
    """``3.02× slower``, ``1.50× faster`` or ``1.00×``."""
    if ratio >= 1.005:
        return f"{ratio:.2f}× slower"
    if 0 < ratio <= 1 / 1.005:
        return f"{1 / ratio:.2f}× faster"
    return "1.00×"


def evaluate_gate(results: Sequence[BenchComparison]) -> GateResult:
    """The ``performance`` gate: passed when no benchmark regressed or failed."""
    regressions = [r for r in results if r.status == "regression"]
    failed = [r for r in results if r.status == "failed"]
    parts: list[str] = []
    if regressions:
        word = "regression" if len(regressions) == 1 else "regressions"
        items = ", ".join(
            f"{r.name} {format_ratio(r.decisive.ratio)}" for r in regressions if r.decisive
        )
        parts.append(f"{len(regressions)} {word}: {items}")
    if failed:
        word = "benchmark failed" if len(failed) == 1 else "benchmarks failed"
        parts.append(f"{len(failed)} {word}: " + ", ".join(f.name for f in failed))
    if parts:
        return GateResult("performance", False, "; ".join(parts))
    compared = sum(1 for r in results if r.decisive is not None)
    word = "benchmark" if compared == 1 else "benchmarks"
    return GateResult("performance", True, f"no regression ({compared} {word})")


@dataclass(frozen=True, slots=True)
class BenchRun:
    """One benchmark of ``bench run``: its samples (seconds per call) or why it failed."""

    name: str
    samples: tuple[float, ...] = ()
    number: int = 0
    error: str = ""

    @property
    def stats(self) -> SampleStats | None:
        """The summary of the samples (None when the benchmark failed)."""
        return summarise(self.samples) if self.samples else None


def parse_pytest_benchmark_json(text: str) -> dict[str, tuple[float, ...]]:
    """Samples per test (``fullname``) from ``pytest --benchmark-json`` output.

    Uses ``stats.data`` (seconds per iteration of each round); raises ValueError when the
    text is not such a file or a benchmark carries no samples.
    """
    try:
        data = json.loads(text)
        entries = data["benchmarks"]
        found: dict[str, tuple[float, ...]] = {}
        for entry in entries:
            samples = tuple(float(v) for v in entry["stats"]["data"])
            if not samples:
                raise ValueError(f"{entry['fullname']}: no samples")
            found[str(entry["fullname"])] = samples
    except (KeyError, TypeError, json.JSONDecodeError) as err:
        raise ValueError(f"not pytest-benchmark JSON with samples ({err})") from None
    return found
