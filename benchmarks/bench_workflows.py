"""Workflow benchmarks: reading a workflow file (YAML, schema, expressions) and planning it.

``shipyard bench run`` times each ``bench_*`` function; on a pull request the performance
gate (``3-performance.yml``) times the base's and the head's versions interleaved. A
``setup_*`` function's result is prepared once, outside the timing.
"""

from __future__ import annotations

from shipyard.plan.planner import plan_workflow
from shipyard.workflow.model import Workflow
from shipyard.workflow.reader import parse_workflow

PATH = ".github/workflows/ci.yml"
# a typical CI workflow: filters, a 4 × 3 matrix with exclude and include, needs, outputs,
# conditions and templates in names, env and with
WORKFLOW = """\
name: CI
on:
  push:
    branches: [main, develop, "feature/*"]
    paths-ignore: ["docs/**"]
  pull_request:
    branches: [main]
  workflow_dispatch:
    inputs:
      level:
        type: choice
        options: [info, debug]
        default: info
concurrency:
  group: ci-${{ github.ref }}
  cancel-in-progress: ${{ github.event_name == 'pull_request' }}
env:
  LEVEL: ${{ inputs.level || 'info' }}
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.13"
      - run: python -m pip install ruff mypy
      - run: ruff check . && ruff format --check .
  test:
    needs: lint
    name: test ${{ matrix.python-version }} on ${{ matrix.os }}
    runs-on: ${{ matrix.os }}
    timeout-minutes: 20
    strategy:
      fail-fast: false
      matrix:
        python-version: ["3.10", "3.11", "3.12", "3.13"]
        os: [ubuntu-latest, windows-latest, macos-latest]
        exclude:
          - os: windows-latest
            python-version: "3.10"
        include:
          - os: ubuntu-latest
            python-version: "3.13"
            coverage: true
    outputs:
      version: ${{ steps.version.outputs.version }}
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: ${{ matrix.python-version }}
          cache: pip
      - run: python -m pip install -e ".[dev]"
      - id: version
        run: echo "version=$(python -c 'import sys; print(sys.version)')" >> "$GITHUB_OUTPUT"
      - run: python -m pytest --junitxml=junit/results.xml
        env:
          COVERAGE: ${{ matrix.coverage && 'yes' || 'no' }}
      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: junit-${{ matrix.python-version }}-${{ matrix.os }}
          path: junit/results.xml
  summary:
    needs: [lint, test]
    if: ${{ !cancelled() && needs.test.result != 'skipped' }}
    runs-on: ubuntu-latest
    steps:
      - uses: actions/download-artifact@v4
        with:
          pattern: junit-*
      - run: echo "tests ${{ needs.test.result }} (${{ needs.test.outputs.version }})"
"""
CONTEXTS: dict[str, object] = {
    "github": {"event_name": "push", "ref": "refs/heads/main", "sha": "0123abcd" * 5},
    "inputs": {},
    "vars": {},
}


def bench_read_workflow() -> None:
    """Read a typical CI workflow: YAML, GitHub's schema, every expression checked."""
    parse_workflow(WORKFLOW, PATH)


def setup_plan_workflow() -> Workflow:
    return parse_workflow(WORKFLOW, PATH)


def bench_plan_workflow(workflow: Workflow) -> None:
    """Plan the read workflow: the needs graph, the matrix (11 test jobs), the job names."""
    plan_workflow(workflow, contexts=CONTEXTS)
