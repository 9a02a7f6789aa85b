"""The planner: instances, display names, strategy context, deferred matrices, errors.

Expressions go through a small stand-in evaluator (paths, literals, ``fromJSON``,
``format``) so these tests do not depend on :mod:`shipyard.expr`;
``test_plan_with_expr.py`` runs the same planner with the real evaluator.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

import pytest

from shipyard.diagnostics import Span
from shipyard.errors import UserError
from shipyard.plan.matrix import MatrixError, MatrixLimitError
from shipyard.plan.planner import JobInstance, PlanError, RunPlan, expand_deferred, plan_workflow
from shipyard.valueclass import replace
from shipyard.workflow.graph import GraphError
from shipyard.workflow.model import Job, Workflow
from shipyard.workflow.tokens import (
    BasicExpressionToken,
    BooleanToken,
    MappingToken,
    NullToken,
    NumberToken,
    SequenceToken,
    StringToken,
    Token,
)

SPAN = Span(".github/workflows/ci.yml", 7, 5)
_MARK = re.compile(r"\$\{\{(.*?)\}\}")


def tok(value: object) -> Token:
    """Build the token tree the reader would produce for a YAML value."""
    if value is None:
        return NullToken()
    if isinstance(value, bool):
        return BooleanToken(value=value)
    if isinstance(value, (int, float)):
        return NumberToken(value=float(value))
    if isinstance(value, str):
        parts = _MARK.split(value)
        if len(parts) == 1:
            return StringToken(value=value)
        if len(parts) == 3 and parts[0] == parts[2] == "":
            return BasicExpressionToken(expression=parts[1].strip(), source=value)
        text = "".join(
            p.replace("'", "''") if i % 2 == 0 else f"{{{i // 2}}}" for i, p in enumerate(parts)
        )
        args = ", ".join(p.strip() for p in parts[1::2])
        return BasicExpressionToken(expression=f"format('{text}', {args})", source=value)
    if isinstance(value, list):
        return SequenceToken(items=tuple(tok(v) for v in value))
    assert isinstance(value, dict)
    return MappingToken(pairs=tuple((tok(k), tok(v)) for k, v in value.items()))


def _get(value: object, key: str) -> object:
    if isinstance(value, Mapping):
        for k, v in value.items():
            if k.lower() == key.lower():
                return v
    return None


def _eval(text: str, contexts: Mapping[str, object]) -> object:
    text = text.strip()
    if m := re.fullmatch(r"fromJSON\((.*)\)", text, re.IGNORECASE):
        return json.loads(str(_eval(m.group(1), contexts)))
    if m := re.fullmatch(r"format\('((?:[^']|'')*)',(.*)\)", text):
        args = [_eval(a, contexts) for a in m.group(2).split(",")]
        out = m.group(1).replace("''", "'")
        for i, arg in enumerate(args):
            shown = (
                ""
                if arg is None
                else str(int(arg) if isinstance(arg, float) and arg.is_integer() else arg)
            )
            out = out.replace(f"{{{i}}}", shown)
        return out
    if m := re.fullmatch(r"'((?:[^']|'')*)'", text):
        return m.group(1).replace("''", "'")
    if text in ("true", "false"):
        return text == "true"
    if text == "null":
        return None
    if re.fullmatch(r"-?[0-9.]+", text):
        return float(text)
    if text == "boom":
        raise UserError("Unrecognized named-value: 'boom'")
    value: object = contexts
    for part in text.split("."):
        value = _get(value, part)
    return value


def fake_evaluate(token: Token, contexts: Mapping[str, object]) -> object:
    assert isinstance(token, BasicExpressionToken)
    return _eval(token.expression, contexts)


def job(
    job_id: str, *, name: object = None, needs: tuple[str, ...] = (), strategy: object = None
) -> Job:
    return Job(
        id=job_id,
        name=None if name is None else tok(name),
        needs=needs,
        if_=BasicExpressionToken(expression="success()"),
        strategy=None if strategy is None else _with_span(tok(strategy)),
    )


def _with_span(token: Token) -> Token:
    return replace(token, span=SPAN)


def workflow(*jobs: Job) -> Workflow:
    return Workflow(path=".github/workflows/ci.yml", name="CI", run_name=None, events=(), jobs=jobs)


CONTEXTS: dict[str, object] = {
    "github": {"event_name": "push"},
    "inputs": {"pythons": '["3.11", "3.12"]'},
    "vars": {},
}


def plan(*jobs: Job, **kwargs: object) -> RunPlan:
    return plan_workflow(workflow(*jobs), evaluate=fake_evaluate, contexts=CONTEXTS, **kwargs)  # type: ignore[arg-type]


# --- instances and names -------------------------------------------------------------


def test_job_without_strategy_is_one_instance() -> None:
    [instance] = plan(job("build", name="Build it")).jobs
    assert instance == JobInstance("build", "Build it", None, (), index=0, total=1)
    assert instance.strategy == {
        "fail-fast": True,
        "job-index": 0.0,
        "job-total": 1.0,
        "max-parallel": 1.0,
    }


def test_job_without_name_uses_its_id() -> None:
    assert [i.name for i in plan(job("build"), job("lint", name="")).jobs] == ["build", "lint"]


def test_matrix_instances_get_the_suffix() -> None:
    jobs = plan(
        job("test", strategy={"matrix": {"python": [3.10, 3.11], "os": ["ubuntu-latest"]}})
    ).jobs
    assert [i.name for i in jobs] == ["test (3.1, ubuntu-latest)", "test (3.11, ubuntu-latest)"]
    assert [i.matrix for i in jobs] == [
        {"python": 3.10, "os": "ubuntu-latest"},
        {"python": 3.11, "os": "ubuntu-latest"},
    ]
    assert [(i.index, i.total) for i in jobs] == [(0, 2), (1, 2)]


def test_literal_name_gets_the_suffix() -> None:
    jobs = plan(job("test", name="Unit tests", strategy={"matrix": {"v": [1, 2]}})).jobs
    assert [i.name for i in jobs] == ["Unit tests (1)", "Unit tests (2)"]


def test_name_with_expression_gets_no_suffix() -> None:
    jobs = plan(
        job(
            "test",
            name="py ${{ matrix.python }} #${{ strategy.job-index }}",
            strategy={"matrix": {"python": ["3.11", "3.12"]}},
        )
    ).jobs
    assert [i.name for i in jobs] == ["py 3.11 #0", "py 3.12 #1"]


def test_name_expression_can_read_github_context() -> None:
    [instance] = plan(job("x", name="${{ github.event_name }}")).jobs
    assert instance.name == "push"


def test_name_expression_that_is_empty_falls_back() -> None:
    jobs = plan(job("test", name="${{ matrix.nothing }}", strategy={"matrix": {"v": [1]}})).jobs
    assert [i.name for i in jobs] == ["test (1)"]


def test_name_expression_giving_a_number_is_formatted() -> None:
    jobs = plan(job("test", name="${{ matrix.v }}", strategy={"matrix": {"v": [3.10]}})).jobs
    assert [i.name for i in jobs] == ["3.1"]


def test_strategy_settings_and_context() -> None:
    jobs = plan(
        job("test", strategy={"fail-fast": False, "max-parallel": 2, "matrix": {"v": [1, 2, 3]}})
    ).jobs
    assert {(i.fail_fast, i.max_parallel) for i in jobs} == {(False, 2)}
    assert jobs[2].strategy == {
        "fail-fast": False,
        "job-index": 2.0,
        "job-total": 3.0,
        "max-parallel": 2.0,
    }


def test_max_parallel_defaults_to_the_number_of_jobs() -> None:
    jobs = plan(job("test", strategy={"matrix": {"v": [1, 2, 3]}})).jobs
    assert jobs[0].max_parallel is None
    assert jobs[0].strategy["max-parallel"] == 3.0


def test_strategy_values_from_expressions() -> None:
    jobs = plan(
        job(
            "test",
            strategy={
                "fail-fast": "${{ false }}",
                "max-parallel": "${{ 1 }}",
                "matrix": {"python": "${{ fromJSON(inputs.pythons) }}"},
            },
        )
    ).jobs
    assert [i.name for i in jobs] == ["test (3.11)", "test (3.12)"]
    assert (jobs[0].fail_fast, jobs[0].max_parallel) == (False, 1)


def test_whole_matrix_from_an_expression() -> None:
    contexts = {**CONTEXTS, "inputs": {"m": '{"include": [{"os": "a", "v": 1}, {"os": "b"}]}'}}
    result = plan_workflow(
        workflow(job("t", strategy={"matrix": "${{ fromJSON(inputs.m) }}"})),
        evaluate=fake_evaluate,
        contexts=contexts,
    )
    assert [(i.name, i.matrix) for i in result.jobs] == [
        ("t (a, 1)", {"os": "a", "v": 1}),
        ("t (b)", {"os": "b"}),
    ]


def test_every_combination_excluded_runs_the_job_once_without_matrix() -> None:
    [instance] = plan(
        job("t", strategy={"max-parallel": 4, "matrix": {"v": [1], "exclude": [{"v": 1}]}})
    ).jobs
    assert instance.matrix is None
    assert instance.name == "t"
    assert instance.strategy["max-parallel"] == 1.0


def test_strategy_without_matrix() -> None:
    [instance] = plan(job("t", strategy={"fail-fast": False})).jobs
    assert (instance.matrix, instance.fail_fast, instance.total) == (None, False, 1)


def test_needs_are_spelled_as_defined() -> None:
    result = plan(job("Build"), job("test", needs=("build", "BUILD")))
    assert result.instances("TEST")[0].needs == ("Build",)
    assert result.graph.order == ("Build", "test")


# --- deferred matrices ---------------------------------------------------------------

SETUP = job("setup")
MATRIX_JOB = job(
    "test",
    needs=("setup",),
    strategy={"matrix": {"python": "${{ fromJSON(needs.setup.outputs.pythons) }}"}},
)


def test_matrix_reading_needs_is_deferred_without_outputs() -> None:
    result = plan(SETUP, MATRIX_JOB)
    deferred = result.instances("test")
    assert len(deferred) == 1
    assert deferred[0].deferred
    assert deferred[0].deferred_reason == "the strategy of job 'test' reads the outputs of 'setup'"
    assert result.deferred == ("test",)
    assert not result.instances("setup")[0].deferred


def test_expand_deferred_with_outputs() -> None:
    result = plan(SETUP, MATRIX_JOB, job("after", needs=("test",)))
    expanded = expand_deferred(result, "TEST", {"setup": {"pythons": '["3.11", "3.12"]'}})
    assert [i.name for i in expanded.jobs] == ["setup", "test (3.11)", "test (3.12)", "after"]
    assert expanded.deferred == ()
    assert expand_deferred(expanded, "test", {}) is expanded


def test_outputs_given_up_front_expand_immediately() -> None:
    result = plan(SETUP, MATRIX_JOB, needs_outputs={"SETUP": {"pythons": '["3.13"]'}})
    assert [i.name for i in result.jobs] == ["setup", "test (3.13)"]


def test_name_reading_needs_is_deferred_too() -> None:
    result = plan(SETUP, job("deploy", name="to ${{ needs.setup.outputs.env }}", needs=("setup",)))
    assert result.deferred == ("deploy",)
    assert result.instances("deploy")[0].name == "deploy"
    assert result.instances("deploy")[0].deferred_reason == (
        "the name of job 'deploy' reads the outputs of 'setup'"
    )
    expanded = expand_deferred(result, "deploy", {"setup": {"env": "prod"}})
    assert expanded.instances("deploy")[0].name == "to prod"


def test_needs_result_is_visible() -> None:
    result = plan(
        SETUP,
        job("t", name="${{ needs.setup.result }}", needs=("setup",)),
        needs_outputs={"setup": {}},
        needs_results={"setup": "failure"},
    )
    assert result.instances("t")[0].name == "failure"


def test_needs_in_a_string_literal_is_not_a_read() -> None:
    result = plan(SETUP, job("t", name="${{ 'needs' }}", needs=("setup",)))
    assert result.deferred == ()


# --- errors --------------------------------------------------------------------------


def test_graph_errors_surface() -> None:
    with pytest.raises(GraphError, match=r"Job 'b' depends on unknown job 'x'\."):
        plan(job("a"), job("b", needs=("x",)))


def test_matrix_errors_are_prefixed_and_positioned() -> None:
    with pytest.raises(MatrixError) as caught:
        plan(job("test", strategy={"matrix": {"os": []}}))
    assert caught.value.message == (
        "Error when evaluating 'strategy' for job 'test'. "
        "Matrix vector 'os' does not contain any values"
    )
    assert caught.value.span == SPAN
    assert caught.value.render().startswith(".github/workflows/ci.yml (Line: 7, Col: 5): Error")


@pytest.mark.parametrize(
    ("strategy", "message"),
    [
        (
            {"fail-fast": "yes"},
            "Unexpected type 'StringToken' encountered while reading 'strategy fail-fast'. "
            "The type 'BooleanToken' was expected.",
        ),
        (
            {"max-parallel": "2"},
            "Unexpected type 'StringToken' encountered while reading 'strategy max-parallel'. "
            "The type 'NumberToken' was expected.",
        ),
        ({"retries": 2}, "Error while reading 'strategy key'. Unexpected value 'retries'"),
        (
            {"matrix": ["a"]},
            "Unexpected type 'SequenceToken' encountered while reading 'matrix'. "
            "The type 'MappingToken' was expected.",
        ),
        (
            "${{ 'text' }}",
            "Unexpected type 'StringToken' encountered while reading 'strategy'. "
            "The type 'MappingToken' was expected.",
        ),
    ],
)
def test_strategy_errors(strategy: object, message: str) -> None:
    with pytest.raises(MatrixError) as caught:
        plan(job("j", strategy=strategy))
    assert caught.value.message == f"Error when evaluating 'strategy' for job 'j'. {message}"


def test_limit_error_is_not_prefixed() -> None:
    with pytest.raises(MatrixLimitError) as caught:
        plan(job("big", strategy={"matrix": {"a": list(range(20)), "b": list(range(20))}}))
    assert caught.value.message == (
        "Strategy for job 'big' produced 400 configurations which exceeds the maximum of "
        "256 configurations"
    )
    assert caught.value.span == SPAN


def test_evaluation_errors_are_prefixed() -> None:
    with pytest.raises(PlanError) as caught:
        plan(job("j", strategy={"matrix": {"v": "${{ boom }}"}}))
    assert caught.value.message == (
        "Error when evaluating 'strategy' for job 'j'. Unrecognized named-value: 'boom'"
    )
    with pytest.raises(PlanError, match=r"^Error when evaluating 'name' for job 'k'\. "):
        plan(job("k", name="${{ boom }}"))
