"""What a step's output asks of the engine: annotations, outputs, state, env, path, masks.

Value types only. :class:`~shipyard.stepio.processor.CommandProcessor` produces them from
workflow commands; the engine applies them (an :class:`Annotation` goes to the run's
annotations, a :class:`SetOutput` to ``steps.<id>.outputs``, a :class:`CommandFailed`
makes the step's result ``failure`` once it ends, as the runner's ``CommandResult``).
"""

from __future__ import annotations

from shipyard.diagnostics import Severity
from shipyard.valueclass import dataclass


@dataclass(frozen=True, slots=True)
class Annotation:
    """An ``error``/``warning``/``notice`` annotation, from a command or from the runner.

    Positions are as the runner keeps them after its checks (``ValidateLinesAndColumns``):
    ``None`` where the command gave none, gave a non-number, or gave an invalid range; an
    end left out is the start, as in GitHub's annotations. ``message`` is masked and cut
    at 4,096 characters.
    """

    level: Severity
    message: str
    title: str | None = None
    file: str | None = None
    line: int | None = None
    end_line: int | None = None
    column: int | None = None
    end_column: int | None = None


@dataclass(frozen=True, slots=True)
class SetOutput:
    """``::set-output name=NAME::VALUE`` (deprecated, still honoured)."""

    name: str
    value: str


@dataclass(frozen=True, slots=True)
class SaveState:
    """``::save-state name=NAME::VALUE`` (deprecated, still honoured)."""

    name: str
    value: str


@dataclass(frozen=True, slots=True)
class SetEnv:
    """``::set-env name=NAME::VALUE`` — only when unsecure commands are allowed."""

    name: str
    value: str


@dataclass(frozen=True, slots=True)
class AddPath:
    """``::add-path::DIR`` — only when unsecure commands are allowed."""

    path: str


@dataclass(frozen=True, slots=True)
class AddMask:
    """``::add-mask::VALUE`` (already registered when the processor was given a masker).

    ``value`` is the secret in clear text: never log this event.
    """

    value: str


@dataclass(frozen=True, slots=True)
class StartGroup:
    """``::group::TITLE`` — a collapsible section of the log starts."""

    title: str


@dataclass(frozen=True, slots=True)
class EndGroup:
    """``::endgroup::`` — the open section ends."""


@dataclass(frozen=True, slots=True)
class MatcherCommand:
    """``::add-matcher::FILE`` or ``::remove-matcher owner=OWNER::`` (problem matchers).

    Matchers read files, so the pure core only reports the request.
    """

    action: str  # "add-matcher" or "remove-matcher"
    file: str
    owner: str | None = None


@dataclass(frozen=True, slots=True)
class CommandFailed:
    """A command could not be processed: the runner marks the step failed."""

    message: str


Event = (
    Annotation
    | SetOutput
    | SaveState
    | SetEnv
    | AddPath
    | AddMask
    | StartGroup
    | EndGroup
    | MatcherCommand
    | CommandFailed
)
