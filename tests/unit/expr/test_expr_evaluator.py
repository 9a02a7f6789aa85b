"""Evaluation: operators, indexing, filters, contexts and host functions."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from shipyard.expr import EvaluationError, evaluate, parse_expression

CTX: dict[str, object] = {
    "github": {"event_name": "push", "Ref": "refs/heads/main", "run_number": 7},
    "matrix": {"os": "ubuntu-latest", "node": 18},
    "needs": {
        "build": {"result": "success", "outputs": {"v": "1"}},
        "test": {"result": "failure", "outputs": {"v": "2"}},
    },
    "list": [10, 20, 30],
    "grid": [[1, 2], [3, 4], "x", {"a": 5}],
    "items": [{"name": "a", "tags": ["x", "y"]}, {"NAME": "b"}, {"other": 1}],
    "empty": "",
}


def ev(text: str, contexts: dict[str, object] | None = None) -> object:
    return evaluate(text, CTX if contexts is None else contexts)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("github.event_name == 'push' && matrix.os", "ubuntu-latest"),
        ("github.event_name == 'PUSH'", True),
        ("github.event_name != 'push' || 'fallback'", "fallback"),
        ("empty && 'x'", ""),
        ("empty || null", None),
        ("!empty", True),
        ("!!matrix", True),
        ("matrix.node >= 18 && matrix.node < '19'", True),
        ("matrix.node <= 17.5", False),
        ("1 < 2 == true", True),
        ("1 == 1 == 1", True),
        ("'b' > 'A'", True),
        ("null == 0", True),
        ("true == 1", True),
        ("'abc' == 'ABC'", True),
        ("NaN == NaN", False),
        ("list == list", True),
        ("fromJSON('[]') == fromJSON('[]')", False),
        ("(1 == 1) && (2 > 1)", True),
        ("", None),
    ],
)
def test_operators(text: str, expected: object) -> None:
    assert ev(text) == expected


def test_logical_operators_short_circuit() -> None:
    calls: list[str] = []

    def boom() -> object:
        calls.append("boom")
        raise AssertionError("not short-circuited")

    assert evaluate("false && boom()", {}, {"boom": boom}) is False
    assert evaluate("'x' || boom()", {}, {"boom": boom}) == "x"
    assert calls == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GitHub.REF", "refs/heads/main"),
        ("github['event_name']", "push"),
        ("github.missing", None),
        ("github.missing.deeper", None),
        ("list[1]", 20.0),
        ("list[1.9]", 20.0),
        ("list['2']", 30.0),
        ("list[true]", 20.0),
        ("list[null]", 10.0),
        ("list[-1]", None),
        ("list[3]", None),
        ("list['x']", None),
        ("list[list]", None),
        ("matrix[list]", None),
        ("empty[0]", None),
        ("empty.x", None),
        ("github.run_number", 7.0),
    ],
)
def test_index_access(text: str, expected: object) -> None:
    assert ev(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("needs.*.result", ["success", "failure"]),
        ("needs.*.outputs.v", ["1", "2"]),
        ("list.*", [10, 20, 30]),
        ("list[*]", [10, 20, 30]),
        ("grid.*[1]", [2, 4]),
        ("grid.*.a", [5]),
        ("grid.*.*", [1, 2, 3, 4, 5]),
        ("items.*.name", ["a", "b"]),
        ("items.*.tags[0]", ["x"]),
        ("items.*.tags.*[0]", []),
        ("items[*].tags.*", ["x", "y"]),
        ("empty.*", []),
        ("(needs.*.result)[0]", []),
        ("needs.*.result[0]", []),
        ("contains(needs.*.result, 'failure')", True),
    ],
)
def test_star_filters(text: str, expected: object) -> None:
    assert ev(text) == expected


def test_filter_results_are_plain_lists() -> None:
    result = ev("needs.*.result")
    assert type(result) is list


def test_index_is_evaluated_before_target_and_its_errors_are_wrapped() -> None:
    with pytest.raises(EvaluationError) as error:
        ev("list[fromJSON('{')]")
    assert error.value.message == (
        "could not evaluate index for index access: Error parsing JSON when evaluating fromJson"
    )


def test_numbers_come_out_as_floats() -> None:
    result = ev("matrix.node")
    assert type(result) is float and result == 18.0
    value = ev("NaN")
    assert isinstance(value, float) and math.isnan(value)


def test_named_value_absent_from_contexts_is_null() -> None:
    assert ev("nothing") is None
    assert ev("nothing.x") is None


def test_context_names_match_case_insensitively() -> None:
    assert ev("MATRIX.OS") == "ubuntu-latest"


def test_host_functions() -> None:
    functions: dict[str, Callable[..., object]] = {
        "Success": lambda: True,
        "hashfiles": lambda *p: "h:" + ",".join(map(str, p)),
    }
    assert evaluate("success() && hashFiles('a', 'b')", {}, functions) == "h:a,b"
    with pytest.raises(EvaluationError) as error:
        evaluate("failure()", {}, functions)
    assert error.value.message == "Unrecognized function: 'failure'"


def test_host_functions_override_builtins() -> None:
    assert evaluate("format('x')", {}, {"FORMAT": lambda s: "host"}) == "host"


def test_parse_once_evaluate_many() -> None:
    tree = parse_expression("matrix.os == 'linux'", contexts=["matrix"])
    assert evaluate(tree, {"matrix": {"os": "linux"}}) is True
    assert evaluate(tree, {"matrix": {"os": "mac"}}) is False
    assert evaluate(tree) is False


def test_long_comparison_chains_evaluate() -> None:
    assert ev(" == ".join(["1"] * 3000)) is True


def test_mappings_and_tuples_are_values() -> None:
    from types import MappingProxyType

    contexts = {"m": MappingProxyType({"Key": (1, 2)})}
    assert evaluate("m.key[1]", contexts) == 2
    assert evaluate("toJSON(m)", contexts) == '{\n  "Key": [\n    1,\n    2\n  ]\n}'
