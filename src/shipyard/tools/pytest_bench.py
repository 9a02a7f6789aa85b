"""pytest-benchmark suites: run them per side, interleaved, and compare their samples.

For a project whose tests use pytest-benchmark's ``benchmark`` fixture
(:func:`shipyard.tools.bench_discovery.find_pytest_benchmark_files`), each side runs
``python -m pytest FILES --benchmark-only --benchmark-json=...`` in its own checkout
(its ``src/`` first on ``PYTHONPATH``; with ``timer="cpu"``,
``--benchmark-timer=time.process_time``), in alternating passes (base, head, then head,
base), and the per-round samples of ``stats.data`` are pooled per test. Suspected changes
are run again, only those tests, and :func:`shipyard.reports.benchmarks.decide` rules on
both passes, as for the ``bench_*`` functions. Tests are named by pytest node id
(``tests/test_perf.py::test_sort``).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from shipyard.reports.benchmarks import (
    BenchComparison,
    Change,
    DecisionRule,
    decide,
    evaluate_change,
    parse_pytest_benchmark_json,
)
from shipyard.tools.bench_runner import Progress, worker_env

PASSES = 2
Samples = dict[str, list[float]]


def pytest_benchmark_available() -> bool:
    """Whether pytest-benchmark is importable by the Python running Shipyard."""
    return importlib.util.find_spec("pytest_benchmark") is not None


TIMER_OPTIONS = {"cpu": ["--benchmark-timer=time.process_time"], "wall": []}


def run_pytest_benchmark(
    root: Path, targets: Sequence[str], timer: str = "cpu"
) -> tuple[dict[str, tuple[float, ...]], str]:
    """Samples per test of one pytest run in ``root``, and an error line when pytest failed."""
    present = [t for t in targets if (root / t.partition("::")[0]).exists()]
    if not present:
        return {}, ""
    with tempfile.TemporaryDirectory(prefix="shipyard-pytest-bench-") as temp:
        out = Path(temp) / "benchmarks.json"
        command = [
            sys.executable, "-m", "pytest", *present, "--benchmark-only",
            f"--benchmark-json={out}", "-q", "-p", "no:cacheprovider", *TIMER_OPTIONS[timer],
        ]  # fmt: skip
        proc = subprocess.run(
            command,
            cwd=root,
            env=worker_env(root, pythonpath=True),
            capture_output=True,
            text=True,
            check=False,
        )
        lines = (proc.stdout + proc.stderr).strip().splitlines()
        error = "" if proc.returncode in (0, 5) else (lines[-1] if lines else "pytest failed")
        if not out.is_file():
            return {}, error or "pytest wrote no benchmark results"
        try:
            return parse_pytest_benchmark_json(out.read_text(encoding="utf-8")), error
        except ValueError as err:
            return {}, str(err)


def _measure(
    base: Path, head: Path, targets: Sequence[str], timer: str
) -> tuple[Samples, Samples, str]:
    pooled: tuple[Samples, Samples] = ({}, {})
    head_error = ""
    for index in range(PASSES):
        order = (0, 1) if index % 2 == 0 else (1, 0)
        for side in order:
            found, error = run_pytest_benchmark((base, head)[side], targets, timer)
            if side == 1 and error:
                head_error = error
            for name, samples in found.items():
                pooled[side].setdefault(name, []).extend(samples)
    return pooled[0], pooled[1], head_error


def compare_pytest_benchmarks(
    base: Path,
    head: Path,
    files: Sequence[Path],
    *,
    rule: DecisionRule,
    progress: Progress,
    timer: str = "cpu",
) -> list[BenchComparison]:
    """Compare the pytest-benchmark tests of ``files`` between base and head."""
    targets = [path.as_posix() for path in files]
    progress(f"running pytest-benchmark in base and head, {PASSES} passes each")
    base_samples, head_samples, head_error = _measure(base, head, targets, timer)
    firsts: dict[str, Change] = {
        name: evaluate_change(base_samples[name], samples, rule)
        for name, samples in head_samples.items()
        if name in base_samples
    }
    suspected = [name for name, change in firsts.items() if change.suspected]
    confirms: dict[str, Change] = {}
    if suspected:
        progress(f"re-running {len(suspected)} suspected pytest-benchmark tests")
        again_base, again_head, _ = _measure(base, head, suspected, timer)
        confirms = {
            name: evaluate_change(again_base[name], again_head[name], rule)
            for name in suspected
            if name in again_base and name in again_head
        }
    results: list[BenchComparison] = []
    for name in head_samples:
        if name in firsts:
            results.append(decide(name, firsts[name], confirms.get(name), rule))
        else:
            results.append(BenchComparison(name, "new", message="not in the base"))
    for name in base_samples:
        if name not in head_samples:
            status, why = ("failed", f"head: {head_error}") if head_error else ("removed", "")
            results.append(BenchComparison(name, status, message=why or "not in the head"))
    if head_error and not any(r.status == "failed" for r in results):
        results.append(BenchComparison("pytest-benchmark", "failed", message=f"head: {head_error}"))
    return results
