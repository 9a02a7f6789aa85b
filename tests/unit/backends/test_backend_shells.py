"""GitHub's ``shell:`` rules: programs, argument templates, extensions, fix-ups, errors."""

from __future__ import annotations

import pytest

from shipyard.backends.shells import (
    ShellCommand,
    ShellError,
    Which,
    build_argv,
    fix_up_script,
    resolve_shell,
    script_extension,
    script_file_name,
    split_arguments,
)
from shipyard.errors import UserError

INSTALLED = {
    "bash": "/usr/bin/bash",
    "sh": "/bin/sh",
    "python": "/usr/bin/python",
    "python3": "/usr/bin/python3",
    "pwsh": "/opt/microsoft/powershell/7/pwsh",
    "perl": "/usr/bin/perl",
    "node": "/usr/bin/node",
    "fish": "/usr/bin/fish",
    "Python": "/opt/odd/Python",
    "/opt/zsh/bin/zsh": "/opt/zsh/bin/zsh",
}


def which_from(*names: str) -> Which:
    table = {name: INSTALLED[name] for name in names}
    return table.get


WHICH = which_from(*INSTALLED)
SCRIPT = "/runner/temp/0d2c.sh"


@pytest.mark.parametrize(
    ("shell", "argv"),
    [
        (None, ("/usr/bin/bash", "-e", SCRIPT)),
        ("", ("/usr/bin/bash", "-e", SCRIPT)),
        (
            "bash",
            ("/usr/bin/bash", "--noprofile", "--norc", "-e", "-o", "pipefail", SCRIPT),
        ),
        ("bash ", ("/usr/bin/bash", "--noprofile", "--norc", "-e", "-o", "pipefail", SCRIPT)),
        ("sh", ("/bin/sh", "-e", SCRIPT)),
        ("python", ("/usr/bin/python", SCRIPT)),
        ("pwsh", ("/opt/microsoft/powershell/7/pwsh", "-command", f". '{SCRIPT}'")),
        ("perl {0}", ("/usr/bin/perl", SCRIPT)),
        ("bash -x {0}", ("/usr/bin/bash", "-x", SCRIPT)),
        ("bash   -x {0}", ("/usr/bin/bash", "-x", SCRIPT)),
        ('bash -c "source {0}"', ("/usr/bin/bash", "-c", f"source {SCRIPT}")),
        # Single quotes are plain characters to the runner's command-line splitting.
        ("bash -c 'echo hi; . {0}'", ("/usr/bin/bash", "-c", "'echo", "hi;", ".", f"{SCRIPT}'")),
        ("node -e {{}} {0}", ("/usr/bin/node", "-e", "{}", SCRIPT)),
        ("node -e }}{{ {0}", ("/usr/bin/node", "-e", "}{", SCRIPT)),
        ("/opt/zsh/bin/zsh {0}", ("/opt/zsh/bin/zsh", SCRIPT)),
        ("Python", ("/opt/odd/Python", SCRIPT)),  # built-in names ignore case, as in the runner
    ],
)
def test_argv(shell: str | None, argv: tuple[str, ...]) -> None:
    assert build_argv(shell, SCRIPT, WHICH) == argv


def test_default_falls_back_to_sh_without_bash() -> None:
    assert build_argv(None, SCRIPT, which_from("sh")) == ("/bin/sh", "-e", SCRIPT)


def test_script_path_with_quotes_and_spaces_survives() -> None:
    path = '/tmp/a b"c.py'
    assert build_argv('python "{0}"', path, WHICH) == ("/usr/bin/python", path)
    assert build_argv("python {0}", "/tmp/a b.py", WHICH) == ("/usr/bin/python", "/tmp/a", "b.py")


def test_resolved_shell_reports_the_runner_log_line() -> None:
    assert resolve_shell(None, WHICH) == ShellCommand("sh", "/usr/bin/bash", "-e {0}")
    assert resolve_shell(None, WHICH).display == "/usr/bin/bash -e {0}"
    assert (
        resolve_shell("bash", WHICH).display
        == "/usr/bin/bash --noprofile --norc -e -o pipefail {0}"
    )
    assert resolve_shell("perl -w {0}", WHICH).display == "/usr/bin/perl -w {0}"


@pytest.mark.parametrize(
    ("shell", "extension"),
    [
        (None, ".sh"),
        ("bash", ".sh"),
        ("sh", ".sh"),
        ("python", ".py"),
        ("pwsh", ".ps1"),
        ("powershell", ".ps1"),
        ("bash -x {0}", ".sh"),
        ("PWSH", ".ps1"),
        ("perl {0}", ""),
        ("python3 {0}", ""),
        ("/usr/bin/bash {0}", ""),
    ],
)
def test_script_extension(shell: str | None, extension: str) -> None:
    assert script_extension(shell) == extension
    assert script_file_name(shell, "0d2c") == "0d2c" + extension


def test_resolved_shell_extension_and_fix_up() -> None:
    assert resolve_shell("python", WHICH).extension == ".py"
    assert resolve_shell("pwsh", WHICH).fix_up("Write-Host hi") == fix_up_script(
        "pwsh", "Write-Host hi"
    )


def test_powershell_scripts_get_the_runner_prologue_and_epilogue() -> None:
    expected = (
        "$ErrorActionPreference = 'stop'\n"
        "Write-Host hi\n"
        "if ((Test-Path -LiteralPath variable:\\LASTEXITCODE)) { exit $LASTEXITCODE }"
    )
    assert fix_up_script("pwsh", "Write-Host hi") == expected
    assert fix_up_script("powershell", "Write-Host hi") == expected
    assert fix_up_script("pwsh -File {0}", "Write-Host hi") == expected


@pytest.mark.parametrize("shell", [None, "bash", "sh", "python", "perl {0}", "PWSH"])
def test_other_scripts_are_written_as_is(shell: str | None) -> None:
    assert fix_up_script(shell, "echo hi\n") == "echo hi\n"


def _error(shell: str | None, which: Which = WHICH) -> ShellError:
    with pytest.raises(ShellError) as caught:
        build_argv(shell, SCRIPT, which)
    assert isinstance(caught.value, UserError)
    return caught.value


INVALID = (
    "Invalid shell option. Shell must be a valid built-in (bash, sh, cmd, powershell, pwsh) "
    "or a format string containing '{0}'"
)


@pytest.mark.parametrize(
    ("shell", "message", "hint"),
    [
        (
            "pwsh",
            "pwsh is not installed on this machine",
            "install PowerShell 7 (it provides `pwsh`), or run the step with `shell: bash`",
        ),
        (
            "powershell",
            "powershell is not installed on this machine",
            "Windows PowerShell exists only on Windows; use `shell: pwsh` with PowerShell 7",
        ),
        (
            "cmd",
            "cmd is not available on Linux",
            "cmd exists only on Windows runners; use `shell: bash` or `shell: sh` here",
        ),
        (
            "zsh {0}",
            "zsh is not installed on this machine",
            "install zsh, or make sure the folder holding it is on PATH",
        ),
        (
            "/opt/nope/zsh {0}",
            "/opt/nope/zsh is not installed on this machine",
            "there is no executable file at /opt/nope/zsh",
        ),
        ("fish", INVALID, "write the script's place in the command, e.g. `shell: fish {0}`"),
        ("perl -w", INVALID, "write the script's place in the command, e.g. `shell: perl {0}`"),
        (" bash", INVALID, "`shell:  bash` starts with a space"),
        (
            "node {0} }",
            "Invalid shell option 'node {0} }': the only placeholder is {0}",
            "{0} stands for the script's path; write {{ and }} for literal braces",
        ),
        (
            "node {1} {0}",
            "Invalid shell option 'node {1} {0}': the only placeholder is {0}",
            "{0} stands for the script's path; write {{ and }} for literal braces",
        ),
    ],
)
def test_errors(shell: str, message: str, hint: str) -> None:
    error = _error(shell, which_from("bash", "sh", "perl", "node", "fish"))
    assert error.message == message
    assert error.hint == hint


def test_missing_python_points_at_python3() -> None:
    error = _error("python", which_from("bash", "python3"))
    assert error.message == "python is not installed on this machine"
    assert error.hint == "python3 is installed: use `shell: python3 {0}`"
    assert _error("python", which_from("bash")).hint == (
        "install python, or make sure the folder holding it is on PATH"
    )


def test_no_shell_at_all() -> None:
    error = _error(None, which_from())
    assert error.render() == (
        "Neither bash nor sh is installed on this machine\n\n"
        "hint: install bash, or give the step a `shell:` that is installed here"
    )


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", []),
        ("   ", []),
        ("a  b\tc", ["a", "b", "c"]),
        ('"a b" c', ["a b", "c"]),
        ('a"b c"d', ["ab cd"]),
        ('"a""b"', ['a"b']),
        ('""', [""]),
        ("a\\b", ["a\\b"]),
        ('\\"a', ['"a']),
        ('\\\\"a b"', ["\\a b"]),
        ('\\\\\\"a', ['\\"a']),
        ("trailing\\\\", ["trailing\\\\"]),
        ("'single quoted'", ["'single", "quoted'"]),
    ],
)
def test_split_arguments_like_dotnet(text: str, words: list[str]) -> None:
    assert split_arguments(text) == words
