"""The planner with its default evaluator, the real :mod:`shipyard.expr`."""

from __future__ import annotations

import pytest

from shipyard.plan.matrix import MatrixError
from shipyard.plan.planner import PlanError, evaluate_with_expr, expand_deferred, plan_workflow
from shipyard.workflow.model import Job, Workflow
from shipyard.workflow.tokens import (
    BasicExpressionToken,
    MappingToken,
    NumberToken,
    SequenceToken,
    StringToken,
    Token,
)


def s(text: str) -> StringToken:
    return StringToken(value=text)


def e(expression: str) -> BasicExpressionToken:
    return BasicExpressionToken(expression=expression)


def mapping(**pairs: Token) -> MappingToken:
    return MappingToken(pairs=tuple((s(k.replace("_", "-")), v) for k, v in pairs.items()))


def seq(*items: Token) -> SequenceToken:
    return SequenceToken(items=items)


def job(
    job_id: str,
    *,
    name: Token | None = None,
    needs: tuple[str, ...] = (),
    strategy: Token | None = None,
) -> Job:
    return Job(id=job_id, name=name, needs=needs, if_=e("success()"), strategy=strategy)


def run(*jobs: Job, **contexts: object) -> list[tuple[str, object]]:
    workflow = Workflow(path="ci.yml", name=None, run_name=None, events=(), jobs=jobs)
    plan = plan_workflow(workflow, contexts={"github": {"event_name": "push"}, **contexts})
    return [(i.name, i.matrix) for i in plan.jobs]


def test_default_evaluator_evaluates_expressions() -> None:
    assert evaluate_with_expr(e("fromJSON('[1, 2]')"), {}) == [1.0, 2.0]
    assert (
        evaluate_with_expr(e("github.event_name == 'PUSH'"), {"github": {"event_name": "push"}})
        is True
    )
    assert evaluate_with_expr(s("plain"), {}) == "plain"


def test_matrix_from_inputs_and_conditional_values() -> None:
    strategy = mapping(
        fail_fast=e("github.event_name != 'push'"),
        max_parallel=e("inputs.parallel"),
        matrix=mapping(
            python=e("fromJSON(inputs.pythons)"),
            os=seq(
                s("ubuntu-latest"),
                e("github.event_name == 'push' && 'macos-latest' || 'windows-latest'"),
            ),
        ),
    )
    workflow = Workflow(
        path="ci.yml", name=None, run_name=None, events=(), jobs=(job("test", strategy=strategy),)
    )
    plan = plan_workflow(
        workflow,
        contexts={
            "github": {"event_name": "push"},
            "inputs": {"pythons": '["3.10", 3.11]', "parallel": 2},
        },
    )
    assert [i.name for i in plan.jobs] == [
        "test (3.10, ubuntu-latest)",
        "test (3.10, macos-latest)",
        "test (3.11, ubuntu-latest)",
        "test (3.11, macos-latest)",
    ]
    assert {(i.fail_fast, i.max_parallel) for i in plan.jobs} == {(False, 2)}


def test_templated_name_with_matrix_and_strategy() -> None:
    name = e("format('py {0} ({1}/{2})', matrix.python, strategy.job-index, strategy.job-total)")
    strategy = mapping(matrix=mapping(python=seq(NumberToken(value=3.1), NumberToken(value=3.12))))
    assert run(job("test", name=name, strategy=strategy)) == [
        ("py 3.1 (0/2)", {"python": 3.1}),
        ("py 3.12 (1/2)", {"python": 3.12}),
    ]


def test_include_matrix_from_needs_outputs() -> None:
    setup = job("setup")
    matrix_job = job(
        "build",
        needs=("setup",),
        strategy=mapping(matrix=mapping(include=e("fromJSON(needs.setup.outputs.targets)"))),
    )
    workflow = Workflow(
        path="ci.yml", name=None, run_name=None, events=(), jobs=(setup, matrix_job)
    )
    plan = plan_workflow(workflow, contexts={})
    assert plan.deferred == ("build",)
    targets = '[{"target": "linux", "arch": "x64"}, {"target": "mac", "arch": "arm64"}]'
    plan = expand_deferred(plan, "build", {"setup": {"targets": targets}})
    assert [(i.name, i.matrix) for i in plan.jobs[1:]] == [
        ("build (linux, x64)", {"target": "linux", "arch": "x64"}),
        ("build (mac, arm64)", {"target": "mac", "arch": "arm64"}),
    ]


def test_empty_vector_from_an_expression() -> None:
    strategy = mapping(matrix=mapping(project=e("fromJSON('[]')")))
    with pytest.raises(MatrixError) as caught:
        run(job("build", strategy=strategy))
    assert caught.value.message == (
        "Error when evaluating 'strategy' for job 'build'. "
        "Matrix vector 'project' does not contain any values"
    )


def test_expression_errors_are_prefixed() -> None:
    with pytest.raises(PlanError) as caught:
        run(job("build", strategy=mapping(matrix=e("fromJSON('{')"))))
    assert caught.value.message.startswith("Error when evaluating 'strategy' for job 'build'. ")
