"""How benchmark results are shown: terminal tables, Markdown, the PR comment and JSON.

Pure. ``bench compare``: :func:`render_terminal` (an aligned table and the gate line),
:func:`render_markdown` (step summary), :func:`render_comment` (pull-request comment body
whose first line is ``<!-- shipyard-benchmarks -->``, so a bot can find and update it) and
:func:`comparison_json` (the ``--json`` object documented in :mod:`shipyard.cli.bench`).
``bench run``: :func:`render_run_terminal`, :func:`render_run_markdown`, :func:`run_json`.
Times have three significant digits and a unit (``52.1 µs``); ratios read ``3.02× slower``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from shipyard.reports.benchmarks import (
    BenchComparison,
    BenchRun,
    Change,
    DecisionRule,
    format_ratio,
)
from shipyard.reports.gates import GateResult

COMMENT_MARKER = "<!-- shipyard-benchmarks -->"
HEADERS = ("benchmark", "base (median ± IQR)", "head (median ± IQR)", "change", "p", "verdict")
SAMPLES_IN_JSON = 1000  # larger samples (pytest-benchmark's) are summarised only


def format_seconds(seconds: float) -> str:
    """``52.1 µs``, ``1.23 ms``, ``2.00 s``: three significant digits and a unit."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{_three_digits(seconds / scale)} {unit}"
    return f"{_three_digits(seconds / 1e-9)} ns"


def _three_digits(value: float) -> str:
    if value >= 99.95:
        return f"{value:.0f}"
    return f"{value:.1f}" if value >= 9.995 else f"{value:.2f}"


def format_p(p: float) -> str:
    """A p-value with two significant digits (``0.0002``, ``0.31``), tiny ones as ``<1e-6``."""
    return "<1e-6" if p < 1e-6 else f"{p:.2g}"


def _verdict(result: BenchComparison) -> str:
    return f"{result.status} ({result.message})" if result.message else result.status


def _row(result: BenchComparison) -> list[str]:
    change = result.decisive
    if change is None:
        return [result.name, "", "", "", "", _verdict(result)]
    return [
        result.name,
        f"{format_seconds(change.base.median)} ± {format_seconds(change.base.iqr)}",
        f"{format_seconds(change.head.median)} ± {format_seconds(change.head.iqr)}",
        format_ratio(change.ratio),
        format_p(change.p_value),
        _verdict(result),
    ]


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]


def render_terminal(results: Sequence[BenchComparison], gate: GateResult) -> str:
    """An aligned plain-text table, then the gate's verdict line."""
    lines = _table([list(HEADERS), *(_row(r) for r in results)])
    verdict = "passed" if gate.passed else "failed"
    return "\n".join([*lines, "", f"performance gate {verdict}: {gate.summary}"]) + "\n"


def render_markdown(
    results: Sequence[BenchComparison],
    gate: GateResult,
    rule: DecisionRule,
    *,
    base: str,
    rounds: int,
) -> str:
    """The step-summary Markdown: verdict, table, and how it was decided."""
    icon = "✅" if gate.passed else "❌"
    lines = [
        "## Benchmarks",
        "",
        f"{icon} **{gate.summary}** — head compared with `{base}`",
        "",
        "| Benchmark | Base (median ± IQR) | Head (median ± IQR) | Change | p | Verdict |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for result in results:
        cells = _row(result)
        cells[0] = f"`{cells[0]}`"
        if result.status in ("regression", "failed"):
            cells[-1] = f"**{cells[-1]}**"
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        f"Base and head measured interleaved on one machine, {rounds} rounds a side per pass. "
        f"A regression is a median at least {rule.threshold:g}× slower and a Mann–Whitney U "
        f"test with p < {rule.alpha:g}, confirmed by a re-run (p and change then pool both "
        "passes).",
    ]
    return "\n".join(lines) + "\n"


def render_comment(
    results: Sequence[BenchComparison],
    gate: GateResult,
    rule: DecisionRule,
    *,
    base: str,
    rounds: int,
) -> str:
    """The pull-request comment body: the marker line, then the Markdown report."""
    return COMMENT_MARKER + "\n" + render_markdown(results, gate, rule, base=base, rounds=rounds)


def _samples(values: Sequence[float]) -> list[float] | None:
    return list(values) if len(values) <= SAMPLES_IN_JSON else None


def _change_json(change: Change | None) -> dict[str, object] | None:
    if change is None:
        return None
    return {
        "ratio": change.ratio,
        "p_value": change.p_value,
        "direction": change.direction,
        "trend": change.trend,
        "base": {**change.base.to_json(), "samples": _samples(change.base_samples)},
        "head": {**change.head.to_json(), "samples": _samples(change.head_samples)},
    }


def comparison_json(
    results: Sequence[BenchComparison],
    gate: GateResult,
    rule: DecisionRule,
    *,
    base: Mapping[str, object],
    rounds: int,
) -> dict[str, object]:
    """The ``--json`` object of ``bench compare``."""
    return {
        "base": dict(base),
        "rule": {"alpha": rule.alpha, "threshold": rule.threshold, "rounds": rounds},
        "benchmarks": [
            {
                "name": r.name,
                "status": r.status,
                "message": r.message,
                "ratio": r.decisive.ratio if r.decisive else None,
                "p_value": r.decisive.p_value if r.decisive else None,
                "first": _change_json(r.first),
                "confirm": _change_json(r.confirm),
                "combined": _change_json(r.combined),
            }
            for r in results
        ],
        "gate": gate.to_json(),
    }


def render_run_terminal(runs: Sequence[BenchRun]) -> str:
    """An aligned table of ``bench run``'s results, then a count."""
    rows = [["benchmark", "median", "IQR", "min", "rounds"]]
    for run in runs:
        stats = run.stats
        if stats is None:
            rows.append([run.name, "failed", run.error, "", ""])
            continue
        times = (stats.median, stats.iqr, stats.minimum)
        rows.append([run.name, *(format_seconds(t) for t in times), f"{stats.n} × {run.number}"])
    failed = sum(1 for run in runs if run.error)
    word = "benchmark" if len(runs) == 1 else "benchmarks"
    tail = f"{len(runs)} {word} run" + (f", {failed} failed" if failed else "")
    return "\n".join([*_table(rows), "", tail]) + "\n"


def render_run_markdown(runs: Sequence[BenchRun]) -> str:
    """The step-summary Markdown of ``bench run``."""
    lines = ["## Benchmarks", "", "| Benchmark | Median | IQR | Min | Rounds |"]
    lines.append("| --- | ---: | ---: | ---: | ---: |")
    for run in runs:
        stats = run.stats
        if stats is None:
            lines.append(f"| `{run.name}` | **failed**: {run.error} | | | |")
            continue
        times = " | ".join(format_seconds(t) for t in (stats.median, stats.iqr, stats.minimum))
        lines.append(f"| `{run.name}` | {times} | {stats.n} × {run.number} |")
    return "\n".join(lines) + "\n"


def run_json(
    runs: Sequence[BenchRun], profiles: Sequence[Mapping[str, str]] = ()
) -> dict[str, object]:
    """The ``--json`` object of ``bench run``."""
    return {
        "benchmarks": [
            {
                "name": run.name,
                "number": run.number,
                "error": run.error or None,
                "stats": run.stats.to_json() if run.stats else None,
                "samples": _samples(run.samples),
            }
            for run in runs
        ],
        "profiles": [dict(p) for p in profiles],
    }
