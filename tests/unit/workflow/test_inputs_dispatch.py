"""workflow_dispatch inputs: types, defaults, required, unknown names, exact messages."""

from __future__ import annotations

import pytest

from shipyard.errors import UserError
from shipyard.workflow.inputs import (
    InputsError,
    normalise_dispatch_inputs,
    raise_for_problems,
    render_event_inputs,
)
from shipyard.workflow.model import InputDefinition
from shipyard.workflow.tokens import BooleanToken, StringToken

DEFINITIONS = (
    InputDefinition("environment", type="environment", required=True),
    InputDefinition("level", type="choice", options=("debug", "info", "warning"), default="info"),
    InputDefinition("dry_run", type="boolean"),
    InputDefinition("count", type="number", default=3.0),
    InputDefinition("message", default="hello"),
)


def test_valid_inputs_are_typed() -> None:
    values, problems = normalise_dispatch_inputs(
        DEFINITIONS,
        {
            "environment": "prod",
            "level": "debug",
            "dry_run": "TRUE",
            "count": "2.5",
            "message": "hi",
        },
    )
    assert problems == []
    assert values == {
        "environment": "prod",
        "level": "debug",
        "dry_run": True,
        "count": 2.5,
        "message": "hi",
    }
    assert list(values) == ["environment", "level", "dry_run", "count", "message"]


def test_defaults_apply_when_absent() -> None:
    values, problems = normalise_dispatch_inputs(DEFINITIONS, {"environment": "staging"})
    assert problems == []
    assert values == {
        "environment": "staging",
        "level": "info",
        "dry_run": False,
        "count": 3.0,
        "message": "hello",
    }


@pytest.mark.parametrize(
    ("definition", "expected"),
    [
        (InputDefinition("s"), ""),
        (InputDefinition("b", type="boolean"), False),
        (InputDefinition("n", type="number"), 0.0),
        (InputDefinition("c", type="choice", options=("a", "b")), ""),
        (InputDefinition("e", type="environment"), ""),
        (InputDefinition("b", type="boolean", default="true"), True),
        (InputDefinition("b", type="boolean", default=BooleanToken(value=True)), True),
        (InputDefinition("n", type="number", default="7"), 7.0),
        (InputDefinition("s", default=StringToken(value="x")), "x"),
        (InputDefinition("s", default=2.0), "2"),
    ],
)
def test_implicit_and_token_defaults(definition: InputDefinition, expected: object) -> None:
    values, problems = normalise_dispatch_inputs([definition], {})
    assert problems == []
    assert values == {definition.name: expected}


@pytest.mark.parametrize("text", ["true", "false", "True", "FALSE"])
def test_boolean_accepts_true_or_false_in_any_case(text: str) -> None:
    values, _ = normalise_dispatch_inputs([InputDefinition("b", type="boolean")], {"b": text})
    assert values["b"] is (text.lower() == "true")


@pytest.mark.parametrize("text", ["yes", "1", "", "on", " true"])
def test_boolean_rejects_anything_else(text: str) -> None:
    values, problems = normalise_dispatch_inputs(
        [InputDefinition("b", type="boolean")], {"b": text}
    )
    assert values == {}
    assert problems == [f"input 'b' must be true or false, got '{text}'"]


@pytest.mark.parametrize(
    ("text", "number"), [("0", 0.0), ("-4", -4.0), ("1e3", 1000.0), (".5", 0.5), (" 8 ", 8.0)]
)
def test_number_parses(text: str, number: float) -> None:
    values, problems = normalise_dispatch_inputs([InputDefinition("n", type="number")], {"n": text})
    assert problems == []
    assert values == {"n": number}


@pytest.mark.parametrize("text", ["ten", "", "nan", "inf", "1_000", "0x10", "1,5"])
def test_number_rejects_non_numbers(text: str) -> None:
    _, problems = normalise_dispatch_inputs([InputDefinition("n", type="number")], {"n": text})
    assert problems == [f"input 'n' must be a number, got '{text}'"]


def test_choice_must_be_an_option() -> None:
    _, problems = normalise_dispatch_inputs(DEFINITIONS, {"environment": "x", "level": "trace"})
    assert problems == ["input 'level' must be one of 'debug', 'info', 'warning', got 'trace'"]


def test_choice_is_case_sensitive() -> None:
    _, problems = normalise_dispatch_inputs(DEFINITIONS, {"environment": "x", "level": "Debug"})
    assert problems == ["input 'level' must be one of 'debug', 'info', 'warning', got 'Debug'"]


def test_missing_required_input() -> None:
    values, problems = normalise_dispatch_inputs(DEFINITIONS, {})
    assert problems == ["missing required input 'environment'"]
    assert "environment" not in values


def test_unknown_input_suggests_a_close_name() -> None:
    _, problems = normalise_dispatch_inputs(DEFINITIONS, {"environment": "x", "dryrun": "true"})
    assert problems == [
        "unexpected input 'dryrun' (did you mean 'dry_run'?); "
        "known inputs: environment, level, dry_run, count, message"
    ]


def test_unknown_input_without_a_close_name() -> None:
    _, problems = normalise_dispatch_inputs(DEFINITIONS, {"environment": "x", "zzz": "1"})
    assert problems == [
        "unexpected input 'zzz'; known inputs: environment, level, dry_run, count, message"
    ]


def test_unknown_input_when_none_are_defined() -> None:
    _, problems = normalise_dispatch_inputs([], {"x": "1"})
    assert problems == ["unexpected input 'x': the workflow defines no inputs"]


def test_every_problem_is_reported() -> None:
    _, problems = normalise_dispatch_inputs(
        DEFINITIONS, {"level": "trace", "dry_run": "maybe", "count": "many", "extra": "1"}
    )
    assert problems == [
        "unexpected input 'extra'; known inputs: environment, level, dry_run, count, message",
        "missing required input 'environment'",
        "input 'level' must be one of 'debug', 'info', 'warning', got 'trace'",
        "input 'dry_run' must be true or false, got 'maybe'",
        "input 'count' must be a number, got 'many'",
    ]


def test_raise_for_problems_lists_them_all() -> None:
    with pytest.raises(InputsError) as caught:
        raise_for_problems(
            "workflow_dispatch",
            ["missing required input 'a'", "input 'b' must be a number, got 'x'"],
        )
    error = caught.value
    assert isinstance(error, UserError)
    assert error.problems == ("missing required input 'a'", "input 'b' must be a number, got 'x'")
    assert error.render() == (
        "invalid inputs for workflow_dispatch:\n"
        "  - missing required input 'a'\n"
        "  - input 'b' must be a number, got 'x'\n"
        "\n"
        "hint: the inputs are declared under on.workflow_dispatch.inputs in the workflow file"
    )


def test_raise_for_problems_is_quiet_without_problems() -> None:
    raise_for_problems("workflow_dispatch", [])


def test_event_inputs_are_strings() -> None:
    values, _ = normalise_dispatch_inputs(DEFINITIONS, {"environment": "prod", "count": "2"})
    assert render_event_inputs(values) == {
        "environment": "prod",
        "level": "info",
        "dry_run": "false",
        "count": "2",
        "message": "hello",
    }
