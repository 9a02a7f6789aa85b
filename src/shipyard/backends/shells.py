"""GitHub's ``shell:`` rules for ``run:`` steps: which program runs the script, and how.

Pure: the program lookup is injected (``which``), so nothing here touches the machine.
The rules follow the runner (``ScriptHandler`` / ``ScriptHandlerHelpers``) on Linux:

- no ``shell:`` → bash if found, else sh, with sh's arguments: ``bash -e {0}``;
- a built-in name → its arguments: ``bash`` → ``--noprofile --norc -e -o pipefail {0}``,
  ``sh`` → ``-e {0}``, ``python`` → ``{0}``, ``pwsh``/``powershell`` → ``-command ". '{0}'"``;
- anything else is ``PROGRAM ARGS``: split at the first space, ``{0}`` in ARGS becomes the
  script path, then ARGS is split into words the way .NET splits a command line (double
  quotes group, backslashes escape quotes; single quotes are plain characters);
- the script file's extension and content fix-ups follow the program's name (``.sh``,
  ``.py``, ``.ps1``; PowerShell gets ``$ErrorActionPreference = 'stop'`` before the script
  and an ``exit $LASTEXITCODE`` after it). ``cmd`` exists only on Windows.
"""

from __future__ import annotations

from collections.abc import Callable

from shipyard.errors import UserError
from shipyard.valueclass import dataclass

Which = Callable[[str], str | None]

_DEFAULT_ARGUMENTS = {
    "pwsh": "-command \". '{0}'\"",
    "powershell": "-command \". '{0}'\"",
    "bash": "--noprofile --norc -e -o pipefail {0}",
    "sh": "-e {0}",
    "python": "{0}",
}
_EXTENSIONS = {"pwsh": ".ps1", "powershell": ".ps1", "bash": ".sh", "sh": ".sh", "python": ".py"}
_PWSH_PREPEND = "$ErrorActionPreference = 'stop'"
_PWSH_APPEND = "if ((Test-Path -LiteralPath variable:\\LASTEXITCODE)) { exit $LASTEXITCODE }"
_INVALID = (
    "Invalid shell option. Shell must be a valid built-in (bash, sh, cmd, powershell, pwsh) "
    "or a format string containing '{0}'"
)


class ShellError(UserError):
    """A ``shell:`` that cannot run here: not installed, or not a valid template."""


@dataclass(frozen=True, slots=True)
class ShellCommand:
    """A resolved shell: the program's path, its argument template, and the script kind."""

    name: str  # the program as written (``bash``, ``python3``); decides extension and fix-ups
    program: str  # the path ``which`` found
    arguments: str  # the runner's argument template, containing ``{0}``

    @property
    def display(self) -> str:
        """The runner's log line after ``shell:``, e.g. ``/usr/bin/bash -e {0}``."""
        return f"{self.program} {self.arguments}"

    @property
    def extension(self) -> str:
        """The script file's extension (``.sh``, ``.py``, ``.ps1``, or none)."""
        return _EXTENSIONS.get(self.name.lower(), "")

    def argv(self, script_path: str) -> tuple[str, ...]:
        """The command line running ``script_path``, program first."""
        quoted = script_path.replace('"', '\\"')
        return (self.program, *split_arguments(_format(self.arguments, quoted)))

    def fix_up(self, contents: str) -> str:
        """The script text the runner writes: PowerShell gets its prologue and epilogue."""
        return _fix_up(self.name, contents)


def resolve_shell(shell: str | None, which: Which) -> ShellCommand:
    """Resolve a step's ``shell:`` (None or ``""`` for the default); raise :class:`ShellError`."""
    if not shell:
        program = which("bash") or which("sh")
        if program is None:
            raise ShellError(
                "Neither bash nor sh is installed on this machine",
                hint="install bash, or give the step a `shell:` that is installed here",
            )
        return ShellCommand("sh", program, _DEFAULT_ARGUMENTS["sh"])
    name, _, arguments = shell.partition(" ")
    if not name:
        raise ShellError(_INVALID, hint=f"`shell: {shell}` starts with a space")
    if name.lower() == "cmd":
        raise ShellError(
            "cmd is not available on Linux",
            hint="cmd exists only on Windows runners; use `shell: bash` or `shell: sh` here",
        )
    program = which(name)
    if program is None:
        raise ShellError(
            f"{name} is not installed on this machine", hint=_missing_hint(name, which)
        )
    arguments = arguments.lstrip() or _DEFAULT_ARGUMENTS.get(name.lower(), "")
    if "{0}" not in arguments:
        raise ShellError(
            _INVALID, hint=f"write the script's place in the command, e.g. `shell: {name} {{0}}`"
        )
    try:
        _format(arguments, "")  # reject bad braces now, not when the step runs
    except ValueError:
        raise ShellError(
            f"Invalid shell option '{shell}': the only placeholder is {{0}}",
            hint="{0} stands for the script's path; write {{ and }} for literal braces",
        ) from None
    return ShellCommand(name, program, arguments)


def build_argv(shell: str | None, script_path: str, which: Which) -> tuple[str, ...]:
    """The command line that runs the script at ``script_path`` with ``shell``."""
    return resolve_shell(shell, which).argv(script_path)


def script_extension(shell: str | None) -> str:
    """The extension of the script file for ``shell`` (``.sh`` for the default)."""
    name = (shell or "sh").partition(" ")[0]
    return _EXTENSIONS.get(name.lower(), "")


def script_file_name(shell: str | None, stem: str) -> str:
    """The script's file name in ``RUNNER_TEMP``: ``stem`` (the runner uses a GUID) + extension."""
    return stem + script_extension(shell)


def fix_up_script(shell: str | None, contents: str) -> str:
    """The script text the runner writes for ``shell`` (only PowerShell changes)."""
    return _fix_up((shell or "sh").partition(" ")[0], contents)


def _fix_up(name: str, contents: str) -> str:
    # The runner's switch is case-sensitive: `shell: PWSH` gets no fix-ups.
    if name in ("pwsh", "powershell"):
        return f"{_PWSH_PREPEND}\n{contents}\n{_PWSH_APPEND}"
    return contents


def split_arguments(text: str) -> list[str]:
    """Split a command line into words like .NET on Unix (``ParseArgumentsIntoList``).

    Spaces and tabs separate words; ``"`` toggles quoting (``""`` inside quotes is a literal
    quote); backslashes are literal unless they precede a ``"``: then each pair gives one
    backslash and an odd one makes the quote literal.
    """
    words: list[str] = []
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i] in " \t":
            i += 1
        if i == n:
            break
        word: list[str] = []
        quoted = False
        while i < n:
            start = i
            while i < n and text[i] == "\\":
                i += 1
            slashes = i - start
            if slashes:
                if i < n and text[i] == '"':
                    word.append("\\" * (slashes // 2))
                    if slashes % 2:
                        word.append('"')
                        i += 1
                else:
                    word.append("\\" * slashes)
                continue
            c = text[i]
            if c == '"':
                if quoted and i + 1 < n and text[i + 1] == '"':
                    word.append('"')
                    i += 1
                else:
                    quoted = not quoted
                i += 1
                continue
            if c in " \t" and not quoted:
                break
            word.append(c)
            i += 1
        words.append("".join(word))
    return words


def _format(template: str, value: str) -> str:
    """.NET ``string.Format(template, value)`` for the one argument ``{0}``.

    Raises ValueError for any other brace (the runner fails with a FormatException).
    """
    out: list[str] = []
    i, n = 0, len(template)
    while i < n:
        c = template[i]
        if c in "{}" and template.startswith(c * 2, i):
            out.append(c)
            i += 2
        elif template.startswith("{0}", i):
            out.append(value)
            i += 3
        elif c in "{}":
            raise ValueError(f"stray {c!r} at {i}")
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _missing_hint(name: str, which: Which) -> str:
    lowered = name.lower()
    if lowered == "pwsh":
        return "install PowerShell 7 (it provides `pwsh`), or run the step with `shell: bash`"
    if lowered == "powershell":
        return "Windows PowerShell exists only on Windows; use `shell: pwsh` with PowerShell 7"
    if lowered == "python" and which("python3") is not None:
        return "python3 is installed: use `shell: python3 {0}`"
    if "/" in name:
        return f"there is no executable file at {name}"
    return f"install {name}, or make sure the folder holding it is on PATH"
