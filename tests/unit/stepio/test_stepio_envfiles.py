"""GITHUB_ENV / GITHUB_OUTPUT / GITHUB_STATE / GITHUB_PATH contents, as the runner reads them."""

from __future__ import annotations

import pytest

from shipyard.stepio import (
    EnvFile,
    FileCommandError,
    merge_path_additions,
    parse_env_file,
    parse_github_env,
    parse_github_output,
    parse_github_path,
    parse_github_state,
    render_path,
)


def _error(message: str, line: int, command: str = "output") -> FileCommandError:
    return FileCommandError(command, message, line)


def test_simple_assignments_in_order() -> None:
    parsed = parse_github_output("a=1\nb=two words\n")
    assert parsed == EnvFile((("a", "1"), ("b", "two words")), case_insensitive=True)
    assert parsed.values == {"a": "1", "b": "two words"}


def test_value_keeps_everything_after_the_first_equals() -> None:
    assert parse_github_output("url=https://x.test/?a=1&b==2\n").values == {
        "url": "https://x.test/?a=1&b==2"
    }


def test_empty_value_and_spaces_are_kept() -> None:
    assert parse_github_output("empty=\n spaced = v \n").pairs == (
        ("empty", ""),
        (" spaced ", " v "),
    )


def test_later_assignments_override_earlier_ones() -> None:
    parsed = parse_github_output("x=1\ny=a\nx=2\n")
    assert parsed.pairs == (("x", "1"), ("y", "a"), ("x", "2"))
    assert parsed.values == {"x": "2", "y": "a"}


def test_blank_lines_are_skipped_and_last_line_needs_no_break() -> None:
    assert parse_github_output("\n\na=1\n\n\nb=2").values == {"a": "1", "b": "2"}


def test_empty_file() -> None:
    assert parse_github_output("") == EnvFile(case_insensitive=True)
    assert parse_github_env("") == EnvFile()


def test_heredoc() -> None:
    text = 'json<<EOF\n{\n  "a": 1\n}\nEOF\nafter=yes\n'
    assert parse_github_output(text).pairs == (("json", '{\n  "a": 1\n}'), ("after", "yes"))


def test_heredoc_with_generated_delimiter_and_equals_in_value() -> None:
    text = "key<<ghadelimiter_1f2e\nk=v\na<<b\nghadelimiter_1f2e\n"
    assert parse_github_output(text).values == {"key": "k=v\na<<b"}


def test_heredoc_empty_value() -> None:
    assert parse_github_output("empty<<EOF\nEOF\n").values == {"empty": ""}


def test_heredoc_keeps_blank_lines_inside_the_value() -> None:
    assert parse_github_output("v<<EOF\n\nmiddle\n\nEOF\n").values == {"v": "\nmiddle\n"}


def test_heredoc_delimiter_must_match_the_whole_line() -> None:
    text = "v<<EOF\nnot EOF\nEOF \n EOF\nEOF\n"
    assert parse_github_output(text).values == {"v": "not EOF\nEOF \n EOF"}


def test_heredoc_delimiter_is_case_sensitive() -> None:
    assert parse_github_output("v<<EOF\neof\nEOF\n").values == {"v": "eof"}


def test_heredoc_closing_line_may_end_the_file() -> None:
    assert parse_github_output("v<<EOF\nx\nEOF").values == {"v": "x"}


def test_equals_before_heredoc_marker_is_an_assignment() -> None:
    assert parse_github_output("a=b<<EOF\n").values == {"a": "b<<EOF"}


def test_heredoc_marker_before_equals_is_a_heredoc() -> None:
    assert parse_github_output("a<<E=F\nx\nE=F\n").values == {"a": "x"}


def test_unterminated_heredoc() -> None:
    parsed = parse_github_output("first=1\nbody<<EOF\nline 1\nline 2\n")
    assert parsed.pairs == (("first", "1"),)
    assert parsed.error == _error("Invalid value. Matching delimiter not found 'EOF'", 2)
    assert parsed.error.log_lines() == (
        "Unable to process file command 'output' successfully.",
        "Invalid value. Matching delimiter not found 'EOF'",
    )


def test_delimiter_glued_to_the_last_value_line() -> None:
    # `printf '%s' "$body"; echo EOF` — the classic mistake.
    parsed = parse_github_output("notes<<EOF\nlast lineEOF\n")
    assert parsed.error == _error("Invalid value. Matching delimiter not found 'EOF'", 1)


def test_heredoc_header_on_the_last_line() -> None:
    parsed = parse_github_output("a=1\nbody<<EOF")
    assert parsed.error == _error("Invalid value. Matching delimiter not found 'EOF'", 2)


def test_value_line_without_final_break_is_missing_its_eof_marker() -> None:
    parsed = parse_github_output("body<<EOF\nno newline")
    assert parsed.error == _error("Invalid value. EOF marker missing new line.", 1)


def test_line_without_equals_or_heredoc_is_invalid() -> None:
    parsed = parse_github_output("ok=1\njust text\nlater=2\n")
    assert parsed.pairs == (("ok", "1"),)
    assert parsed.error == _error("Invalid format 'just text'", 2)


def test_whitespace_only_line_is_invalid_not_blank() -> None:
    assert parse_github_output("a=1\n   \n").error == _error("Invalid format '   '", 2)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("<<EOF", "Invalid format '<<EOF'. Name must not be empty and delimiter must not be empty"),
        (
            "name<<",
            "Invalid format 'name<<'. Name must not be empty and delimiter must not be empty",
        ),
        ("=value", "Invalid format '=value'. Name must not be empty"),
    ],
)
def test_empty_names_and_delimiters(line: str, message: str) -> None:
    assert parse_github_output(line + "\n").error == _error(message, 1)


def test_crlf_on_linux_keeps_the_carriage_returns() -> None:
    parsed = parse_github_output("a=1\r\nb<<EOF\r\nx\r\ny\r\nEOF\r\n")
    assert parsed.pairs == (("a", "1\r"), ("b", "x\r\ny\r"))


def test_crlf_blank_line_is_invalid_on_linux() -> None:
    assert parse_github_output("a=1\r\n\r\n").error == _error("Invalid format '\r'", 2)


def test_crlf_on_windows() -> None:
    parsed = parse_github_output("a=1\r\nb<<EOF\r\nx\r\ny\r\nEOF\r\n\r\n", windows=True)
    assert parsed.pairs == (("a", "1"), ("b", "x\r\ny"))


def test_crlf_heredoc_closed_by_lf_delimiter_on_linux_is_unterminated() -> None:
    parsed = parse_github_output("b<<EOF\r\nx\nEOF\n")
    assert parsed.error == _error("Invalid value. Matching delimiter not found 'EOF\r'", 1)


def test_byte_order_mark_is_dropped() -> None:
    assert parse_github_output("\ufeffa=1\n").values == {"a": "1"}


def test_github_env_refuses_node_options() -> None:
    parsed = parse_github_env("A=1\nnode_options=--require x\nB<<EOF\n2\nEOF\n")
    assert parsed.pairs == (("A", "1"), ("B", "2"))
    assert parsed.errors == (
        "Can't store NODE_OPTIONS output parameter using '$GITHUB_ENV' command.",
    )
    assert parsed.error is None


def test_github_env_error_names_the_env_file_command() -> None:
    error = parse_github_env("bad\n").error
    assert error is not None
    assert error.log_lines()[0] == "Unable to process file command 'env' successfully."


def test_output_and_state_names_are_case_insensitive() -> None:
    assert parse_github_output("Result=first\nresult=second\nother=x\n").values == {
        "Result": "second",
        "other": "x",
    }
    assert parse_github_state("Result=first\nRESULT=second\n").values == {"Result": "second"}


def test_env_names_are_case_sensitive() -> None:
    assert parse_github_env("Path=a\nPATH=b\n").values == {"Path": "a", "PATH": "b"}


def test_github_state() -> None:
    parsed = parse_github_state("pid=42\n")
    assert parsed.values == {"pid": "42"}
    assert parse_github_state("x\n").error == _error("Invalid format 'x'", 1, "state")


def test_generic_parser_names_its_file_command() -> None:
    assert parse_env_file("x\n", file_command="output").error == _error("Invalid format 'x'", 1)


def test_github_path_lines() -> None:
    assert parse_github_path("/opt/a/bin\n\n/opt/b bin \r\n/c\r/d") == (
        "/opt/a/bin",
        "/opt/b bin ",
        "/c",
        "/d",
    )
    assert parse_github_path("") == ()
    assert parse_github_path("\ufeff/x\n") == ("/x",)


def test_path_additions_move_repeats_to_the_end() -> None:
    first = merge_path_additions((), parse_github_path("/a\n/b\n"))
    assert first == ("/a", "/b")
    assert merge_path_additions(first, ["/c", "/a", "/c"]) == ("/b", "/a", "/c")


def test_render_path_puts_the_latest_addition_first() -> None:
    additions = ("/a", "/b", "/c")
    assert render_path(additions, "/usr/bin:/bin") == "/c:/b:/a:/usr/bin:/bin"
    assert render_path(additions, "") == "/c:/b:/a"
    assert render_path((), "/usr/bin") == "/usr/bin"
    assert render_path(("C:\\x",), "C:\\Windows", separator=";") == "C:\\x;C:\\Windows"
