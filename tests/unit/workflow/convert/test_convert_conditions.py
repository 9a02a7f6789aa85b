"""``if:`` conditions: the implicit ``success() &&`` and the checks of the expression."""

from __future__ import annotations

import pytest

from shipyard.diagnostics import Span
from shipyard.workflow.convert.conditions import (
    JOB_IF_CONTEXTS,
    JOB_IF_FUNCTIONS,
    STEP_IF_CONTEXTS,
    STEP_IF_FUNCTIONS,
    convert_if,
)
from shipyard.workflow.convert.context import ConvertContext, TokenTypeError
from shipyard.workflow.tokens import (
    BasicExpressionToken,
    BooleanToken,
    NullToken,
    SequenceToken,
    StringToken,
    Token,
)

SPAN = Span("w.yml", 3, 9)


def job_if(token: Token, ctx: ConvertContext | None = None) -> str | None:
    result = convert_if(
        ctx or ConvertContext("w.yml"), token, contexts=JOB_IF_CONTEXTS, functions=JOB_IF_FUNCTIONS
    )
    return None if result is None else result.expression


def step_if(token: Token, ctx: ConvertContext | None = None) -> str | None:
    result = convert_if(
        ctx or ConvertContext("w.yml"),
        token,
        contexts=STEP_IF_CONTEXTS,
        functions=STEP_IF_FUNCTIONS,
    )
    return None if result is None else result.expression


# The cases of GitHub's job-if.yml and step-if.yml goldens.
@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("true", "success() && (true)"),
        ("", "success()"),
        ("  ", "success()"),
        ("github.foo == 'bar'", "success() && (github.foo == 'bar')"),
        ("false || (always() && true)", "false || (always() && true)"),
        ("false || (true && true)", "success() && (false || (true && true))"),
        ("false && success()", "false && success()"),
        ("toJSON( github.actor)", "success() && (toJSON( github.actor))"),
        ("fromJson(toJSON(success()))", "fromJson(toJSON(success()))"),
        ("123 || failure()", "123 || failure()"),
        ("true || 'success()'", "success() && (true || 'success()')"),
        ("ALWAYS()", "ALWAYS()"),
        ("needs.a.outputs['x'][cancelled()]", "needs.a.outputs['x'][cancelled()]"),
    ],
)
def test_job_conditions(written: str, expected: str) -> None:
    assert job_if(StringToken(span=SPAN, value=written)) == expected


def test_expression_condition_keeps_position_and_source() -> None:
    token = BasicExpressionToken(
        span=SPAN,
        expression="success('build', 'build2')",
        source="${{ success('build', 'build2') }}",
    )
    result = convert_if(
        ConvertContext("w.yml"), token, contexts=JOB_IF_CONTEXTS, functions=JOB_IF_FUNCTIONS
    )
    assert result is not None
    assert result.expression == "success('build', 'build2')"
    assert result.span == SPAN
    assert result.source == "${{ success('build', 'build2') }}"


def test_literal_conditions_read_as_their_text() -> None:
    assert job_if(NullToken(span=SPAN)) == "success()"
    assert job_if(BooleanToken(span=SPAN, value=True)) == "success() && (true)"


def test_step_condition_allows_step_contexts() -> None:
    token = StringToken(span=SPAN, value="always() && fromJSON(env.time) == 5")
    assert step_if(token) == "always() && fromJSON(env.time) == 5"
    assert (
        step_if(StringToken(value="hashFiles('x') != ''")) == "success() && (hashFiles('x') != '')"
    )


def test_unknown_context_in_job_condition() -> None:
    ctx = ConvertContext("w.yml")
    assert job_if(StringToken(span=SPAN, value="env.x == 5"), ctx) is None
    assert [d.render(with_hint=False) for d in ctx.diagnostics] == [
        "w.yml (Line: 3, Col: 9): Unrecognized named-value: 'env'. "
        "Located at position 1 within expression: env.x == 5"
    ]


def test_syntax_error_reports_the_unwrapped_condition() -> None:
    ctx = ConvertContext("w.yml")
    text = "(steps.a.outcome != 'Skipped' || steps.b.outcome != 'Skipped) && success()"
    assert step_if(StringToken(span=SPAN, value=text), ctx) is None
    assert [d.message for d in ctx.diagnostics] == [
        "Unexpected symbol: ''Skipped) && success()'. Located at position 53 within "
        f"expression: {text}"
    ]


def test_status_function_arguments_are_checked_per_place() -> None:
    ctx = ConvertContext("w.yml")
    assert job_if(StringToken(span=SPAN, value="failure('a')")) == "failure('a')"
    assert step_if(StringToken(span=SPAN, value="failure('a')"), ctx) is None
    assert ctx.diagnostics[0].message.startswith("Too many parameters supplied: 'failure'")


def test_non_scalar_condition_raises() -> None:
    with pytest.raises(TokenTypeError) as err:
        job_if(SequenceToken(span=SPAN))
    assert err.value.message == (
        "Unexpected type 'SequenceToken' encountered while reading 'if condition'. "
        "The type 'ScalarToken' was expected."
    )


def test_hint_for_contexts_only_on_named_value_errors() -> None:
    ctx = ConvertContext("w.yml")
    convert_if(
        ctx,
        StringToken(span=SPAN, value="matrix.os == 'x'"),
        contexts=JOB_IF_CONTEXTS,
        functions=JOB_IF_FUNCTIONS,
        hint="the hint",
    )
    convert_if(
        ctx,
        StringToken(span=SPAN, value="a ==="),
        contexts=JOB_IF_CONTEXTS,
        functions=JOB_IF_FUNCTIONS,
        hint="the hint",
    )
    assert [d.hint for d in ctx.diagnostics] == ["the hint", None]
