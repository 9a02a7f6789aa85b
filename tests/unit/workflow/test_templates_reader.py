"""The template reader: schema errors in GitHub's words, order and positions; the tokens."""

from __future__ import annotations

import pytest

from shipyard.diagnostics import Span
from shipyard.testing.tokens import token_at
from shipyard.workflow.templates import (
    WORKFLOW_ROOT_STRICT,
    TemplateResult,
    read_action_template,
    read_template,
)
from shipyard.workflow.tokens import (
    BasicExpressionToken,
    BooleanToken,
    InsertExpressionToken,
    MappingToken,
    NullToken,
    NumberToken,
    SequenceToken,
    StringToken,
    to_value,
)

JOB = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n"


def _read(text: str, **kwargs: object) -> TemplateResult:
    return read_template(text, "w.yml", **kwargs)  # type: ignore[arg-type]


def _errors(text: str, **kwargs: object) -> list[str]:
    return [d.render() for d in _read(text, **kwargs).diagnostics]


def _value(text: str) -> MappingToken:
    result = _read(text)
    assert result.diagnostics == []
    assert isinstance(result.value, MappingToken)
    return result.value


# --- a valid workflow ------------------------------------------------------------------


def test_a_valid_workflow_reads_into_tokens() -> None:
    value = _value(
        "name: CI\n"
        "on:\n  push:\n    branches: [main]\n"
        "env:\n  N: 1\n"
        "jobs:\n"
        "  build:\n"
        "    runs-on: ubuntu-latest\n"
        "    timeout-minutes: 10\n"
        "    strategy:\n      matrix:\n        n: [1, true, ~, x]\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - run: |\n          echo hi\n"
    )
    assert [str(k) for k, _ in value.pairs] == ["name", "on", "env", "jobs"]
    assert token_at(value, "env", "N") == StringToken(value="1")  # env values are strings
    matrix = token_at(value, "jobs", "build", "strategy", "matrix", "n")
    assert matrix == SequenceToken(
        items=(
            NumberToken(value=1.0),
            BooleanToken(value=True),
            NullToken(),
            StringToken(value="x"),
        )
    )
    assert token_at(value, "jobs", "build", "timeout-minutes") == NumberToken(value=10.0)
    run = token_at(value, "jobs", "build", "steps", 1, "run")
    assert isinstance(run, StringToken)
    assert run.value == "echo hi\n"
    assert run.block_header == "|"
    assert to_value(token_at(value, "on")) == {"push": {"branches": ["main"]}}


def test_tokens_carry_githubs_positions() -> None:
    value = _value(JOB + "      - run: 'x'\n")
    assert value.span == Span("w.yml", 1, 1, 7, 1)
    key = value.pairs[1][0]
    assert key.span == Span("w.yml", 2, 1, 2, 5)
    run = token_at(value, "jobs", "a", "steps", 0, "run")
    assert run.span is not None and (run.span.line, run.span.column) == (6, 14)


def test_a_non_string_value_where_a_string_is_expected_becomes_a_string() -> None:
    value = _value("on: push\njobs:\n  a:\n    runs-on: true\n    steps:\n      - run: 1.50\n")
    assert token_at(value, "jobs", "a", "runs-on") == StringToken(value="true")
    assert token_at(value, "jobs", "a", "steps", 0, "run") == StringToken(value="1.5")


def test_non_string_keys_become_strings() -> None:
    value = _value("on: push\nenv:\n  1: a\n  true: b\n  1.50: c\njobs: {}\n")
    env = token_at(value, "env")
    assert isinstance(env, MappingToken)
    assert [str(k) for k, _ in env.pairs] == ["1", "true", "1.5"]
    assert _errors("on: push\nenv:\n  ~: c\njobs: {}\n") == [
        "w.yml (Line: 3, Col: 3): Unexpected value ''"  # a null key is the empty string
    ]


def test_on_with_yaml_1_1_booleans_stays_a_string() -> None:
    value = _value(
        "on: push\njobs:\n  a:\n    runs-on: x\n    continue-on-error: true\n    steps: []\n"
    )
    assert isinstance(value.pairs[0][0], StringToken) and value.pairs[0][0].value == "on"


# --- schema errors ---------------------------------------------------------------------


def test_unexpected_key() -> None:
    assert _errors(JOB + "      - run: echo\n        foo: bar\n") == [
        "w.yml (Line: 7, Col: 9): Unexpected value 'foo'"
    ]


def test_unexpected_scalar_values() -> None:
    text = (
        "on: push\njobs:\n  a:\n    runs-on: x\n    timeout-minutes: abc\n"
        "    continue-on-error: yes\n    steps:\n      - run: a\n"
    )
    assert _errors(text) == [
        "w.yml (Line: 5, Col: 22): Unexpected value 'abc'",
        "w.yml (Line: 6, Col: 24): Unexpected value 'yes'",
    ]


def test_unexpected_non_string_root_keys() -> None:
    assert _errors("on: push\n1: x\ntrue: y\n~: z\njobs: {}\n") == [
        "w.yml (Line: 2, Col: 1): Unexpected value '1'",
        "w.yml (Line: 3, Col: 1): Unexpected value 'true'",
        "w.yml (Line: 4, Col: 1): Unexpected value ''",
    ]


def test_duplicate_keys_are_case_insensitive() -> None:
    assert _errors("on: push\nJobs: {}\njobs: {}\n") == [
        "w.yml (Line: 2, Col: 1): Unexpected value 'Jobs'",  # well-known keys match exactly
        "w.yml (Line: 3, Col: 1): 'jobs' is already defined",
    ]
    assert _errors(JOB + "      - run: a\n        RUN: b\n") == [
        "w.yml (Line: 7, Col: 9): 'RUN' is already defined"
    ]


def test_duplicate_loose_keys() -> None:
    assert _errors("on: push\nenv:\n  A: 1\n  a: 2\njobs: {}\n") == [
        "w.yml (Line: 4, Col: 3): 'a' is already defined"
    ]


def test_required_property_missing() -> None:
    assert _errors("on: push\n") == ["w.yml (Line: 1, Col: 1): Required property is missing: jobs"]
    assert _errors("on: push\njobs:\n  a:\n    steps: []\n") == [
        "w.yml (Line: 4, Col: 5): Required property is missing: runs-on"
    ]


def test_unexpected_sequence_and_mapping() -> None:
    assert _errors("name: [a]\non: push\njobs: {}\n") == [
        "w.yml (Line: 1, Col: 7): A sequence was not expected"
    ]
    assert _errors("name: {a: 1}\non: push\njobs: {}\n") == [
        "w.yml (Line: 1, Col: 7): A mapping was not expected"
    ]


def test_collection_keys_are_not_expected() -> None:
    assert _errors("on: push\n? [a]\n: b\n? {c: d}\n: e\njobs: {}\n") == [
        "w.yml (Line: 2, Col: 3): A sequence was not expected",
        "w.yml (Line: 4, Col: 3): A mapping was not expected",
    ]


def test_not_enough_info_to_pick_a_step_kind() -> None:
    assert _errors(JOB + "      - runn: typo\n") == [
        "w.yml (Line: 6, Col: 9): Unexpected value 'runn'",
        "w.yml (Line: 6, Col: 9): There's not enough info to determine what you meant. "
        "Add one of these properties: parallel, run, shell, uses, with, working-directory",
    ]
    # `name` rules out the kinds without it (parallel), and the background-only ones are
    # not offered while background steps are off
    assert _errors(JOB + "      - name: only a name\n") == [
        "w.yml (Line: 6, Col: 9): There's not enough info to determine what you meant. "
        "Add one of these properties: run, shell, uses, with, working-directory"
    ]
    assert _errors(JOB + "      - name: only a name\n", allow_background_steps=True) == [
        "w.yml (Line: 6, Col: 9): There's not enough info to determine what you meant. "
        "Add one of these properties: cancel, run, shell, uses, wait, wait-all, with, "
        "working-directory"
    ]


def test_properties_of_two_step_kinds() -> None:
    assert _errors(JOB + "      - uses: a/b@v1\n        run: x\n") == [
        "w.yml (Line: 7, Col: 9): Unexpected value 'run'"
    ]


def test_steps_missing_their_run_or_uses() -> None:
    assert _errors(JOB + "      - shell: bash\n") == [
        "w.yml (Line: 6, Col: 9): Required property is missing: run"
    ]


def test_errors_come_in_reading_order() -> None:
    text = (
        "name: {a: 1}\nrun-name: [a]\non: push\n${{ x }}: y\n"
        "jobs:\n  a:\n    steps:\n      - name: only\n      - uses: a/b@v1\n        run: x\n"
    )
    assert _errors(text) == [
        "w.yml (Line: 1, Col: 7): A mapping was not expected",
        "w.yml (Line: 2, Col: 11): A sequence was not expected",
        "w.yml (Line: 4, Col: 1): Unrecognized named-value: 'x'. Located at position 1 "
        "within expression: x",
        "w.yml (Line: 4, Col: 1): Unexpected value '${{ x }}'",
        "w.yml (Line: 8, Col: 9): There's not enough info to determine what you meant. Add "
        "one of these properties: run, shell, uses, with, working-directory",
        "w.yml (Line: 10, Col: 9): Unexpected value 'run'",
        "w.yml (Line: 7, Col: 5): Required property is missing: runs-on",
    ]


def test_allowed_values() -> None:
    text = "on:\n  pull_request:\n    types: [opened, nope]\njobs: {}\n"
    assert _errors(text, root=WORKFLOW_ROOT_STRICT) == [
        "w.yml (Line: 3, Col: 21): Unexpected value 'nope'"
    ]
    assert _errors(text) == []  # GitHub's server reads `on:` loosely


def test_strict_root_checks_events() -> None:
    text = "on:\n  push:\n    bogus: 1\n  unknown_event: {}\njobs: {}\n"
    assert _errors(text) == []
    assert _errors(text, root=WORKFLOW_ROOT_STRICT) == [
        "w.yml (Line: 3, Col: 5): Unexpected value 'bogus'",
        "w.yml (Line: 4, Col: 3): Unexpected value 'unknown_event'",
    ]


# --- expressions -----------------------------------------------------------------------


def test_expression_not_allowed() -> None:
    text = (
        "name: Mixed ${{ format('hello {0}', 'world') }}\n"
        "on:\n  ${{ format('key {0}', 'x') }}:\n"
        "jobs:\n  ${{ format('hello {0}', 'world') }}\n"
    )
    assert _errors(text) == [
        "w.yml (Line: 1, Col: 7): A template expression is not allowed in this context",
        "w.yml (Line: 3, Col: 3): A template expression is not allowed in this context",
        "w.yml (Line: 5, Col: 3): A template expression is not allowed in this context",
    ]


def test_unrecognized_named_value_and_function() -> None:
    text = (
        "on: push\njobs:\n  a:\n    runs-on: ${{ hashFiles('x') }}\n"
        "    concurrency: ${{ secrets.x }}\n    steps:\n"
        "      - run: ${{ hashFiles('x', 'y') }} ${{ success() }}\n"
    )
    assert _errors(text) == [
        "w.yml (Line: 4, Col: 14): Unrecognized function: 'hashFiles'. Located at position 1 "
        "within expression: hashFiles('x')",
        "w.yml (Line: 5, Col: 18): Unrecognized named-value: 'secrets'. Located at position 1 "
        "within expression: secrets.x",
        "w.yml (Line: 7, Col: 14): Unrecognized function: 'success'. Located at position 1 "
        "within expression: success()",
    ]


def test_expression_errors() -> None:
    text = (
        JOB
        + "      - run: ${{ }}\n"
        + "      - run: ${{ github.sha\n"
        + "      - run: ${{ insert x }}\n"
        + "      - run: a ${{ insert }}\n"
    )
    assert _errors(text) == [
        "w.yml (Line: 6, Col: 14): An expression was expected",
        "w.yml (Line: 7, Col: 14): The expression is not closed. An unescaped ${{ sequence "
        "was found, but the closing }} sequence was not found.",
        "w.yml (Line: 8, Col: 14): Exactly 0 parameter(s) were expected following the "
        "directive 'insert'. Actual parameter count: 1",
        "w.yml (Line: 9, Col: 14): The directive 'insert' is not allowed in this context. "
        "Directives are not supported for expressions that are embedded within a string. "
        "Directives are only supported when the entire value is an expression.",
    ]


def test_a_bad_expression_leaves_the_string_to_be_validated() -> None:
    text = (
        "on: push\njobs:\n  a:\n    runs-on: x\n"
        '    cancel-timeout-minutes: ${{ "0x" }}\n    steps: []\n'
    )
    assert _errors(text) == [
        "w.yml (Line: 5, Col: 29): Unexpected symbol: '\"0x\"'. Located at position 1 within "
        'expression: "0x"',
        "w.yml (Line: 5, Col: 29): Unexpected value '${{ \"0x\" }}'",
    ]


def test_insert_directive_as_a_value_is_unexpected() -> None:
    assert _errors("on: push\nenv:\n  C: ${{ insert }}\njobs: {}\n") == [
        "w.yml (Line: 3, Col: 6): Unexpected value '${{ insert }}'"
    ]


def test_expression_tokens() -> None:
    value = _value(
        "on: push\njobs:\n  a:\n    runs-on: ${{ matrix.os }}\n    env:\n"
        "      ${{ insert }}: ${{ matrix.env }}\n"
        "      A: \"${{ 'literal }}' }}\"\n"
        "      B: a ${{ github.sha }} b {c} 'd' ${{ github.ref }}\n"
        "    steps:\n      - run: ${{ 'it''s' }}\n"
    )
    runs_on = token_at(value, "jobs", "a", "runs-on")
    assert runs_on == BasicExpressionToken(expression="matrix.os")
    assert isinstance(runs_on, BasicExpressionToken)
    assert runs_on.source == "${{ matrix.os }}"
    env = token_at(value, "jobs", "a", "env")
    assert isinstance(env, MappingToken)
    key, inserted = env.pairs[0]
    assert isinstance(key, InsertExpressionToken)
    assert inserted == BasicExpressionToken(expression="matrix.env")
    assert env.get("A") == StringToken(value="literal }}")
    assert env.get("B") == BasicExpressionToken(
        expression="format('a {0} b {{c}} ''d'' {1}', github.sha, github.ref)"
    )
    assert token_at(value, "jobs", "a", "steps", 0, "run") == StringToken(value="it's")


def test_expressions_in_multi_line_scalars_use_the_value() -> None:
    value = _value(JOB + "      - run: |\n          echo ${{ github.sha }}\n          two\n")
    run = token_at(value, "jobs", "a", "steps", 0, "run")
    assert run == BasicExpressionToken(expression="format('echo {0}\ntwo\n', github.sha)")
    assert isinstance(run, BasicExpressionToken)
    assert run.span is not None and (run.span.line, run.span.column) == (6, 14)


def test_expression_too_long() -> None:
    text = JOB + "      - run: |\n          ${{ github.sha }}\n          " + "x" * 21000 + "\n"
    assert _errors(text) == ["w.yml (Line: 6, Col: 14): Exceeded max expression length 21000"]


def test_contexts_are_inherited_from_enclosing_definitions() -> None:
    text = (
        JOB + "      - run: echo\n        env:\n          X: ${{ steps.a.outputs.b }}\n"
        "        working-directory: ${{ runner.temp }}\n"
    )
    assert _errors(text) == []


# --- background steps ------------------------------------------------------------------


def test_background_steps_need_the_feature_flag() -> None:
    text = JOB + "      - run: a\n        background: true\n      - wait: x\n"
    assert _errors(text) == [
        "w.yml (Line: 7, Col: 9): Unexpected value 'background'",
        "w.yml (Line: 8, Col: 9): Unexpected value 'wait'",
    ]
    assert _errors(text, allow_background_steps=True) == []


# --- whole-file cases ------------------------------------------------------------------


def test_yaml_errors_stop_the_read() -> None:
    result = _read("on: push\njobs: [\n  foo: bar\n")
    assert result.value is None
    assert [d.render() for d in result.diagnostics] == [
        "w.yml (Line: 4, Col: 1): While parsing a flow sequence, did not find expected ',' or ']'"
    ]


def test_tag_errors_stop_the_read() -> None:
    assert _errors("on: push\njobs:\n  a:\n    runs-on: !!bool test\n") == [
        "w.yml: The value 'test' on line 4 and column 14 is invalid for the type "
        "'tag:yaml.org,2002:bool'"
    ]


@pytest.mark.parametrize("text", ["", "# nothing\n"])
def test_empty_file(text: str) -> None:
    result = _read(text)
    assert result.value is None
    assert [d.render() for d in result.diagnostics] == [
        "w.yml: Expected a scalar value, a sequence, or a mapping"
    ]


def test_a_scalar_document() -> None:
    assert _errors("hello\n") == ["w.yml (Line: 1, Col: 1): Unexpected value 'hello'"]
    assert _errors("---\n") == ["w.yml (Line: 2, Col: 1): Unexpected value ''"]


def test_aliases_are_read_where_used() -> None:
    value = _value(
        "on: push\njobs:\n  a:\n    runs-on: x\n    env: &env\n      A: 1\n"
        "    steps:\n      - run: echo\n        env: *env\n"
    )
    assert to_value(token_at(value, "jobs", "a", "steps", 0, "env")) == {"A": "1"}


def test_tokens_are_values() -> None:
    text = JOB + "      - run: echo\n"
    first, second = _read(text).value, _read(text).value
    assert first == second
    assert isinstance(token_at(first, "jobs", "a", "steps", 0), MappingToken)
    assert NullToken() == NullToken()


def test_action_metadata() -> None:
    text = (
        "name: Hello\ndescription: Says hello\ninputs:\n  who:\n    default: world\n"
        "runs:\n  using: node20\n  main: index.js\n"
    )
    result = read_action_template(text, "action.yml")
    assert result.diagnostics == []
    assert isinstance(result.value, MappingToken)
    extra = "name: x\nbogus: 1\nruns:\n  using: node20\n  main: a.js\n"
    assert read_action_template(extra, "action.yml").diagnostics == []  # loose, as the runner
    bad = read_action_template(extra, "action.yml", root="action-root-strict")
    assert [d.render() for d in bad.diagnostics] == [
        "action.yml (Line: 2, Col: 1): Unexpected value 'bogus'",
        "action.yml (Line: 1, Col: 1): Required property is missing: description",
    ]
