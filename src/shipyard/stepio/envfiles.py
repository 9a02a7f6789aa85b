"""Environment files a step writes: GITHUB_ENV, GITHUB_OUTPUT, GITHUB_STATE, GITHUB_PATH.

Owns the runner's file-command rules (actions/runner ``src/Runner.Worker/
FileCommandManager.cs``, ``EnvFileKeyValuePairs``), applied to file *contents*:

- Lines are split on LF; a CR before it stays part of the line (the Linux and macOS
  runner; pass ``windows=True`` for the Windows runner, which also splits on CRLF).
  A leading byte-order mark is dropped, as ``File.ReadAllText`` does.
- Empty lines are skipped; ``NAME=VALUE`` splits at the first ``=``; ``NAME<<DELIM``
  (``<<`` before any ``=``) takes the following lines up to a line equal to ``DELIM``
  exactly, joined with their own line breaks (the last one excluded).
- The first problem stops the file, with the runner's message: ``Invalid format
  '<line>'``, ``... Name must not be empty and delimiter must not be empty``, ``Invalid
  value. Matching delimiter not found '<DELIM>'``, ``Invalid value. EOF marker missing
  new line.``. Pairs read before it still apply; the step fails.
- ``GITHUB_ENV`` refuses ``NODE_OPTIONS`` (any case) with an error annotation and goes on.
  Output and state names are case-insensitive (``A=1`` then ``a=2`` sets ``A`` to ``2``);
  environment names are not (Linux and macOS).
- ``GITHUB_PATH``: one directory per line (CR, LF or CRLF), empty lines skipped; a
  directory added again moves to the end; PATH gets the additions latest first.

Deviation: ``=value`` (empty name) is refused with ``Invalid format '=value'. Name must not
be empty``, the message the runner intends; the runner's check tests the line instead of
the name, so it never fires (``GITHUB_OUTPUT`` then fails with ``Value cannot be null.
(Parameter 'name')``, ``GITHUB_ENV`` stores an unnamed variable).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from shipyard.valueclass import dataclass, replace

NODE_OPTIONS_BLOCKED = "Can't store NODE_OPTIONS output parameter using '$GITHUB_ENV' command."
_PATH_LINES = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class FileCommandError:
    """The problem that stopped a file: ``line`` is 1-based (the ``NAME<<DELIM`` line)."""

    file_command: str  # the runner's name: "env", "output", "state"
    message: str
    line: int

    def log_lines(self) -> tuple[str, str]:
        """The two errors the runner logs, in order."""
        return (f"Unable to process file command '{self.file_command}' successfully.", self.message)


@dataclass(frozen=True, slots=True)
class EnvFile:
    """A parsed environment file: pairs in file order (later ones override earlier)."""

    pairs: tuple[tuple[str, str], ...] = ()
    errors: tuple[str, ...] = ()  # error annotations that do not fail the step
    error: FileCommandError | None = None  # set when the file stopped: the step fails
    case_insensitive: bool = False  # outputs and state: names match in any case

    @property
    def values(self) -> dict[str, str]:
        """Name to value, the last assignment winning (spelled as first written when
        names are case-insensitive, as the runner's dictionaries keep them)."""
        if not self.case_insensitive:
            return dict(self.pairs)
        merged: dict[str, tuple[str, str]] = {}
        for name, value in self.pairs:
            folded = name.lower()
            merged[folded] = (merged[folded][0] if folded in merged else name, value)
        return dict(merged.values())


class _Lines:
    """The runner's ``ReadLine`` over a text: each line with the break that ended it."""

    __slots__ = ("index", "number", "text", "windows")

    def __init__(self, text: str, windows: bool) -> None:
        self.text, self.windows, self.index, self.number = text, windows, 0, 0

    def read(self) -> tuple[str | None, str | None]:
        text, start = self.text, self.index
        if start >= len(text):
            return None, None
        self.number += 1
        lf = text.find("\n", start)
        if lf < 0:
            self.index = len(text)
            return text[start:], None
        if self.windows and lf > start and text[lf - 1] == "\r":
            self.index = lf + 1
            return text[start : lf - 1], "\r\n"
        self.index = lf + 1
        return text[start:lf], "\n"


def parse_env_file(text: str, *, file_command: str = "env", windows: bool = False) -> EnvFile:
    """Read the ``NAME=VALUE`` / ``NAME<<DELIM`` pairs of an environment file."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = _Lines(text, windows)
    pairs: list[tuple[str, str]] = []

    def stop(message: str, number: int) -> EnvFile:
        return EnvFile(tuple(pairs), error=FileCommandError(file_command, message, number))

    line, _ = lines.read()
    while line is not None:
        if line:
            number = lines.number
            equals, heredoc = line.find("="), line.find("<<")
            if equals >= 0 and (heredoc < 0 or equals < heredoc):
                name, value = line[:equals], line[equals + 1 :]
                if not name:
                    return stop(f"Invalid format '{line}'. Name must not be empty", number)
                pairs.append((name, value))
            elif heredoc >= 0:
                name, delimiter = line[:heredoc], line[heredoc + 2 :]
                if not name or not delimiter:
                    message = "Name must not be empty and delimiter must not be empty"
                    return stop(f"Invalid format '{line}'. {message}", number)
                start = end = lines.index
                value_line, newline = lines.read()
                while value_line != delimiter:
                    if value_line is None:
                        message = f"Invalid value. Matching delimiter not found '{delimiter}'"
                        return stop(message, number)
                    if newline is None:
                        return stop("Invalid value. EOF marker missing new line.", number)
                    end = lines.index - len(newline)
                    value_line, newline = lines.read()
                pairs.append((name, text[start:end]))
            else:
                return stop(f"Invalid format '{line}'", number)
        line, _ = lines.read()
    return EnvFile(tuple(pairs))


def parse_github_env(text: str, *, windows: bool = False) -> EnvFile:
    """``GITHUB_ENV``: the pairs, without ``NODE_OPTIONS`` (refused with an error)."""
    parsed = parse_env_file(text, file_command="env", windows=windows)
    kept = tuple(p for p in parsed.pairs if p[0].upper() != "NODE_OPTIONS")
    blocked = (NODE_OPTIONS_BLOCKED,) * (len(parsed.pairs) - len(kept))
    return EnvFile(kept, blocked, parsed.error)


def parse_github_output(text: str, *, windows: bool = False) -> EnvFile:
    """``GITHUB_OUTPUT``: the step's outputs."""
    parsed = parse_env_file(text, file_command="output", windows=windows)
    return replace(parsed, case_insensitive=True)


def parse_github_state(text: str, *, windows: bool = False) -> EnvFile:
    """``GITHUB_STATE``: the action's state, read back as ``STATE_<name>`` by its post step."""
    parsed = parse_env_file(text, file_command="state", windows=windows)
    return replace(parsed, case_insensitive=True)


def parse_github_path(text: str) -> tuple[str, ...]:
    """``GITHUB_PATH``: the directories in the order written, empty lines skipped."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return tuple(line for line in _PATH_LINES.split(text) if line)


def merge_path_additions(additions: Sequence[str], new: Iterable[str]) -> tuple[str, ...]:
    """The job's path additions after ``new`` (oldest first; a repeat moves to the end)."""
    merged = list(additions)
    for path in new:
        if path in merged:
            merged = [p for p in merged if p != path]
        merged.append(path)
    return tuple(merged)


def render_path(additions: Sequence[str], current: str, *, separator: str = ":") -> str:
    """``PATH`` for a step: the additions latest first, then ``current``."""
    if not additions:
        return current
    prepend = separator.join(reversed(additions))
    return f"{prepend}{separator}{current}" if current else prepend
