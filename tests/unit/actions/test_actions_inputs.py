"""Inputs as @actions/core reads them."""

from __future__ import annotations

from pathlib import Path

import pytest

from shipyard.actions.base import ActionFailed
from shipyard.actions.inputs import expand_home, failure, parse_int, read_inputs
from shipyard.testing.fake_services import services_in


def test_defaults_case_and_unexpected_inputs(tmp_path: Path) -> None:
    services = services_in(tmp_path)
    args = read_inputs(
        services, {"Name": " x ", "bogus": "1", "other": ""}, {"name": "d", "path": "p"}
    )
    assert args.get("name") == "x" and args.raw("NAME") == " x " and args.get("path") == "p"
    assert services.warnings == [
        "Unexpected input(s) 'bogus', 'other', valid inputs are ['name', 'path']"
    ]
    silent = services_in(tmp_path / "b")
    read_inputs(silent, {"bogus": "1"}, {"name": ""}, warn=False)
    assert silent.warnings == []


def test_booleans_and_lines(tmp_path: Path) -> None:
    args = read_inputs(
        services_in(tmp_path),
        {"a": "True", "b": "FALSE", "c": "yes", "l": " x \n\n  y\n"},
        {"a": "", "b": "", "c": "", "l": ""},
    )
    assert args.flag("a") is True and args.flag("b") is False
    assert args.lines("l") == ["x", "y"]
    with pytest.raises(ActionFailed) as caught:
        args.flag("c")
    assert str(caught.value) == (
        'Input does not meet YAML 1.2 "Core Schema" specification: c\n'
        "Support boolean input list: `true | True | TRUE | false | False | FALSE`"
    )


def test_home_and_failure_text() -> None:
    assert expand_home("~/x", {"HOME": "/h"}) == "/h/x"
    assert expand_home("~", {"HOME": "/h"}) == "/h"
    assert expand_home("a/~", {"HOME": "/h"}) == "a/~"
    assert str(failure("broken", "do this")) == "broken\n  hint: do this"
    assert str(failure("broken")) == "broken"


def test_deprecated_inputs_warn_first_whatever_the_value(tmp_path: Path) -> None:
    services = services_in(tmp_path)
    read_inputs(
        services,
        {"bogus": "1", "old": "false", "Old": "x"},
        {"old": "", "new": ""},
        deprecated={"old": "use new"},
    )
    assert services.warnings == [
        "Input 'old' has been deprecated with message: use new",  # 'Old': no (case-sensitive)
        "Unexpected input(s) 'bogus', valid inputs are ['old', 'new']",
    ]
    post = services_in(tmp_path / "post")
    read_inputs(post, {"old": "1"}, {"old": ""}, deprecated={"old": "use new"}, warn=False)
    assert post.warnings == []


def test_text_comparisons_are_never_errors(tmp_path: Path) -> None:
    words = {"a": "true", "b": "True", "c": "TRUE", "d": "banana", "e": ""}
    args = read_inputs(services_in(tmp_path), words, dict.fromkeys(words, ""))
    assert [args.is_true(n) for n in words] == [True, False, False, False, False]
    assert [args.is_true_any_case(n) for n in words] == [True, True, True, False, False]


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("5", 5),
        ("5d", 5),
        ("  7 days", 7),
        ("-3", -3),
        ("+4", 4),
        ("3.9", 3),
        ("1e3", 1),
        ("0x1A", 26),
        ("0x", None),
        ("x5", None),
        ("", None),
        ("-", None),
    ],
)
def test_parse_int_is_javascripts(text: str, number: int | None) -> None:
    assert parse_int(text) == number


def test_parse_int_decimal() -> None:
    assert parse_int("0x10", decimal=True) == 0
    assert parse_int("12abc", decimal=True) == 12
    assert parse_int("abc", decimal=True) is None
