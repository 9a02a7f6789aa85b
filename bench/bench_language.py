"""Benchmarks of the language layer: validate, plan, and expression throughput.

Run: ``.venv/bin/python bench/bench_language.py`` (add ``--record`` to store the numbers as
the new baseline in ``bench/baseline.json``). Each figure is the median of several rounds
of Shipyard's own time (no process start), compared against the recorded baseline; the
process start of ``shipyard validate`` is measured separately, as a subprocess.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASELINE = HERE / "baseline.json"
REPO = HERE.parent


def large_workflow(jobs: int = 200) -> str:
    """A workflow with ``jobs`` jobs in a needs chain fan-out and a 256-combination matrix."""
    lines = [
        "name: large",
        "on:",
        "  push:",
        "    branches: [main, 'releases/**']",
        "    paths-ignore: ['docs/**']",
        "  pull_request:",
        "    types: [opened, synchronize]",
        "env:",
        "  GLOBAL: ${{ github.sha }}",
        "jobs:",
        "  matrix:",
        "    runs-on: ${{ matrix.os }}",
        "    strategy:",
        "      fail-fast: false",
        "      max-parallel: 8",
        "      matrix:",
        "        os: [ubuntu-latest, ubuntu-22.04, macos-latest, windows-latest]",
        "        python: ['3.10', '3.11', '3.12', '3.13']",
        "        deps: [lowest, highest, pinned, dev]",
        "        arch: [x64, arm64, x86, ppc]",
        "    steps:",
        "      - uses: actions/checkout@v4",
        "      - uses: actions/setup-python@v5",
        "        with:",
        "          python-version: ${{ matrix.python }}",
        "      - run: pytest -q",
        "        if: ${{ matrix.deps != 'dev' && github.event_name == 'push' }}",
    ]
    for i in range(jobs - 1):
        needs = f"[job{i - 1}, matrix]" if i else "[matrix]"
        lines += [
            f"  job{i}:",
            f"    name: Job number {i} ${{{{ github.ref_name }}}}",
            f"    needs: {needs}",
            "    runs-on: ubuntu-latest",
            "    timeout-minutes: 10",
            "    if: ${{ !cancelled() && needs.matrix.result == 'success' }}",
            "    outputs:",
            "      value: ${{ steps.compute.outputs.value }}",
            "    steps:",
            "      - id: compute",
            '        run: echo "value=$((1 + 1))" >> "$GITHUB_OUTPUT"',
            "      - name: Use it",
            "        env:",
            "          VALUE: ${{ steps.compute.outputs.value }}",
            '        run: test "$VALUE" = 2',
        ]
    return "\n".join(lines) + "\n"


def typical_repository() -> list[tuple[str, str]]:
    """Five realistic workflows: tests, lint, docs, release, nightly."""
    corpus = REPO.parent / "shared" / "realworld" / "workflows" / "pallets__flask"
    files = sorted(corpus.glob("workflows__*.y*ml")) if corpus.is_dir() else []
    if len(files) >= 5:
        return [(f".github/workflows/{p.name}", p.read_text()) for p in files[:5]]
    return [(f".github/workflows/w{i}.yml", large_workflow(4)) for i in range(5)]


def timed(fn: Callable[[], object], rounds: int = 15) -> float:
    """Median seconds of ``rounds`` calls."""
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def measure() -> dict[str, float]:
    """All figures, in milliseconds (or evaluations per second)."""
    from shipyard.expr import evaluate, parse_expression
    from shipyard.plan.planner import plan_workflow
    from shipyard.workflow.reader import parse_workflow

    big = large_workflow()
    typical = typical_repository()
    contexts = {"github": {"event_name": "push", "ref": "refs/heads/main"}, "matrix": {"os": "x"}}

    def validate_big() -> object:
        return parse_workflow(big, ".github/workflows/large.yml")

    def plan_big() -> object:
        wf = parse_workflow(big, ".github/workflows/large.yml")
        return plan_workflow(wf, contexts={"github": contexts["github"]})

    def typical_repo() -> object:
        return [plan_workflow(parse_workflow(text, path), contexts={}) for path, text in typical]

    exprs = [
        parse_expression("github.event_name == 'push' && matrix.os"),
        parse_expression("contains(fromJSON('[\"a\",\"b\"]'), 'b') || startsWith(github.ref, 'v')"),
        parse_expression("format('{0}-{1}', github.ref, matrix.os)"),
    ]
    n = 20000

    def eval_many() -> object:
        for i in range(n):
            evaluate(exprs[i % 3], contexts)
        return None

    eval_seconds = timed(eval_many, rounds=3)
    with tempfile.TemporaryDirectory() as tmp:
        wf = Path(tmp) / "ci.yml"
        wf.write_text(typical[0][1])
        start_samples = []
        for _ in range(5):
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "shipyard", "validate", str(wf)], check=False,
                capture_output=True,
            )  # fmt: skip
            start_samples.append(time.perf_counter() - start)
    return {
        "validate_large_ms": timed(validate_big, rounds=5) * 1000,
        "validate_and_plan_large_ms": timed(plan_big, rounds=5) * 1000,
        "validate_and_plan_typical_repo_ms": timed(typical_repo) * 1000,
        "expression_evals_per_second": n / eval_seconds,
        "validate_process_ms": statistics.median(start_samples) * 1000,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--record", action="store_true", help="save as the new baseline")
    args = parser.parse_args()
    results = measure()
    baseline = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
    print(f"{'measure':38} {'now':>12} {'baseline':>12} {'ratio':>7}")
    for key, value in results.items():
        base = baseline.get(key)
        ratio = f"{value / base:.2f}" if base else "-"
        shown = f"{base:.1f}" if base else "-"
        print(f"{key:38} {value:12.1f} {shown:>12} {ratio:>7}")
    if args.record:
        BASELINE.write_text(json.dumps({k: round(v, 2) for k, v in results.items()}, indent=2))
        print(f"recorded {BASELINE.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
