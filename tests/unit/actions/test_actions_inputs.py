"""Inputs as @actions/core reads them."""

from __future__ import annotations

from pathlib import Path

import pytest

from shipyard.actions.base import ActionFailed
from shipyard.actions.inputs import expand_home, failure, read_inputs
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
