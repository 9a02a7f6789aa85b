"""Unravelling tokens at run time as GitHub's runner does: ``${{ insert }}`` and splices.

The tokens come from real YAML through the template reader, and expressions go through
the real :mod:`shipyard.expr`, so each case is what a workflow file gives at run time.
The expected values follow the runner's ``TemplateUnraveler``/``TemplateEvaluator``
(actions/runner ``src/Sdk/DTObjectTemplating/ObjectTemplating``).
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from shipyard.expr import evaluate
from shipyard.testing.tokens import token_at
from shipyard.workflow.templates import read_template
from shipyard.workflow.tokens import (
    BasicExpressionToken,
    InsertExpressionToken,
    JsonValue,
    MappingToken,
    SequenceToken,
    StringToken,
    TemplateValueError,
    Token,
    to_value,
)

HEAD = "on: push\njobs:\n  a:\n    runs-on: x\n    steps: [run: echo]\n"


def _token(text: str, *path: str | int) -> Token:
    result = read_template(text, "w.yml")
    assert [d.render() for d in result.diagnostics] == []
    return token_at(result.value, *path)


def _evaluator(contexts: Mapping[str, object]) -> object:
    def run(token: BasicExpressionToken) -> JsonValue:
        return evaluate(token.expression, contexts)  # type: ignore[return-value]

    return run


def _matrix(body: str, contexts: Mapping[str, object] | None = None) -> JsonValue:
    """The value of ``strategy.matrix`` written as ``body`` (indented 6 spaces)."""
    token = _token(
        HEAD + "    strategy:\n      matrix:\n" + body, "jobs", "a", "strategy", "matrix"
    )
    return to_value(token, _evaluator(contexts or {}))  # type: ignore[arg-type]


def _env(body: str, contexts: Mapping[str, object] | None = None) -> JsonValue:
    """The value of the job's ``env`` written as ``body`` (indented 6 spaces)."""
    token = _token(HEAD + "    env:\n" + body, "jobs", "a", "env")
    return to_value(token, _evaluator(contexts or {}))  # type: ignore[arg-type]


def _error(run: object) -> TemplateValueError:
    with pytest.raises(TemplateValueError) as caught:
        run()  # type: ignore[operator]
    return caught.value


# --- ${{ insert }} in a mapping ----------------------------------------------------------


def test_insert_of_a_literal_mapping_merges_into_the_parent() -> None:
    body = (
        "        a:\n"
        "        - env:\n"
        "              key1: val1\n"
        "              ${{insert}}:\n"
        "                 key2: val2\n"
    )
    assert _matrix(body) == {"a": [{"env": {"key1": "val1", "key2": "val2"}}]}


def test_inserted_pairs_take_the_place_of_the_insert_key() -> None:
    body = (
        "        a:\n"
        "        - first: 1\n"
        "          ${{ insert }}:\n"
        "            second: 2\n"
        "            third: 3\n"
        "          fourth: 4\n"
    )
    value = _matrix(body)
    assert isinstance(value, dict)
    [item] = value["a"]  # type: ignore[misc]
    assert list(item) == ["first", "second", "third", "fourth"]


def test_insert_of_an_expression_object_merges_into_the_parent() -> None:
    body = (
        "        v:\n"
        "        - k0: v0\n"
        '          ${{ insert }}: ${{ fromJSON(\'{"k":"v","n":[1,2]}\') }}\n'
    )
    assert _matrix(body) == {"v": [{"k0": "v0", "k": "v", "n": [1, 2]}]}


def test_insert_reads_the_contexts() -> None:
    body = "        ${{ insert }}: ${{ inputs.vectors }}\n        other: [x]\n"
    contexts = {"inputs": {"vectors": {"os": ["linux", "mac"]}}}
    assert _matrix(body, contexts) == {"os": ["linux", "mac"], "other": ["x"]}


def test_insert_in_env_merges_an_expression_object() -> None:
    body = '      A: a\n      ${{ insert }}: ${{ fromJSON(\'{"B":"b","C":1}\') }}\n'
    assert _env(body) == {"A": "a", "B": "b", "C": 1}


def test_an_empty_insert_adds_nothing() -> None:
    assert _env("      A: a\n      ${{ insert }}: ${{ fromJSON('{}') }}\n") == {"A": "a"}
    body = "        v:\n        - k: 1\n          ${{ insert }}: {}\n"
    assert _matrix(body) == {"v": [{"k": 1.0}]}


def test_nested_inserts_all_land_in_the_outer_mapping() -> None:
    body = (
        "        v:\n"
        "        - a: 1\n"
        "          ${{ insert }}:\n"
        "            b: 2\n"
        "            ${{ insert }}:\n"
        "              c: 3\n"
        "            ${{ insert }}: ${{ fromJSON('{\"d\":4}') }}\n"
        "          e:\n"
        "            ${{ insert }}:\n"
        "              f: ${{ format('{0}-{1}', 'x', 'y') }}\n"
    )
    assert _matrix(body) == {"v": [{"a": 1, "b": 2, "c": 3, "d": 4, "e": {"f": "x-y"}}]}


def test_the_values_of_an_inserted_literal_mapping_are_evaluated() -> None:
    body = (
        "        v:\n"
        "        - ${{ insert }}:\n"
        "            ${{ format('k{0}', 1) }}: ${{ fromJSON('[1, 2]') }}\n"
        '            list: [a, "${{ fromJSON(\'[\\"b\\", \\"c\\"]\') }}"]\n'
    )
    assert _matrix(body) == {"v": [{"k1": [1, 2], "list": ["a", "b", "c"]}]}


def test_an_inserted_expression_object_is_not_unravelled_again() -> None:
    body = '        v:\n        - ${{ insert }}: ${{ fromJSON(\'{"k":"${{ x }}"}\') }}\n'
    assert _matrix(body) == {"v": [{"k": "${{ x }}"}]}


@pytest.mark.parametrize(
    ("value", "line", "column"),
    [
        ("${{ 'not a mapping' }}", 9, 26),  # a literal string once read
        ("${{ fromJSON('[1]') }}", 9, 26),
        ("${{ 3 }}", 9, 26),
        ("${{ null }}", 9, 26),
        ("plain", 9, 26),
        ("", 9, 25),  # a YAML null
        ("[a, b]", 9, 26),
    ],
)
def test_inserting_a_non_mapping_is_an_error(value: str, line: int, column: int) -> None:
    body = "        v:\n        - ${{ insert }}: " + value + "\n"
    error = _error(lambda: _matrix(body))
    assert error.message == "Expected a mapping"  # GitHub's TemplateStrings.ExpectedMapping
    assert error.span is not None  # the inserted value's position, as the runner reports it
    assert (error.span.file, error.span.line, error.span.column) == ("w.yml", line, column)


def test_a_key_inserted_twice_is_already_defined() -> None:
    body = '      A: a\n      ${{ insert }}: ${{ fromJSON(\'{"B":"b","a":"again"}\') }}\n'
    error = _error(lambda: _env(body))
    assert error.message == "'a' is already defined"
    assert error.span is not None
    assert (error.span.line, error.span.column) == (8, 22)  # the inserted expression


def test_a_literal_key_after_an_insert_that_defined_it_is_already_defined() -> None:
    body = "        v:\n        - ${{ insert }}:\n            K: 1\n          k: 2\n"
    error = _error(lambda: _matrix(body))
    assert error.message == "'k' is already defined"
    assert error.span is not None
    assert (error.span.line, error.span.column) == (11, 11)


def test_an_expression_key_gives_a_string() -> None:
    body = "      ${{ 2 }}: two\n      ${{ null }}: none\n      ${{ true }}: yes\n"
    assert _env(body) == {"2": "two", "": "none", "true": "yes"}


def test_an_expression_key_giving_an_object_is_not_a_string() -> None:
    error = _error(lambda: _env("      ${{ fromJSON('[1]') }}: x\n"))
    assert error.message == "Expected a string"


def test_insert_outside_a_mapping_key_is_not_supported() -> None:
    error = _error(lambda: to_value(InsertExpressionToken(), _evaluator({})))  # type: ignore[arg-type]
    assert error.message == "The expression directive 'insert' is not supported in this context"
    in_sequence = SequenceToken(items=(InsertExpressionToken(),))
    error = _error(lambda: to_value(in_sequence, _evaluator({})))  # type: ignore[arg-type]
    assert error.message == "The expression directive 'insert' is not supported in this context"


# --- an expression item of a sequence -----------------------------------------------------


def test_an_array_item_is_spliced_into_the_sequence() -> None:
    body = '        v: [one, "${{ fromJSON(\'[\\"two\\",\\"three\\"]\') }}", four]\n'
    assert _matrix(body) == {"v": ["one", "two", "three", "four"]}


def test_an_empty_array_item_leaves_nothing() -> None:
    body = "        v: [one, \"${{ fromJSON('[]') }}\"]\n"
    assert _matrix(body) == {"v": ["one"]}


def test_only_one_level_is_spliced() -> None:
    body = "        v: [\"${{ fromJSON('[[1, 2], 3]') }}\"]\n"
    assert _matrix(body) == {"v": [[1, 2], 3]}


def test_an_object_or_scalar_item_is_kept_whole() -> None:
    body = (
        "        v:\n"
        "        - ${{ fromJSON('{\"a\":[1]}') }}\n"
        "        - ${{ 'text' }}\n"
        "        - ${{ 1 }}\n"
        "        - ${{ null }}\n"
        "        - ${{ inputs.list }}\n"
    )
    contexts = {"inputs": {"list": ["x", "y"]}}
    assert _matrix(body, contexts) == {"v": [{"a": [1]}, "text", 1.0, None, "x", "y"]}


def test_a_string_with_text_around_the_expression_is_not_spliced() -> None:
    body = (
        "        v:\n"
        "        - a ${{ fromJSON('[1, 2]') }}\n"
        "        - ${{ fromJSON('[1, 2]') }} b\n"
        "        - ${{ fromJSON('[1]') }}${{ fromJSON('[2]') }}\n"
    )
    assert _matrix(body) == {"v": ["a Array", "Array b", "ArrayArray"]}


def test_an_array_value_of_a_mapping_is_not_spliced() -> None:
    body = "        v: ${{ fromJSON('[1, 2]') }}\n"
    assert _matrix(body) == {"v": [1, 2]}


def test_nested_sequences_splice_at_each_level() -> None:
    body = (
        "        v:\n"
        "        - - a\n"
        '          - ${{ fromJSON(\'["b", "c"]\') }}\n'
        "        - ${{ fromJSON('[\"d\"]') }}\n"
        "        - k:\n"
        '          - ${{ fromJSON(\'["e", "f"]\') }}\n'
    )
    assert _matrix(body) == {"v": [["a", "b", "c"], "d", {"k": ["e", "f"]}]}


def test_include_entries_can_come_from_an_array() -> None:
    body = (
        "        os: [linux]\n"
        "        include:\n"
        "        - os: mac\n"
        '        - ${{ fromJSON(\'[{"os":"win"},{"os":"bsd"}]\') }}\n'
    )
    assert _matrix(body) == {
        "os": ["linux"],
        "include": [{"os": "mac"}, {"os": "win"}, {"os": "bsd"}],
    }


# --- without an evaluator: a transcription ----------------------------------------------


def test_without_an_evaluator_nothing_is_unravelled() -> None:
    token = MappingToken(
        pairs=(
            (StringToken(value="a"), StringToken(value="1")),
            (
                InsertExpressionToken(),
                MappingToken(pairs=((StringToken(value="b"), StringToken(value="2")),)),
            ),
            (StringToken(value="c"), SequenceToken(items=(BasicExpressionToken(expression="x"),))),
        )
    )
    assert to_value(token) == {"a": "1", "${{ insert }}": {"b": "2"}, "c": ["${{ x }}"]}
