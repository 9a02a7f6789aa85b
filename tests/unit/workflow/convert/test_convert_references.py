"""Shipyard's warnings for ``needs.X`` and ``steps.X`` that GitHub gives as empty."""

from __future__ import annotations

from collections.abc import Callable

from shipyard.diagnostics import Severity
from shipyard.workflow.convert import convert_workflow
from shipyard.workflow.tokens import Token

PATH = ".github/workflows/test.yml"


def warnings(tokens: Callable[..., Token], jobs: str) -> list[tuple[int | None, str]]:
    workflow = convert_workflow(tokens("on: push\njobs:\n" + jobs), PATH)
    assert [d for d in workflow.diagnostics if d.severity is Severity.ERROR] == []
    return [(d.line, d.message) for d in workflow.diagnostics]


def test_needs_outside_the_job_needs(tokens: Callable[..., Token]) -> None:
    jobs = (
        "  a:\n    runs-on: x\n    steps: [{run: a}]\n"
        "  b:\n    needs: a\n    runs-on: x\n    steps: [{run: b}]\n"
        "  c:\n    needs: b\n"
        "    if: needs.a.outputs.go == 'yes' && needs.B.result == 'success'\n"
        "    runs-on: x\n"
        "    steps:\n"
        "      - run: ${{ needs.a.outputs.x }}\n"
        "        env:\n          Y: ${{ needs.zzz.outputs.y }}\n"
        "          Z: ${{ format('needs.a {0}', needs[matrix.job]) }}\n"
    )
    assert warnings(tokens, jobs) == [
        (12, "'needs.a' in job 'c' refers to a job it does not need: GitHub gives it as empty"),
        (17, "'needs.zzz' in job 'c' refers to no job: GitHub gives it as empty"),
    ]


def test_steps_that_are_not_in_the_job(tokens: Callable[..., Token]) -> None:
    jobs = (
        "  a:\n    runs-on: x\n"
        "    outputs:\n"
        "      v: ${{ steps.build.outputs.v }}\n"
        "      w: ${{ steps.Made.outputs.w }}\n"
        "    steps:\n"
        "      - id: made\n        run: echo\n"
        "      - if: steps.cache.outputs.cache-hit != 'true'\n        run: echo\n"
        "      - run: ${{ github.steps.x }}\n"
        "      - run: ${{ join(steps.*.outcome) }}\n"
    )
    assert warnings(tokens, jobs) == [
        (6, "'steps.build' in job 'a' refers to no step of that job: GitHub gives it as empty"),
        (11, "'steps.cache' in job 'a' refers to no step of that job: GitHub gives it as empty"),
    ]
