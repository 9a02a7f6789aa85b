"""Workflow command syntax: the runner's ActionCommand parser and @actions/core escaping."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shipyard.stepio import (
    COMMANDS,
    WorkflowCommand,
    escape_data,
    escape_property,
    format_command,
    parse_command,
)

REGISTERED = COMMANDS | {"stop-commands"}


def parse(line: str) -> WorkflowCommand | None:
    return parse_command(line, REGISTERED)


def test_command_with_properties() -> None:
    assert parse("::error file=app.js,line=10,col=15::Something went wrong") == WorkflowCommand(
        "error", (("file", "app.js"), ("line", "10"), ("col", "15")), "Something went wrong"
    )


def test_command_without_properties_or_data() -> None:
    assert parse("::endgroup::") == WorkflowCommand("endgroup", (), "")
    assert parse("::group::") == WorkflowCommand("group", (), "")


def test_name_is_case_insensitive_and_kept_as_written() -> None:
    command = parse("::WARNING::careful")
    assert command == WorkflowCommand("WARNING", (), "careful")


def test_leading_whitespace_is_ignored() -> None:
    assert parse("  \t::notice::hi") == WorkflowCommand("notice", (), "hi")


@pytest.mark.parametrize(
    "line",
    [
        "",
        "plain text",
        "::unknown::x",
        "::error",  # no second ::
        "x ::error::y",  # must start the line
        ":: error::y",  # space before the name
        "::set-outputs name=a::b",
    ],
)
def test_not_a_command(line: str) -> None:
    assert parse(line) is None


def test_message_may_contain_double_colons() -> None:
    assert parse("::debug::a::b::c") == WorkflowCommand("debug", (), "a::b::c")


def test_message_unescapes_in_runner_order() -> None:
    assert parse("::debug::100%25 %0Anew %0Dcr %250A %0a %3A %2C") == WorkflowCommand(
        "debug", (), "100% \nnew \rcr %0A %0a %3A %2C"
    )


def test_property_unescapes() -> None:
    command = parse("::error title=a%3Ab%2Cc%0Ad%25e::m")
    assert command is not None
    assert command.get("title") == "a:b,c\nd%e"


def test_properties_are_trimmed_and_empty_entries_dropped() -> None:
    command = parse("::error   file=a.py,,line=3,  ::msg")
    assert command is not None
    assert command.properties == (("file", "a.py"), ("line", "3"))


def test_space_after_comma_becomes_part_of_the_key() -> None:
    command = parse("::error file=a.py, line=3::msg")
    assert command is not None
    assert command.get("line") is None
    assert command.get(" line") == "3"


def test_property_split_quirks() -> None:
    command = parse("::error a=,b,=c,d==e,f=g=h,==i=j::m")
    assert command is not None
    assert command.properties == (("d", "e"), ("f", "g=h"), ("i", "j"))


def test_property_keys_are_case_insensitive_last_value_wins() -> None:
    command = parse("::error Line=1,LINE=2::m")
    assert command is not None
    assert command.properties == (("Line", "2"),)
    assert command.get("line") == "2"


def test_legacy_syntax() -> None:
    assert parse("##[error]old style") == WorkflowCommand("error", (), "old style", legacy=True)
    assert parse("##[set-output name=a;]v%3Bw%5D") == WorkflowCommand(
        "set-output", (("name", "a"),), "v;w]", legacy=True
    )


def test_legacy_syntax_is_found_anywhere_in_the_line() -> None:
    assert parse("prefix ##[warning]w") == WorkflowCommand("warning", (), "w", legacy=True)


def test_legacy_unknown_or_unclosed_is_not_a_command() -> None:
    assert parse("##[section]Starting") is None
    assert parse("##[error") is None


def test_escape_helpers() -> None:
    assert escape_data("50%\r\n:,") == "50%25%0D%0A:,"
    assert escape_property("50%\r\n:,") == "50%25%0D%0A%3A%2C"
    assert format_command("error", {"file": "a,b.py", "line": "3"}, "x:y\n") == (
        "::error file=a%2Cb.py,line=3::x:y%0A"
    )
    assert format_command("endgroup") == "::endgroup::"


@given(message=st.text())
def test_escaped_message_round_trips(message: str) -> None:
    assert parse(format_command("warning", None, message)) == WorkflowCommand(
        "warning", (), message
    )


_KEYS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
# What @actions/core cannot send intact: empty values, a leading '=' (the runner splits
# 'k==v' to 'v'), and whitespace at the very end of the properties (trimmed).
_VALUES = st.text(min_size=1).filter(lambda v: not v.startswith("=") and v == v.rstrip())


@given(
    properties=st.dictionaries(_KEYS, _VALUES, min_size=1, max_size=5),
    message=st.text(),
)
def test_escaped_properties_round_trip(properties: dict[str, str], message: str) -> None:
    command = parse(format_command("error", properties, message))
    assert command is not None
    assert dict(command.properties) == properties
    assert command.data == message
