"""Interpret a running step's output lines as the runner does: log text plus events.

Owns the runner's ``ActionCommandManager`` and its command extensions (actions/runner
``src/Runner.Worker/ActionCommandManager.cs``, ``Handlers/OutputManager.cs``). Feed each
output line to :meth:`CommandProcessor.feed`; it returns the text the log shows for that
line (``None`` when the line is consumed) and the :mod:`~shipyard.stepio.events` it
raised. The runner's log tags are kept in the text (``##[error]``, ``##[warning]``,
``##[notice]``, ``##[debug]``, ``##[group]``, ``##[endgroup]``); a line that yields
several log lines joins them with ``\\n``.

Behaviour follows the runner: a line is a command only when it names a registered
command; ``::stop-commands::TOKEN`` makes every line plain text until ``::TOKEN::``
(a token that is empty, ``pause-logging`` or a command name is refused, and a token
longer than 6 characters is masked); ``set-env``/``add-path`` are disabled unless
``ACTIONS_ALLOW_UNSECURE_COMMANDS`` is allowed; ``set-output``/``save-state`` work
with a deprecation warning; a failing command logs ``Unable to process command ...``
and marks the step failed. Echo (``::echo::on``) starts on in debug mode. Annotations
(from commands and from the runner's own errors and warnings) are masked, cut at 4,096
characters, and only the first 10 of each level per step become events (all are logged).

Where this departs from the runner: a refused stop token logs an error and fails the step
(the runner throws out of ``TryProcessCommand``); the runner's own debug chatter is not
reproduced (only ``::debug::`` messages and the echo switch); its culture-sensitive
``IndexOf`` quirks are not; ``notice`` and the deprecation warnings are always on, as on
github.com.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from shipyard.diagnostics import Severity
from shipyard.stepio.commands import DOTNET_WHITESPACE, WorkflowCommand, parse_command
from shipyard.stepio.events import (
    AddMask,
    AddPath,
    Annotation,
    CommandFailed,
    EndGroup,
    Event,
    MatcherCommand,
    SaveState,
    SetEnv,
    SetOutput,
    StartGroup,
)
from shipyard.stepio.masking import Masker
from shipyard.valueclass import dataclass, replace

ALLOW_UNSECURE_COMMANDS = "ACTIONS_ALLOW_UNSECURE_COMMANDS"
ALLOW_UNSECURE_STOP_TOKENS = "ACTIONS_ALLOW_UNSECURE_STOPCOMMAND_TOKENS"


def allows_unsecure_commands(env: Mapping[str, str]) -> bool:
    """Whether a step's ``env`` context opts into ``set-env``/``add-path``, as the runner
    reads it (.NET ``bool.TryParse``: ``true`` in any case, blanks around it)."""
    return env.get(ALLOW_UNSECURE_COMMANDS, "").strip().lower() == "true"


def allows_unsecure_stop_tokens(env: Mapping[str, str]) -> bool:
    """Whether a step's ``env`` context allows ``::stop-commands::`` with an unsafe token,
    as the runner reads it (``StringUtil.ConvertToBoolean``: ``1``, ``true``, ``$true``)."""
    return env.get(ALLOW_UNSECURE_STOP_TOKENS, "").lower() in ("1", "true", "$true")


DISABLED = (
    "The `{}` command is disabled. Please upgrade to using Environment Files or opt into "
    "unsecure command execution by setting the `ACTIONS_ALLOW_UNSECURE_COMMANDS` environment "
    "variable to `true`. For more information see: "
    "https://github.blog/changelog/2020-10-01-github-actions-deprecating-set-env-and-add-path-commands/"
)
DEPRECATED = (
    "The `{}` command is deprecated and will be disabled soon. Please upgrade to using "
    "Environment Files. For more information see: "
    "https://github.blog/changelog/2022-10-11-github-actions-deprecating-save-state-and-set-output-commands/"
)
STOP_TOKEN_DISABLED = (
    "You cannot use a endToken that is an empty string, the string 'pause-logging', or another "
    "workflow command. For more information see: "
    "https://docs.github.com/actions/learn-github-actions/workflow-commands-for-github-actions"
    "#example-stopping-and-starting-workflow-commands or opt into insecure command execution by "
    "setting the `ACTIONS_ALLOW_UNSECURE_STOPCOMMAND_TOKENS` environment variable to `true`."
)
COMMANDS = frozenset(
    {
        "set-env", "set-output", "save-state", "add-mask", "add-path", "add-matcher",
        "remove-matcher", "debug", "warning", "error", "notice", "group", "endgroup", "echo",
    }
)  # fmt: skip
# Commands whose line is never echoed (their effect is already in the log).
_OMIT_ECHO = frozenset({"add-mask", "debug", "warning", "error", "notice"})
_LEVELS = {"error": Severity.ERROR, "warning": Severity.WARNING, "notice": Severity.NOTICE}
_TAGS = {
    Severity.ERROR: "##[error]",
    Severity.WARNING: "##[warning]",
    Severity.NOTICE: "##[notice]",
}
ANNOTATIONS_PER_LEVEL = 10  # per step; more are logged but not annotated
MESSAGE_LIMIT = 4096  # annotation messages are cut here
_INT32 = re.compile(r"[\t\n\v\f\r ]*[+-]?[0-9]+[\t\n\v\f\r ]*\Z")
_NO_EVENTS: tuple[Event, ...] = ()


@dataclass(frozen=True, slots=True)
class LineResult:
    """What one output line becomes: log text (``None`` if consumed) and events."""

    display_text: str | None
    events: tuple[Event, ...] = ()


class CommandError(Exception):
    """A command extension failed; the message is the runner's exception message."""


def _int32(text: str | None) -> int | None:
    """.NET ``int.TryParse``: optional whitespace and sign, decimal digits, 32-bit range."""
    if text is None or not _INT32.match(text):
        return None
    value = int(text)
    return value if -(2**31) <= value < 2**31 else None


def _relative(file: str, workspace: str) -> str:
    """The runner's ``IOUtil.MakeRelative`` with ``/`` separators (the file when outside)."""
    if not file.startswith(workspace):
        return file
    if len(file) == len(workspace):
        return ""
    if workspace.endswith("/"):
        return file[len(workspace) :]
    return file[len(workspace) + 1 :] if file[len(workspace)] == "/" else file


class CommandProcessor:
    """The workflow-command state of one step: feed output lines, read results.

    ``masker``, when given, receives ``add-mask`` values and long stop tokens, and masks
    the log text and annotation texts. ``workspace`` makes annotation file paths under
    it relative, as the runner does with ``github.workspace``.
    """

    def __init__(
        self,
        masker: Masker | None = None,
        *,
        debug: bool = False,
        allow_unsecure_commands: bool = False,
        allow_unsecure_stop_tokens: bool = False,
        workspace: str | None = None,
    ) -> None:
        self.masker = masker
        self.debug = debug
        self.echo = debug
        self.allow_unsecure_commands = allow_unsecure_commands
        self.allow_unsecure_stop_tokens = allow_unsecure_stop_tokens
        self.workspace = workspace
        self.stop_token: str | None = None
        self.open_group: str | None = None
        self._counts = dict.fromkeys(_TAGS, 0)
        self._registered = set(COMMANDS) | {"stop-commands"}
        self._out: list[str] = []
        self._events: list[Event] = []
        self._handlers: dict[str, Callable[[WorkflowCommand], None]] = {
            "set-env": self._set_env,
            "set-output": self._set_output,
            "save-state": self._save_state,
            "add-mask": self._add_mask,
            "add-path": self._add_path,
            "add-matcher": self._add_matcher,
            "remove-matcher": self._remove_matcher,
            "debug": lambda c: self._debug(c.data),
            "warning": self._issue,
            "error": self._issue,
            "notice": self._issue,
            "group": self._group,
            "endgroup": self._group,
            "echo": self._echo,
        }

    def feed(self, line: str) -> LineResult:
        """Process one output line (without its line break)."""
        if "::" not in line and "##[" not in line:
            return self._plain(line)
        command = parse_command(line, self._registered)
        if command is None:
            return self._plain(line)
        name = command.name.lower()
        if self.stop_token is not None:
            if name != self.stop_token.lower():
                return self._plain(line)
            self._registered.discard(self.stop_token.lower())
            self.stop_token = None
            return self._plain(line)
        self._out, self._events = [], []
        if name == "stop-commands":
            self._stop(command, line)
        else:
            if self.echo and name not in _OMIT_ECHO:
                self._out.append(line)
            try:
                self._handlers[name](command)
            except CommandError as error:
                shown = name if name in _OMIT_ECHO else line
                self._error(f"Unable to process command '{shown}' successfully.")
                self._error(str(error))
                self._events.append(CommandFailed(str(error)))
        text = "\n".join(self._out) if self._out else None
        if text is not None and self.masker is not None:
            text = self.masker.mask(text)
        return LineResult(text, tuple(self._events))

    def _plain(self, line: str) -> LineResult:
        if self.masker is not None:
            line = self.masker.mask(line)
        return LineResult(line, _NO_EVENTS)

    # -- log helpers -------------------------------------------------------------------

    def _annotate(self, annotation: Annotation) -> None:
        """The runner's ``AddIssue``: log the message, keep the first 10 of each level."""
        if annotation.message:
            self._out.append(_TAGS[annotation.level] + annotation.message)
        message, title = annotation.message, annotation.title
        if self.masker is not None:
            message = self.masker.mask(message)
            title = None if title is None else self.masker.mask(title)
        count = self._counts[annotation.level] = self._counts[annotation.level] + 1
        if count > ANNOTATIONS_PER_LEVEL or not message.strip(DOTNET_WHITESPACE):
            return
        self._events.append(
            replace(
                annotation,
                message=message[:MESSAGE_LIMIT],
                title=title,
                end_line=annotation.line if annotation.end_line is None else annotation.end_line,
                end_column=(
                    annotation.column if annotation.end_column is None else annotation.end_column
                ),
            )
        )

    def _error(self, message: str) -> None:
        self._annotate(Annotation(Severity.ERROR, message))

    def _warning(self, message: str) -> None:
        self._annotate(Annotation(Severity.WARNING, message))

    def _debug(self, message: str) -> None:
        if self.debug:
            self._out.extend(
                "##[debug]" + part for part in message.replace("\r\n", "\n").split("\n")
            )

    # -- commands ----------------------------------------------------------------------

    def _stop(self, command: WorkflowCommand, line: str) -> None:
        token = command.data
        folded = token.lower()
        if (not token or folded in self._registered or folded == "pause-logging") and (
            not self.allow_unsecure_stop_tokens
        ):
            self._error(STOP_TOKEN_DISABLED)
            self._events.append(CommandFailed(STOP_TOKEN_DISABLED))
            return
        self.stop_token = token
        self._registered.add(folded)
        if len(token) > 6 and self.masker is not None:
            self.masker.add_value(token)
        self._out.append(line)

    def _named(self, command: WorkflowCommand) -> str:
        name = command.get("name")
        if not name:
            raise CommandError(
                f"Required field 'name' is missing in ##[{command.name.lower()}] command."
            )
        return name

    def _set_output(self, command: WorkflowCommand) -> None:
        self._warning(DEPRECATED.format("set-output"))
        self._events.append(SetOutput(self._named(command), command.data))

    def _save_state(self, command: WorkflowCommand) -> None:
        self._warning(DEPRECATED.format("save-state"))
        self._events.append(SaveState(self._named(command), command.data))

    def _set_env(self, command: WorkflowCommand) -> None:
        if not self.allow_unsecure_commands:
            raise CommandError(DISABLED.format("set-env"))
        name = self._named(command)
        if name.upper() == "NODE_OPTIONS":
            self._error("Can't update NODE_OPTIONS environment variable using ::set-env:: command.")
            return
        self._events.append(SetEnv(name, command.data))

    def _add_path(self, command: WorkflowCommand) -> None:
        if not self.allow_unsecure_commands:
            raise CommandError(DISABLED.format("add-path"))
        if not command.data:
            raise CommandError("Value cannot be null. (Parameter 'path')")
        self._events.append(AddPath(command.data))

    def _add_mask(self, command: WorkflowCommand) -> None:
        value = command.data
        if not value.strip(DOTNET_WHITESPACE):
            self._warning("Can't add secret mask for empty string in ##[add-mask] command.")
            return
        if self.echo:
            self._out.append("::add-mask::***")
        if self.masker is not None:
            self.masker.add_mask(value)
        self._events.append(AddMask(value))

    def _add_matcher(self, command: WorkflowCommand) -> None:
        if not command.data:
            self._warning("File path must be specified.")
            return
        self._events.append(MatcherCommand("add-matcher", command.data))

    def _remove_matcher(self, command: WorkflowCommand) -> None:
        owner, file = command.get("owner"), command.data
        if owner and file:
            self._warning(
                "Either specify an owner name or a file path in ##[remove-matcher] command. "
                "Both values cannot be set."
            )
        elif not owner and not file:
            self._warning(
                "Either an owner name or a file path must be specified in "
                "##[remove-matcher] command."
            )
        else:
            self._events.append(MatcherCommand("remove-matcher", file, owner or None))

    def _group(self, command: WorkflowCommand) -> None:
        if command.name.lower() == "group":
            title = command.data if self.masker is None else self.masker.mask(command.data)
            self._out.append("##[group]" + command.data)
            self.open_group = title
            self._events.append(StartGroup(title))
        else:
            self._out.append("##[endgroup]")
            self.open_group = None
            self._events.append(EndGroup())

    def _echo(self, command: WorkflowCommand) -> None:
        if not command.data:
            raise CommandError("Value cannot be null. (Parameter 'value')")
        value = command.data.strip().upper()
        if value not in ("ON", "OFF"):
            raise CommandError(
                "Invalid echo command value. Possible values can be: 'on', 'off'. "
                f"Current value is: '{command.data}'."
            )
        self.echo = value == "ON"
        self._debug(f"Setting echo command value to '{value.lower()}'")

    def _issue(self, command: WorkflowCommand) -> None:
        level = _LEVELS[command.name.lower()]
        line, end_line = command.get("line"), command.get("endLine")
        n_line, n_end_line = _int32(line), _int32(end_line)
        n_col, n_end_col = _int32(command.get("col")), _int32(command.get("endColumn"))
        # The runner's ValidateLinesAndColumns, step by step: a value borrowed from its
        # end counterpart is "present" but its number stays 0 in the range checks.
        has_line, has_col = n_line is not None, n_col is not None
        line_number, col_number = n_line or 0, n_col or 0
        has_column = has_col or n_end_col is not None
        if n_end_line is not None and not has_line:
            line, n_line, has_line = end_line, n_end_line, True
        if n_end_col is not None and not has_col:
            n_col, has_col = n_end_col, True
        if not has_line and has_column:
            n_col = n_end_col = None
        if n_end_line is not None and line != end_line and has_column:
            n_col = n_end_col = None
        if has_line and n_end_line is not None and n_end_line < line_number:
            n_line = n_end_line = None
        if has_col and n_end_col is not None and n_end_col < col_number:
            n_col = n_end_col = None
        file = command.get("file")
        if file is not None and self.workspace:
            file = _relative(file, self.workspace) or file
        annotation = Annotation(
            level, command.data, command.get("title"), file, n_line, n_end_line, n_col, n_end_col
        )
        self._annotate(annotation)
