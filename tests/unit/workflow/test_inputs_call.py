"""workflow_call inputs: typed values from ``with:``, conversions, expression defaults."""

from __future__ import annotations

import pytest

from shipyard.errors import InternalError
from shipyard.workflow.inputs import normalise_call_inputs
from shipyard.workflow.model import InputDefinition
from shipyard.workflow.tokens import BasicExpressionToken, NullToken, Token

DEFINITIONS = (
    InputDefinition("version", type="string", required=True),
    InputDefinition("debug", type="boolean"),
    InputDefinition("retries", type="number", default=2.0),
)


def test_typed_values_pass() -> None:
    values, problems = normalise_call_inputs(
        DEFINITIONS, {"version": "3.12", "debug": True, "retries": 5}
    )
    assert problems == []
    assert values == {"version": "3.12", "debug": True, "retries": 5.0}


def test_defaults_follow_the_docs() -> None:
    values, problems = normalise_call_inputs(DEFINITIONS, {"version": "1"})
    assert problems == []
    assert values == {"version": "1", "debug": False, "retries": 2.0}


@pytest.mark.parametrize(("given", "text"), [(3.1, "3.1"), (3.0, "3"), (True, "true"), (None, "")])
def test_string_input_converts_scalars(given: object, text: str) -> None:
    values, problems = normalise_call_inputs(DEFINITIONS, {"version": given})
    assert problems == []
    assert values["version"] == text


@pytest.mark.parametrize(
    ("name", "given", "problem"),
    [
        ("debug", "true", "input 'debug' must be a boolean, got the string 'true'"),
        ("debug", 1.0, "input 'debug' must be a boolean, got the number 1"),
        ("debug", None, "input 'debug' must be a boolean, got null"),
        ("retries", "5", "input 'retries' must be a number, got the string '5'"),
        ("retries", False, "input 'retries' must be a number, got the boolean false"),
        ("version", ["a"], "input 'version' must be a string, got an array"),
        ("version", {"a": 1}, "input 'version' must be a string, got an object"),
    ],
)
def test_wrong_types(name: str, given: object, problem: str) -> None:
    values, problems = normalise_call_inputs(DEFINITIONS, {"version": "1", name: given})
    assert problems == [problem]
    assert name not in values


def test_unknown_and_missing() -> None:
    _, problems = normalise_call_inputs(DEFINITIONS, {"Version": "1"})
    assert problems == [
        "unexpected input 'Version' (did you mean 'version'?); "
        "known inputs: version, debug, retries",
        "missing required input 'version'",
    ]


def test_expression_default_uses_the_evaluator() -> None:
    expression = BasicExpressionToken(expression="github.ref_name")
    definitions = [InputDefinition("ref", default=expression)]
    seen: list[Token] = []

    def evaluate(token: Token) -> object:
        seen.append(token)
        return "main"

    values, problems = normalise_call_inputs(definitions, {}, evaluate)
    assert problems == []
    assert values == {"ref": "main"}
    assert seen == [expression]


def test_expression_default_without_evaluator_is_a_bug() -> None:
    definitions = [InputDefinition("ref", default=BasicExpressionToken(expression="github.ref"))]
    with pytest.raises(
        InternalError, match="input 'ref' has an expression default but no evaluator"
    ):
        normalise_call_inputs(definitions, {})


def test_null_token_default_means_no_default() -> None:
    values, _ = normalise_call_inputs(
        [InputDefinition("n", type="number", default=NullToken())], {}
    )
    assert values == {"n": 0.0}


def test_given_value_wins_over_the_default() -> None:
    values, _ = normalise_call_inputs(DEFINITIONS, {"version": "1", "retries": 0})
    assert values["retries"] == 0.0
