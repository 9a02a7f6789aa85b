"""``shipyard bench run`` and ``shipyard bench compare --base REF``: the ``performance`` gate.

``bench run`` times the project's benchmarks — ``bench_*`` functions in ``benchmarks/*.py``
(or the folder ``[tool.shipyard] benchmarks`` names) and pytest-benchmark tests — prints a
table, and with ``--profile-dir DIR`` saves cProfile profiles of the ``--profile-top``
slowest (``.prof`` and a top-20 ``.txt``; each profiled for ``--profile-time`` seconds).
Exit 1 when a benchmark fails.

``bench compare --base REF`` measures the head (the work tree) and REF's files (checked out
in a temporary folder) interleaved on this machine (:mod:`shipyard.tools.bench_runner`
says how), and fails the ``performance`` gate on a confirmed regression
(:mod:`shipyard.reports.benchmarks` states the rule) or a benchmark that fails in the
head. ``--timer cpu`` (default) times by CPU time, ``--timer wall`` by elapsed time.
Exit 0 passed, 1 failed or nothing to measure, 2 bad command line.

Both print a table on stdout (progress goes to stderr), append Markdown to
``$GITHUB_STEP_SUMMARY`` when set; ``compare`` records its verdict in
``$SHIPYARD_GATES_FILE`` when set and writes a pull-request comment body with
``--comment PATH``. ``--json PATH`` writes, for ``run``::

    {"benchmarks": [{"name": str, "number": int, "error": str | null,
                     "stats": {"n", "median", "q1", "q3", "iqr", "min", "max", "mean"} | null,
                     "samples": [float] | null}],           # seconds per call
     "profiles": [{"name": str, "prof": str, "text": str}]}

and for ``compare``::

    {"base": {"ref": str, "commit": str},
     "rule": {"alpha": float, "threshold": float, "rounds": int},
     "benchmarks": [{"name": str,
                     "status": "regression" | "improvement" | "unchanged" | "new"
                               | "removed" | "failed",
                     "message": str, "ratio": float | null, "p_value": float | null,
                     "first": PASS | null, "confirm": PASS | null}],
     "gate": {"name": "performance", "passed": bool, "summary": str}}

where ``PASS`` is ``{"ratio", "p_value", "direction": "slower" | "faster" | "same",
"base": STATS, "head": STATS}`` and ``STATS`` the summary above plus ``samples`` (null
past 1,000 samples). ``ratio`` is head median / base median.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

DEFAULT_ROUNDS = 10


def _number(low: float, high: float | None, text: str) -> Any:
    def convert(value: str) -> float:
        try:
            number = float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"invalid number: '{value}'") from None
        if not (number > low and (high is None or number < high)):
            raise argparse.ArgumentTypeError(f"must be {text}, not {value}")
        return number

    return convert


def _rounds(minimum: int) -> Any:
    def convert(value: str) -> int:
        if not value.isdigit() or int(value) < minimum:
            raise argparse.ArgumentTypeError(f"must be a whole number of at least {minimum}")
        return int(value)

    return convert


def _timer_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--timer",
        choices=("cpu", "wall"),
        default="cpu",
        help="cpu: the process's CPU time, steady on a busy machine (default); "
        "wall: elapsed time, for benchmarks that sleep or wait on I/O",
    )


def add_parser(sub: Any, name: str, help_text: str) -> None:
    """Define ``bench run`` and ``bench compare``."""
    parser = sub.add_parser(name, help=help_text, description=help_text)
    actions = parser.add_subparsers(dest="bench_command", metavar="ACTION")
    run = actions.add_parser("run", help="time the benchmarks and profile the slowest")
    run.add_argument("--rounds", type=_rounds(1), default=DEFAULT_ROUNDS, metavar="N")
    _timer_option(run)
    run.add_argument("--json", type=Path, metavar="PATH", help="write the results as JSON")
    run.add_argument("--profile-dir", type=Path, metavar="DIR", help="save cProfile profiles")
    run.add_argument(
        "--profile-top", type=_rounds(1), default=3, metavar="N", help="how many to profile (3)"
    )
    run.add_argument(
        "--profile-time",
        type=_number(0.0, None, "a positive number of seconds"),
        default=1.0,
        metavar="SECONDS",
        help="how long to profile each (1)",
    )
    compare = actions.add_parser("compare", help="compare the head with a base ref")
    compare.add_argument("--base", required=True, metavar="REF", help="branch, tag or commit")
    compare.add_argument(
        "--threshold",
        type=_number(1.0, None, "a ratio greater than 1"),
        default=1.25,
        help="minimum median slowdown of a regression (default 1.25)",
    )
    compare.add_argument(
        "--alpha",
        type=_number(0.0, 1.0, "a probability between 0 and 1"),
        default=0.01,
        help="significance level of the rank test (default 0.01)",
    )
    compare.add_argument(
        "--rounds",
        type=_rounds(5),
        default=DEFAULT_ROUNDS,
        metavar="N",
        help=f"rounds per side (default {DEFAULT_ROUNDS})",
    )
    _timer_option(compare)
    compare.add_argument("--json", type=Path, metavar="PATH", help="write the result as JSON")
    compare.add_argument("--comment", type=Path, metavar="PATH", help="write a PR comment body")


def run(args: argparse.Namespace) -> int:
    """Run the chosen action."""
    if args.bench_command == "run":
        return _run(args)
    if args.bench_command == "compare":
        return _compare(args)
    print("usage: shipyard bench {run,compare} ...", file=sys.stderr)
    return 2


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _project_root() -> Path:
    from shipyard.repository import repository_root

    here = Path.cwd().resolve()
    return here if (here / "pyproject.toml").is_file() else repository_root(here)


def _write(path: Path | None, text: str) -> None:
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _step_summary(markdown: str) -> None:
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(markdown)


def _found(project: Path, folder: str) -> tuple[list[Any], list[Path]]:
    from shipyard.errors import UserError
    from shipyard.tools.bench_discovery import discover_benchmarks, find_pytest_benchmark_files
    from shipyard.tools.pytest_bench import pytest_benchmark_available

    benches = discover_benchmarks(project, folder)
    files = find_pytest_benchmark_files(project)
    if files and not pytest_benchmark_available():
        _progress("warning: tests use the benchmark fixture but pytest-benchmark is not installed")
        files = []
    if not benches and not files:
        raise UserError(
            f"no benchmarks found in {folder}/",
            hint=f"add bench_* functions to {folder}/*.py, or name the folder in "
            "[tool.shipyard] benchmarks",
        )
    return benches, files


def _run(args: argparse.Namespace) -> int:
    from shipyard.reports.benchmarks import BenchRun
    from shipyard.reports.benchmarks_render import (
        render_run_markdown,
        render_run_terminal,
        run_json,
    )
    from shipyard.settings import load_project_settings
    from shipyard.tools.bench_runner import run_benchmark
    from shipyard.tools.profiles import save_profiles
    from shipyard.tools.pytest_bench import run_pytest_benchmark

    project = _project_root()
    folder = load_project_settings(project).benchmarks
    benches, files = _found(project, folder)
    runs: list[BenchRun] = []
    for bench in benches:
        _progress(f"timing {bench.name}: {args.rounds} rounds")
        runs.append(run_benchmark(project, folder, bench.name, args.rounds, args.timer))
    if files:
        _progress("running pytest-benchmark")
        found, error = run_pytest_benchmark(project, [f.as_posix() for f in files], args.timer)
        runs.extend(BenchRun(name, samples, 1) for name, samples in found.items())
        if error:
            runs.append(BenchRun("pytest-benchmark", error=error))
    profiles = []
    if args.profile_dir:
        timed = [run for run in runs if run.name in {b.name for b in benches}]
        try:
            profiles = save_profiles(
                project, folder, timed, args.profile_dir, args.profile_top, args.profile_time
            )
        except RuntimeError as err:
            _progress(f"warning: {err}")
        for files_ in profiles:
            _progress(f"profile of {files_.name}: {files_.prof}, top 20 in {files_.text}")
    sys.stdout.write(render_run_terminal(runs))
    _step_summary(render_run_markdown(runs))
    data = run_json(runs, [p.to_json() for p in profiles])
    _write(args.json, json.dumps(data, indent=2) + "\n")
    return 1 if any(run.error for run in runs) else 0


def _compare(args: argparse.Namespace) -> int:
    from shipyard.errors import UserError
    from shipyard.reports.benchmarks import BenchComparison, DecisionRule, evaluate_gate
    from shipyard.reports.benchmarks_render import (
        comparison_json,
        render_comment,
        render_markdown,
        render_terminal,
    )
    from shipyard.repository import repository_root
    from shipyard.settings import load_project_settings
    from shipyard.tools.base_tree import checkout_tree, resolve_commit
    from shipyard.tools.bench_discovery import discover_benchmarks
    from shipyard.tools.bench_runner import compare_benchmarks
    from shipyard.tools.gatefile import record_gate
    from shipyard.tools.pytest_bench import compare_pytest_benchmarks

    project = _project_root()
    folder = load_project_settings(project).benchmarks
    benches, files = _found(project, folder)
    repo = repository_root(project).resolve()
    commit = resolve_commit(repo, args.base)
    rule = DecisionRule(alpha=args.alpha, threshold=args.threshold)
    results: list[BenchComparison] = []
    with checkout_tree(repo, commit) as tree:
        base = tree / project.relative_to(repo)
        try:
            base_names = {b.name for b in discover_benchmarks(base, folder)}
        except UserError as err:
            _progress(f"warning: base benchmarks unreadable: {err.message}")
            base_names = set()
        results += compare_benchmarks(
            base, project, folder, benches, base_names,
            rule=rule, rounds=args.rounds, progress=_progress, timer=args.timer,
        )  # fmt: skip
        if files:
            results += compare_pytest_benchmarks(
                base, project, files, rule=rule, progress=_progress, timer=args.timer
            )
    gate = evaluate_gate(results)
    shown = {"base": args.base, "rounds": args.rounds}
    sys.stdout.write(render_terminal(results, gate))
    _step_summary(render_markdown(results, gate, rule, **shown))
    _write(args.comment, render_comment(results, gate, rule, **shown))
    data = comparison_json(
        results, gate, rule, base={"ref": args.base, "commit": commit}, rounds=args.rounds
    )
    _write(args.json, json.dumps(data, indent=2) + "\n")
    record_gate(gate)
    return 0 if gate.passed else 1
