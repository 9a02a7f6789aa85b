"""The built-in functions, evaluated through the public API."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shipyard.expr import EvaluationError, evaluate
from shipyard.expr.functions import from_json_text, to_json

CTX = {
    "list": ["a", "B", 1, None, True],
    "obj": {"x": 1, "y": [1, 2]},
    "nested": [[1, 2], {"a": "b"}],
}


def ev(text: str) -> object:
    return evaluate(text, CTX)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("contains('Hello World', 'WORLD')", True),
        ("contains('abc', 'x')", False),
        ("contains(123, 23)", True),
        ("contains(true, 'ru')", True),
        ("contains(null, '')", True),
        ("contains(list, 'b')", True),
        ("contains(list, '1')", True),
        ("contains(list, null)", True),
        ("contains(list, 'c')", False),
        ("contains(obj, 'x')", False),
        ("contains('Array', list)", False),
        ("contains(fromJSON('[]'), 1)", False),
        ("contains(obj.*, 1)", True),
    ],
)
def test_contains(text: str, expected: bool) -> None:
    assert ev(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("startsWith('Hello', 'he')", True),
        ("startsWith('Hello', 'lo')", False),
        ("endsWith('Hello', 'LO')", True),
        ("endsWith('Hello', 'he')", False),
        ("startsWith(12.5, 12)", True),
        ("endsWith(true, 'UE')", True),
        ("startsWith(list, 'A')", False),
        ("endsWith('x', obj)", False),
        ("startsWith('ıx', 'I')", False),
    ],
)
def test_starts_and_ends_with(text: str, expected: bool) -> None:
    assert ev(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("format('{0} {1}!', 'Hello', 'World')", "Hello World!"),
        ("format('{1}{0}{1}', 'a', 'b')", "bab"),
        ("format('{{0}} {{ }}', 1)", "{0} { }"),
        ("format('{0}', null)", ""),
        ("format('{0}', 1.50)", "1.5"),
        ("format('{0}-{1}', list, obj)", "Array-Object"),
        ("format('{0:x}', 'a')", "a"),
        ("format('no args')", "no args"),
        ("format(true)", "true"),
    ],
)
def test_format(text: str, expected: str) -> None:
    assert ev(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("format('{0')", "The following format string is invalid: {0"),
        ("format('}')", "The following format string is invalid: }"),
        ("format('{x}', 1)", "The following format string is invalid: {x}"),
        ("format('{}', 1)", "The following format string is invalid: {}"),
        (
            "format('{1}', 1)",
            "The following format string references more arguments than were supplied: {1}",
        ),
    ],
)
def test_format_errors(text: str, message: str) -> None:
    with pytest.raises(EvaluationError) as error:
        ev(text)
    assert error.value.message == message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("join(list)", "a,B,1,,true"),
        ("join(list, ' | ')", "a | B | 1 |  | true"),
        ("join(nested, '-')", "Array-Object"),
        ("join(list, obj)", "a,B,1,,true"),
        ("join('abc', '-')", "abc"),
        ("join(obj)", ""),
        ("join(obj.*.*)", "1,2"),
    ],
)
def test_join(text: str, expected: str) -> None:
    assert ev(text) == expected


def test_to_json_pretty_prints_like_javascript() -> None:
    assert ev("toJSON(obj)") == '{\n  "x": 1,\n  "y": [\n    1,\n    2\n  ]\n}'
    assert ev("toJSON(fromJSON('[]'))") == "[]"
    assert ev("toJSON(fromJSON('{}'))") == "{}"
    assert ev("toJSON('a\"\n')") == '"a\\"\\n"'
    assert ev("toJSON(NaN)") == "null"
    assert ev("toJSON(1e21)") == "1e+21"
    assert ev("toJSON(null)") == "null"
    assert ev('toJSON(fromJSON(\'{"b":1,"1":2}\'))') == '{\n  "1": 2,\n  "b": 1\n}'


def test_from_json() -> None:
    assert ev('fromJSON(\'{"a": [1, true, null, "x"]}\')') == {"a": [1.0, True, None, "x"]}
    assert ev("fromJSON(' 12 ')") == 12.0
    assert ev("fromJSON('\"s\"')") == "s"
    assert ev('fromJSON(\'{"a":1,"A":2}\')') == {"a": 1.0}
    assert ev('fromJSON(\'{"a":1,"a":2}\')') == {"a": 2.0}
    assert ev("fromJSON('{\"A\":1}').a") == 1.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("fromJSON('')", "empty input"),
        ("fromJSON('  ')", "empty input"),
        ("fromJSON('{')", "Error parsing JSON when evaluating fromJson"),
        ("fromJSON('NaN')", "Error parsing JSON when evaluating fromJson"),
        ("fromJSON('{''a'': 1}')", "Error parsing JSON when evaluating fromJson"),
        ("fromJSON('[1,]')", "Error parsing JSON when evaluating fromJson"),
    ],
)
def test_from_json_errors(text: str, message: str) -> None:
    with pytest.raises(EvaluationError) as error:
        ev(text)
    assert error.value.message == message


def test_case() -> None:
    assert ev("case(false, 'a', true, 'b', 'c')") == "b"
    assert ev("case(false, 'a', 'default')") == "default"
    assert ev("case(1 == 1, obj, 'x')") is CTX["obj"]
    with pytest.raises(EvaluationError) as error:
        ev("case('yes', 1, 2)")
    assert error.value.message == "case predicate must evaluate to a boolean value"


json_values = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(alphabet="abcXYZ", max_size=3), inner, max_size=4)
    ),
    max_leaves=12,
)


@given(json_values)
def test_to_json_output_is_json_with_the_same_value(value: object) -> None:
    text = to_json(value)
    assert json.loads(text, parse_int=float) == json.loads(json.dumps(value), parse_int=float)


@given(json_values)
def test_from_json_of_to_json_round_trips(value: object) -> None:
    once = from_json_text(to_json(value))
    assert to_json(from_json_text(to_json(once))) == to_json(once)
    assert not (isinstance(once, float) and math.isnan(once))
