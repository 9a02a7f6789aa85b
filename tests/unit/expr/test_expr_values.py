"""The value model: truthiness, coercions, number formatting, equality and ordering."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shipyard.expr import is_truthy, kind_name, to_display_string
from shipyard.expr.functions import js_key_order
from shipyard.expr.values import (
    MISSING,
    greater_than,
    js_number_to_string,
    less_than,
    loose_equals,
    number_to_string,
    number_to_string_g15,
    object_get,
    string_to_number,
    to_number,
    upper_special,
)

NAN = math.nan
INF = math.inf


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, False), (False, False), (True, True), (0.0, False), (-0.0, False), (NAN, False),
        (0.5, True), (-1, True), ("", False), ("0", True), ("false", True), ([], True),
        ({}, True), (INF, True),
    ],
)  # fmt: skip
def test_truthiness(value: object, expected: bool) -> None:
    assert is_truthy(value) is expected


@pytest.mark.parametrize(
    ("value", "kind"),
    [(None, "Null"), (True, "Boolean"), (1, "Number"), (1.5, "Number"), ("", "String"),
     ([], "Array"), ((), "Array"), ({}, "Object")],
)  # fmt: skip
def test_kind_names(value: object, kind: str) -> None:
    assert kind_name(value) == kind


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("", 0.0), ("  ", 0.0), (" 12 ", 12.0), ("\u00a012\ufeff", 12.0), ("1e3", 1000.0),
        (".5", 0.5), ("5.", 5.0), ("-.5", -0.5), ("+3", 3.0), ("0x1F", 31.0), ("0B11", 3.0),
        ("0o10", 8.0), ("Infinity", INF), ("-Infinity", -INF), ("1e400", INF),
    ],
)  # fmt: skip
def test_string_to_number(text: str, number: float) -> None:
    assert string_to_number(text) == number


@pytest.mark.parametrize(
    "text", ["abc", "1_000", "inf", "nan", "NaN", "-0x1", "0x", "1e", "\u0663", "1 2", "0b2"]
)
def test_string_to_number_nan(text: str) -> None:
    assert math.isnan(string_to_number(text))


def test_to_number() -> None:
    assert to_number(None) == 0.0
    assert to_number(True) == 1.0
    assert to_number(False) == 0.0
    assert to_number(7) == 7.0
    assert math.isnan(to_number([]))
    assert math.isnan(to_number({}))


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (0.0, "0"), (-0.0, "0"), (1.0, "1"), (-2.5, "-2.5"), (0.1 + 0.2, "0.3"),
        (1 / 3, "0.333333333333333"), (123456789.123, "123456789.123"), (1e-7, "1e-7"),
        (1.5e-15, "1e-15"), (1e-16, "0"), (0.000001, "0.000001"), (1e20, "100000000000000000000"),
        (1e21, "1e+21"), (1.5e300, "1.5e+300"), (2**53 + 2.0, "9007199254740994"),
        (123456789012345680000.0, "123456789012345680000"), (NAN, "NaN"), (INF, "Infinity"),
        (-INF, "-Infinity"), (1.0000152587890625, "1.000015258789063"),
    ],
)  # fmt: skip
def test_number_to_string_is_githubs(number: float, text: str) -> None:
    assert number_to_string(number) == text


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (1e21, "1e+21"), (1e-7, "1e-7"), (0.000001, "0.000001"), (1.5e-10, "1.5e-10"),
        (123.456, "123.456"), (-0.0, "0"), (1e100, "1e+100"), (2**60 + 0.0, "1152921504606847000"),
    ],
)  # fmt: skip
def test_javascript_number_to_string(number: float, text: str) -> None:
    assert js_number_to_string(number) == text


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (3.10, "3.1"), (3.0, "3"), (3, "3"), (-0.5, "-0.5"), (0.1 + 0.2, "0.3"),
        (123456789012345.0, "123456789012345"), (1e15, "1E+15"), (0.0001, "0.0001"),
        (0.00001, "1E-05"), (0.84551240822557006, "0.84551240822557"),
        (1345678912345678912.0, "1.34567891234568E+18"),
        (1.7976931348623157e308, "1.79769313486232E+308"), (INF, "Infinity"),
        (-INF, "-Infinity"), (NAN, "NaN"),
    ],
)  # fmt: skip
def test_number_to_string_g15_is_githubs_server(number: float, text: str) -> None:
    assert number_to_string_g15(number) == text


def test_display_strings() -> None:
    assert to_display_string(None) == ""
    assert to_display_string(True) == "true"
    assert to_display_string(False) == "false"
    assert to_display_string(3) == "3"
    assert to_display_string("x") == "x"
    assert to_display_string([1]) == "Array"
    assert to_display_string({"a": 1}) == "Object"


@pytest.mark.parametrize(
    ("left", "right", "equal"),
    [
        ("abc", "ABC", True), ("ı", "I", False), ("ß", "SS", True), (1, "1", True),
        (1, " 1 ", True), (0, "", True), (None, 0, True), (None, "", True), (None, False, True),
        (True, 1, True), (True, "1", True), (True, "true", False), (NAN, NAN, False),
        ("NaN", NAN, False), ([], [], False), ({}, "Object", False), (None, None, True),
    ],
)  # fmt: skip
def test_loose_equality(left: object, right: object, equal: bool) -> None:
    assert loose_equals(left, right) is equal
    assert loose_equals(right, left) is equal


def test_arrays_and_objects_compare_by_identity() -> None:
    items: list[object] = [1]
    assert loose_equals(items, items)
    assert not loose_equals(items, [1])


@pytest.mark.parametrize(
    ("left", "right", "greater", "less"),
    [
        (2, 1, True, False), ("b", "A", True, False), ("a", "B", False, True),
        (True, False, True, False), ("10", 9, True, False), (None, -1, True, False),
        (NAN, 1, False, False), ([], 1, False, False), ("a", 1, False, False),
        ("\uffff", "\U0001f600", True, False),
    ],
)  # fmt: skip
def test_ordering(left: object, right: object, greater: bool, less: bool) -> None:
    assert greater_than(left, right) is greater
    assert less_than(left, right) is less


def test_upper_special_keeps_dotless_i() -> None:
    assert upper_special("aıb") == "AıB"
    assert upper_special("abc") == "ABC"


def test_object_get_is_case_insensitive() -> None:
    obj = {"Foo": 1, "bar": 2}
    assert object_get(obj, "foo") == 1
    assert object_get(obj, "BAR") == 2
    assert object_get(obj, "baz") is MISSING


def test_javascript_key_order() -> None:
    pairs = [("b", 1), ("10", 2), ("2", 3), ("01", 4), ("a", 5)]
    assert [k for k, _ in js_key_order(pairs)] == ["2", "10", "b", "01", "a"]


finite = st.floats(allow_nan=False, allow_infinity=False)
scalars = st.one_of(
    st.none(), st.booleans(), st.floats(), st.text(max_size=5), st.sampled_from(["1", " 0 ", "x"])
)


@given(finite)
def test_javascript_number_string_round_trips(x: float) -> None:
    assert float(js_number_to_string(x)) == x


@given(finite.filter(lambda x: abs(x) < 1e21))
def test_display_string_keeps_fifteen_decimals(x: float) -> None:
    shown = float(to_display_string(x))
    assert abs(shown - x) <= 5e-16 + abs(x) * 2**-52
    assert to_display_string(shown) == to_display_string(x)


@given(scalars, scalars)
def test_loose_equality_is_symmetric(left: object, right: object) -> None:
    assert loose_equals(left, right) == loose_equals(right, left)


@given(scalars, scalars)
def test_ordering_is_antisymmetric(left: object, right: object) -> None:
    assert not (greater_than(left, right) and less_than(left, right))
    assert greater_than(left, right) == less_than(right, left)
