"""``NAME=VALUE`` options and the dotenv files beside them."""

from __future__ import annotations

from pathlib import Path

import pytest

from shipyard.cli.options import collect_pairs, parse_choices, read_pairs_file
from shipyard.errors import UserError


def test_a_dotenv_file_reads_as_act_reads_its_secrets(tmp_path: Path) -> None:
    file = tmp_path / ".secrets"
    file.write_text(
        "# a comment\n"
        "export PLAIN=value # a comment after a blank\n"
        'ESCAPED="line one\\nline two"\n'
        "SINGLE='kept \\n as written'\n"
        'SPANNING="-----BEGIN KEY-----\n'
        "abc\n"
        '-----END KEY-----"\n'
        "EMPTY=\n"
        "HASH=a#b\n"
        "NO_INTERPOLATION=${PLAIN}\n"
        "production:DEPLOY_KEY=scoped to an environment\n"
        "PLAIN=later wins\n",
        encoding="utf-8",
    )
    assert read_pairs_file(file, "--secret-file") == {
        "PLAIN": "later wins",
        "ESCAPED": "line one\nline two",
        "SINGLE": "kept \\n as written",
        "SPANNING": "-----BEGIN KEY-----\nabc\n-----END KEY-----",
        "EMPTY": "",
        "HASH": "a#b",
        "NO_INTERPOLATION": "${PLAIN}",
        "production:DEPLOY_KEY": "scoped to an environment",
    }


@pytest.mark.parametrize("line", ["just some words", "NAME_ONLY"])
def test_a_line_that_is_no_pair_names_its_file_and_line(tmp_path: Path, line: str) -> None:
    file = tmp_path / "vars.env"
    file.write_text(f"GOOD=1\n\n{line}\n", encoding="utf-8")
    with pytest.raises(UserError) as caught:
        read_pairs_file(file, "--var-file")
    assert caught.value.message == f"{file}:3: expected NAME=VALUE, found {line!r}"
    assert caught.value.hint == "--var-file reads NAME=VALUE lines; quote a value that spans lines"


def test_an_unreadable_file_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError) as caught:
        read_pairs_file(tmp_path / "missing.env", "--env-file")
    assert caught.value.message == (
        f"cannot read the --env-file file {tmp_path / 'missing.env'}: No such file or directory"
    )
    binary = tmp_path / "binary.env"
    binary.write_bytes(b"A=\xff\n")
    with pytest.raises(UserError, match="not UTF-8 text"):
        read_pairs_file(binary, "--env-file")


def test_options_win_over_their_file(tmp_path: Path) -> None:
    file = tmp_path / "inputs.env"
    file.write_text("name=from-file\nlevel=low\n", encoding="utf-8")
    assert collect_pairs(["level=high"], "--input", file) == {"name": "from-file", "level": "high"}
    assert collect_pairs(["a=b=c"], "--input", None) == {"a": "b=c"}


def test_choices_gather_every_value_of_a_name() -> None:
    given = ["python=3.12", "os=linux", "python=3.13", "empty="]
    assert parse_choices(given, "--matrix") == {
        "python": ("3.12", "3.13"),
        "os": ("linux",),
        "empty": ("",),
    }
    with pytest.raises(UserError) as caught:
        parse_choices(["python"], "--matrix")
    assert (caught.value.message, caught.value.hint) == (
        "bad --matrix 'python'",
        "write it as --matrix NAME=VALUE",
    )
