"""Cron validation: the expectations below were produced by GitHub's cron.js (0.3.61)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shipyard.workflow.cron import (
    INVALID_CRON_MESSAGE,
    MISSING_CRON_MESSAGE,
    cron_error,
    has_cron_interval_less_than_5_minutes,
    is_valid_cron,
    js_number,
    js_parse_int,
)

VALID = [
    "* * * * *",
    "0 0 * * *",
    "*/5 * * * *",
    "*/15 9-17 * * mon-fri",
    "0 12 1 JAN *",
    "0 0 * * SUN",
    "30 5 * * 1,3",
    "0 0 1-15/2 * *",
    "0 0 * jan-mar *",
    "0 0 * * 0-6",
    "59 23 31 12 6",
    "5,10-20/5 * * * *",
    "0 0 * * */2",
    "*  *  *  *  *",  # runs of spaces separate fields
    # JavaScript's Number() at work:
    "1.5 * * * *",
    "0x1f * * * *",
    "+5 * * * *",
    "1e1 * * * *",
    " * * * *",  # a leading space makes an empty minute field, and Number('') is 0
]

INVALID = [
    "",
    "* * * *",
    "* * * * * *",
    " * * * * *",
    "* * * * * ",
    "60 * * * *",
    "* 24 * * *",
    "* * 0 * *",
    "* * 32 * *",
    "* * * 0 *",
    "* * * 13 *",
    "* * * * 7",
    "5-1 * * * *",
    "fri-mon * * * *",
    "* * * * fri-mon",
    "* * * feb-jan *",
    "*/0 * * * *",
    "*/60 * * * *",
    "1/2/3 * * * *",
    "1-2-3 * * * *",
    "1, * * * *",
    ",1 * * * *",
    "/5 * * * *",
    "5/ * * * *",
    "-5 * * * *",
    "-0 * * * *",
    "5- * * * *",
    "@daily",
    "* * * * monday",
    "*/a * * * *",
    "1-5/x * * * *",
    "0 0 * * 1/mon",
    "*/1-2 * * * *",
    "*\t* * * *",  # a tab does not separate fields
    "a * * * *",
    "Infinity * * * *",
    "0 0 * constructor *",  # passes in the JavaScript (an inherited property); see cron.py
]

MORE_OFTEN_THAN_5_MINUTES = [
    "* * * * *",
    "*  *  *  *  *",
    "0-4 * * * *",
    "0,2 * * * *",
    "*/4 * * * *",
    "0-59/3 * * * *",
    "1,3-4 * * * *",
    "58,2 * * * *",  # wraps around the hour: 58 → 2 is 4 minutes
    "1.5/1 * * * *",
]

EVERY_5_MINUTES_OR_LESS_OFTEN = [
    "0 0 * * *",
    "*/5 * * * *",
    "*/15 9-17 * * mon-fri",
    "0,55 * * * *",
    "0,5,10 * * * *",
    "4 * * * *",
    "0 * * * *",
    "1.5 * * * *",
    " * * * *",
    "not a cron",
]


@pytest.mark.parametrize("cron", VALID)
def test_valid(cron: str) -> None:
    assert is_valid_cron(cron)
    assert cron_error(cron) is None


@pytest.mark.parametrize("cron", INVALID)
def test_invalid(cron: str) -> None:
    assert not is_valid_cron(cron)
    assert cron_error(cron) == INVALID_CRON_MESSAGE


def test_messages_are_githubs() -> None:
    assert INVALID_CRON_MESSAGE == (
        "Invalid cron expression. Expected format: '* * * * *' (minute hour day month weekday)"
    )
    assert MISSING_CRON_MESSAGE == "Missing required key 'cron' in schedule entry"


@pytest.mark.parametrize("cron", MORE_OFTEN_THAN_5_MINUTES)
def test_interval_less_than_5_minutes(cron: str) -> None:
    assert has_cron_interval_less_than_5_minutes(cron)


@pytest.mark.parametrize("cron", EVERY_5_MINUTES_OR_LESS_OFTEN)
def test_interval_of_5_minutes_or_more(cron: str) -> None:
    assert not has_cron_interval_less_than_5_minutes(cron)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("", 0.0),
        ("  ", 0.0),
        ("\u00a07\ufeff", 7.0),
        ("5.", 5.0),
        (".5", 0.5),
        ("-2e1", -20.0),
        ("0X1F", 31.0),
        ("0o17", 15.0),
        ("0b101", 5.0),
        ("Infinity", math.inf),
        ("-Infinity", -math.inf),
        ("0x" + "f" * 300, math.inf),
    ],
)
def test_js_number(text: str, number: float) -> None:
    assert js_number(text) == number


@pytest.mark.parametrize("text", [".", "1_0", "-0x1", "0x", "1e", "infinity", "1 2", "five"])
def test_js_number_nan(text: str) -> None:
    assert math.isnan(js_number(text))


@pytest.mark.parametrize(("text", "number"), [("12abc", 12.0), (" -3", -3.0), ("4.9", 4.0)])
def test_js_parse_int(text: str, number: float) -> None:
    assert js_parse_int(text) == number


def test_js_parse_int_nan() -> None:
    assert math.isnan(js_parse_int("x1"))


_field = st.one_of(
    st.just("*"),
    st.integers(0, 70).map(str),
    st.sampled_from(["jan", "dec", "mon", "sun", "*/5", "1-5", "1-5/2", "mon-fri", "1,2", "x"]),
)


@given(st.lists(_field, min_size=5, max_size=5))
def test_valid_implies_five_fields_within_range(fields: list[str]) -> None:
    cron = " ".join(fields)
    if is_valid_cron(cron):
        for field, high in zip(fields, (59, 23, 31, 12, 6), strict=True):
            if field.isdigit():
                assert int(field) <= high


@given(
    st.integers(0, 59),
    st.integers(0, 23),
    st.integers(1, 31),
    st.integers(1, 12),
    st.integers(0, 6),
)
def test_numbers_in_range_are_valid(
    minute: int, hour: int, day: int, month: int, weekday: int
) -> None:
    assert is_valid_cron(f"{minute} {hour} {day} {month} {weekday}")
