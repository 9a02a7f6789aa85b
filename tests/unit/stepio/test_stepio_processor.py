"""CommandProcessor: what each output line shows in the log and what it asks of the engine."""

from __future__ import annotations

import pytest

from shipyard.diagnostics import Severity
from shipyard.stepio import (
    AddMask,
    AddPath,
    Annotation,
    CommandFailed,
    CommandProcessor,
    EndGroup,
    LineResult,
    Masker,
    MatcherCommand,
    SaveState,
    SetEnv,
    SetOutput,
    StartGroup,
)
from shipyard.stepio.processor import (
    DEPRECATED,
    DISABLED,
    STOP_TOKEN_DISABLED,
    allows_unsecure_commands,
    allows_unsecure_stop_tokens,
)

ERROR, WARNING, NOTICE = Severity.ERROR, Severity.WARNING, Severity.NOTICE


def feed_all(processor: CommandProcessor, *lines: str) -> list[LineResult]:
    return [processor.feed(line) for line in lines]


def test_plain_lines_pass_through() -> None:
    processor = CommandProcessor()
    assert feed_all(processor, "hello", "", "a::b", "x ##[y") == [
        LineResult("hello"),
        LineResult(""),
        LineResult("a::b"),
        LineResult("x ##[y"),
    ]


def test_unknown_commands_are_printed_as_is() -> None:
    assert CommandProcessor().feed("::set-secret name=x::y") == LineResult("::set-secret name=x::y")


def test_error_annotation_with_position() -> None:
    result = CommandProcessor().feed("::error file=app.js,line=10,col=15::Something went wrong")
    assert result == LineResult(
        "##[error]Something went wrong",
        (Annotation(ERROR, "Something went wrong", None, "app.js", 10, 10, 15, 15),),
    )


def test_warning_and_notice_with_title_and_ranges() -> None:
    processor = CommandProcessor()
    warning = processor.feed("::warning title=Lint,file=a.py,line=1,endLine=3::too long")
    notice = processor.feed("::notice file=a.py,line=2,col=4,endColumn=9,title=T::note")
    assert warning == LineResult(
        "##[warning]too long", (Annotation(WARNING, "too long", "Lint", "a.py", 1, 3),)
    )
    assert notice == LineResult(
        "##[notice]note", (Annotation(NOTICE, "note", "T", "a.py", 2, 2, 4, 9),)
    )


def test_multiline_annotation_message() -> None:
    result = CommandProcessor().feed("::error::first%0Asecond")
    assert result == LineResult("##[error]first\nsecond", (Annotation(ERROR, "first\nsecond"),))


def test_legacy_syntax_annotation() -> None:
    assert CommandProcessor().feed("##[warning]old") == LineResult(
        "##[warning]old", (Annotation(WARNING, "old"),)
    )


def test_command_names_are_case_insensitive() -> None:
    assert CommandProcessor().feed("::ERROR::x") == LineResult(
        "##[error]x", (Annotation(ERROR, "x"),)
    )


@pytest.mark.parametrize(
    ("properties", "position"),
    [
        ("line=5", (5, 5, None, None)),  # the end defaults to the start
        ("line=x,col=3", (None, None, None, None)),  # non-numbers are dropped
        ("endLine=7", (7, 7, None, None)),  # line borrowed from endLine
        ("line=2,endColumn=8", (2, 2, 8, 8)),  # col borrowed from endColumn
        ("col=3", (None, None, None, None)),  # columns need a line
        ("line=1,endLine=2,col=3", (1, 2, None, None)),  # columns need a single line
        ("line=4,endLine=4,col=3,endColumn=6", (4, 4, 3, 6)),
        ("line=9,endLine=2,col=1", (None, None, None, None)),
        ("line=9,endLine=2", (None, None, None, None)),  # endLine before line
        ("line=1,col=9,endColumn=2", (1, 1, None, None)),  # endColumn before col
        ("line= 12 ,col=+3", (12, 12, 3, 3)),  # int.TryParse allows these
        ("line=1_0", (None, None, None, None)),
        ("line=99999999999", (None, None, None, None)),  # beyond Int32
        ("endLine=-1", (None, None, None, None)),  # borrowed line keeps number 0
    ],
)
def test_line_and_column_validation(
    properties: str, position: tuple[int | None, int | None, int | None, int | None]
) -> None:
    [annotation] = CommandProcessor().feed(f"::error file=f,{properties}::m").events
    assert isinstance(annotation, Annotation)
    assert (
        annotation.line,
        annotation.end_line,
        annotation.column,
        annotation.end_column,
    ) == position


def test_file_under_workspace_becomes_relative() -> None:
    processor = CommandProcessor(workspace="/home/runner/work/app/app")
    inside = processor.feed("::error file=/home/runner/work/app/app/src/x.py::m").events
    outside = processor.feed("::error file=/tmp/x.py::m").events
    prefix = processor.feed("::error file=/home/runner/work/app/app2/x.py::m").events
    assert [a.file for a in inside + outside + prefix if isinstance(a, Annotation)] == [
        "src/x.py",
        "/tmp/x.py",
        "/home/runner/work/app/app2/x.py",
    ]


def test_groups() -> None:
    processor = CommandProcessor()
    start = processor.feed("::group::Install deps")
    assert start == LineResult("##[group]Install deps", (StartGroup("Install deps"),))
    assert processor.open_group == "Install deps"
    assert processor.feed("::endgroup::") == LineResult("##[endgroup]", (EndGroup(),))
    assert processor.open_group is None


def test_debug_is_shown_only_in_debug_mode() -> None:
    assert CommandProcessor().feed("::debug::details") == LineResult(None)
    assert CommandProcessor(debug=True).feed("::debug::a%0D%0Ab%0Ac") == LineResult(
        "##[debug]a\n##[debug]b\n##[debug]c"
    )


def test_add_mask_masks_later_lines() -> None:
    masker = Masker()
    processor = CommandProcessor(masker)
    results = feed_all(processor, "value is abc123", "::add-mask::abc123", "value is abc123")
    assert results == [
        LineResult("value is abc123"),
        LineResult(None, (AddMask("abc123"),)),
        LineResult("value is ***"),
    ]
    assert "abc123" in masker


def test_add_mask_masks_annotations_and_group_titles() -> None:
    processor = CommandProcessor(Masker(["tok"]))
    assert processor.feed("::error title=tok::bad tok") == LineResult(
        "##[error]bad ***", (Annotation(ERROR, "bad ***", "***"),)
    )
    assert processor.feed("::group::use tok") == LineResult(
        "##[group]use ***", (StartGroup("use ***"),)
    )


def test_add_mask_of_blank_value_warns() -> None:
    message = "Can't add secret mask for empty string in ##[add-mask] command."
    assert CommandProcessor().feed("::add-mask::  ") == LineResult(
        f"##[warning]{message}", (Annotation(WARNING, message),)
    )


def test_add_mask_echo_hides_the_value() -> None:
    processor = CommandProcessor(Masker(), debug=True)
    assert processor.feed("::add-mask::p4ss") == LineResult("::add-mask::***", (AddMask("p4ss"),))


def test_stop_commands_until_the_token() -> None:
    processor = CommandProcessor()
    results = feed_all(
        processor,
        "::stop-commands::pause-1234",
        "::error::not an error",
        "::set-output name=a::b",
        "::PAUSE-1234::",
        "::error::now an error",
    )
    assert results == [
        LineResult("::stop-commands::pause-1234"),
        LineResult("::error::not an error"),
        LineResult("::set-output name=a::b"),
        LineResult("::PAUSE-1234::"),
        LineResult("##[error]now an error", (Annotation(ERROR, "now an error"),)),
    ]
    assert processor.stop_token is None


def test_stop_token_longer_than_six_is_masked() -> None:
    masker = Masker()
    processor = CommandProcessor(masker)
    assert processor.feed("::stop-commands::sevenchars") == LineResult("::stop-commands::***")
    assert processor.stop_token == "sevenchars"
    assert processor.feed("::sevenchars::") == LineResult("::***::")
    assert CommandProcessor(Masker()).feed("::stop-commands::six666") == LineResult(
        "::stop-commands::six666"
    )


def test_stopped_token_is_only_a_command_while_stopped() -> None:
    processor = CommandProcessor()
    feed_all(processor, "::stop-commands::tok123", "::tok123::")
    assert processor.feed("::tok123::") == LineResult("::tok123::")


@pytest.mark.parametrize("token", ["", "pause-logging", "error", "Set-Output", "stop-commands"])
def test_invalid_stop_tokens_are_refused(token: str) -> None:
    processor = CommandProcessor()
    assert processor.feed(f"::stop-commands::{token}") == LineResult(
        f"##[error]{STOP_TOKEN_DISABLED}",
        (Annotation(ERROR, STOP_TOKEN_DISABLED), CommandFailed(STOP_TOKEN_DISABLED)),
    )
    assert processor.stop_token is None
    assert processor.feed("::warning::still processed").events == (
        Annotation(WARNING, "still processed"),
    )


def test_invalid_stop_token_allowed_by_opt_in() -> None:
    processor = CommandProcessor(allow_unsecure_stop_tokens=True)
    assert processor.feed("::stop-commands::error") == LineResult("::stop-commands::error")
    assert processor.feed("::warning::x") == LineResult("::warning::x")
    assert processor.feed("::error::") == LineResult("::error::")
    assert processor.feed("::warning::x").events == (Annotation(WARNING, "x"),)


def test_echo_on_and_off() -> None:
    processor = CommandProcessor()
    results = feed_all(
        processor,
        "::group::a",
        "::echo::on",
        "::group::b",
        "::error::not echoed",
        "::echo::OFF",
        "::endgroup::",
    )
    assert [r.display_text for r in results] == [
        "##[group]a",
        None,
        "::group::b\n##[group]b",
        "##[error]not echoed",
        "::echo::OFF",
        "##[endgroup]",
    ]


def test_echo_is_on_in_debug_mode() -> None:
    processor = CommandProcessor(debug=True)
    assert processor.feed("::echo::off") == LineResult(
        "::echo::off\n##[debug]Setting echo command value to 'off'"
    )
    assert processor.feed("::group::g").display_text == "##[group]g"


def test_invalid_echo_value_fails_the_step() -> None:
    message = (
        "Invalid echo command value. Possible values can be: 'on', 'off'. Current value is: 'yes'."
    )
    assert CommandProcessor().feed("::echo::yes") == LineResult(
        f"##[error]Unable to process command '::echo::yes' successfully.\n##[error]{message}",
        (
            Annotation(ERROR, "Unable to process command '::echo::yes' successfully."),
            Annotation(ERROR, message),
            CommandFailed(message),
        ),
    )


def test_set_output_works_with_a_deprecation_warning() -> None:
    warning = DEPRECATED.format("set-output")
    assert warning == (
        "The `set-output` command is deprecated and will be disabled soon. Please upgrade to "
        "using Environment Files. For more information see: "
        "https://github.blog/changelog/2022-10-11-github-actions-deprecating-save-state-and-set-output-commands/"
    )
    assert CommandProcessor().feed("::set-output name=result::a%0Ab") == LineResult(
        f"##[warning]{warning}", (Annotation(WARNING, warning), SetOutput("result", "a\nb"))
    )


def test_save_state_works_with_a_deprecation_warning() -> None:
    warning = DEPRECATED.format("save-state")
    assert CommandProcessor().feed("::save-state name=pid::42") == LineResult(
        f"##[warning]{warning}", (Annotation(WARNING, warning), SaveState("pid", "42"))
    )


def test_set_output_without_name_fails_the_step() -> None:
    message = "Required field 'name' is missing in ##[set-output] command."
    result = CommandProcessor().feed("::set-output::v")
    assert result.events[-2:] == (Annotation(ERROR, message), CommandFailed(message))
    assert result.display_text is not None
    assert result.display_text.splitlines()[1:] == [
        "##[error]Unable to process command '::set-output::v' successfully.",
        f"##[error]{message}",
    ]


@pytest.mark.parametrize("command", ["set-env", "add-path"])
def test_set_env_and_add_path_are_disabled(command: str) -> None:
    line = f"::{command} name=A::/b"
    message = DISABLED.format(command)
    assert message.startswith(f"The `{command}` command is disabled. Please upgrade to using")
    assert CommandProcessor().feed(line) == LineResult(
        f"##[error]Unable to process command '{line}' successfully.\n##[error]{message}",
        (
            Annotation(ERROR, f"Unable to process command '{line}' successfully."),
            Annotation(ERROR, message),
            CommandFailed(message),
        ),
    )


def test_set_env_and_add_path_when_allowed() -> None:
    processor = CommandProcessor(allow_unsecure_commands=True)
    assert processor.feed("::set-env name=A::1") == LineResult(None, (SetEnv("A", "1"),))
    assert processor.feed("::add-path::/opt/bin") == LineResult(None, (AddPath("/opt/bin"),))
    blocked = "Can't update NODE_OPTIONS environment variable using ::set-env:: command."
    assert processor.feed("::set-env name=node_options::x") == LineResult(
        f"##[error]{blocked}", (Annotation(ERROR, blocked),)
    )
    empty = processor.feed("::add-path::")
    assert empty.events[-1] == CommandFailed("Value cannot be null. (Parameter 'path')")


def test_problem_matcher_commands_are_reported() -> None:
    processor = CommandProcessor()
    assert processor.feed("::add-matcher::.github/m.json") == LineResult(
        None, (MatcherCommand("add-matcher", ".github/m.json"),)
    )
    assert processor.feed("::remove-matcher owner=eslint::") == LineResult(
        None, (MatcherCommand("remove-matcher", "", "eslint"),)
    )
    both = (
        "Either specify an owner name or a file path in ##[remove-matcher] command. "
        "Both values cannot be set."
    )
    assert processor.feed("::remove-matcher owner=o::f.json").events == (Annotation(WARNING, both),)
    assert processor.feed("::add-matcher::").events == (
        Annotation(WARNING, "File path must be specified."),
    )


def test_empty_annotation_message_logs_nothing() -> None:
    assert CommandProcessor().feed("::error file=a.py::") == LineResult(None)


def test_blank_annotation_message_is_logged_but_not_annotated() -> None:
    assert CommandProcessor().feed("::warning::\u3000") == LineResult("##[warning]\u3000")


def test_ten_annotations_per_level_per_step() -> None:
    processor = CommandProcessor()
    results = [processor.feed(f"::warning::w{i}") for i in range(12)]
    assert [r.display_text for r in results] == [f"##[warning]w{i}" for i in range(12)]
    assert [len(r.events) for r in results] == [1] * 10 + [0, 0]
    assert processor.feed("::error::e").events == (Annotation(ERROR, "e"),)


def test_runner_warnings_count_towards_the_limit() -> None:
    processor = CommandProcessor()
    for _ in range(10):
        processor.feed("::set-output name=a::b")
    assert processor.feed("::warning::late").events == ()
    assert processor.feed("::set-output name=a::c").events == (SetOutput("a", "c"),)


def test_annotation_message_is_masked_then_cut_at_4096() -> None:
    processor = CommandProcessor(Masker(["s"]))
    [annotation] = processor.feed("::error::" + "s," * 4096).events
    assert isinstance(annotation, Annotation)
    assert len(annotation.message) == 4096
    assert annotation.message.startswith("***,***,")
    [long] = CommandProcessor().feed("::error::" + "a" * 5000).events
    assert isinstance(long, Annotation)
    assert long.message == "a" * 4096


def test_legacy_properties_and_escapes() -> None:
    line = "##[warning title=title%3Bpart%5D%25;file=src/a,b:c.rs;line=3]message%3B%5D%25%0D%0Aend"
    assert CommandProcessor().feed(line).events == (
        Annotation(WARNING, "message;]%\r\nend", "title;part]%", "src/a,b:c.rs", 3, 3),
    )


def test_unregistered_v2_command_falls_back_to_a_later_legacy_command() -> None:
    masker = Masker()
    result = CommandProcessor(masker).feed("::not-registered::message ##[add-mask]fallback-secret")
    assert result == LineResult(None, (AddMask("fallback-secret"),))
    assert masker.mask("fallback-secret") == "***"


@pytest.mark.parametrize("value", [" ", "\t", "\x85", "\xa0", "\u2028", "\u3000"])
def test_add_mask_blank_follows_dotnet_whitespace(value: str) -> None:
    events = CommandProcessor(Masker()).feed(f"::add-mask::{value}").events
    assert [type(e) for e in events] == [Annotation]


@pytest.mark.parametrize("value", ["\u200b", "\ufeff", "\x1c"])
def test_add_mask_of_non_whitespace_invisible_characters(value: str) -> None:
    masker = Masker()
    assert CommandProcessor(masker).feed(f"::add-mask::{value}").events == (AddMask(value),)
    assert masker.mask(value) == "***"


@pytest.mark.parametrize(
    ("value", "commands", "stop_tokens"),
    [
        ("true", True, True),
        ("TRUE", True, True),
        (" True ", True, False),
        ("1", False, True),
        ("$true", False, True),
        ("yes", False, False),
        ("false", False, False),
        ("", False, False),
    ],
)
def test_the_opt_ins_read_the_env_context_as_the_runner_parses_booleans(
    value: str, commands: bool, stop_tokens: bool
) -> None:
    assert allows_unsecure_commands({"ACTIONS_ALLOW_UNSECURE_COMMANDS": value}) is commands
    env = {"ACTIONS_ALLOW_UNSECURE_STOPCOMMAND_TOKENS": value}
    assert allows_unsecure_stop_tokens(env) is stop_tokens
    assert not allows_unsecure_commands({}) and not allows_unsecure_stop_tokens({})
