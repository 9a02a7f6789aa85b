"""Reading a built-in action's inputs the way ``@actions/core`` and the runner read them.

Owns what every built-in action does with its ``with:`` mapping: names are matched
case-insensitively (the runner passes them as ``INPUT_<NAME>`` variables); inputs the
action does not declare get the runner's warning (``Unexpected input(s) ...``); booleans
follow ``getBooleanInput`` (YAML 1.2 core schema words only); multi-line inputs follow
``getMultilineInput`` (trimmed lines, blanks dropped); ``~`` expands to the home folder.
Failure messages with a hint are formatted as the engine formats its own
(``message`` then an indented ``hint:`` line), since :class:`ActionFailed` carries text only.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from shipyard.actions.base import ActionFailed, StepServices
from shipyard.valueclass import dataclass

_TRUE = ("true", "True", "TRUE")
_FALSE = ("false", "False", "FALSE")


def failure(message: str, hint: str | None = None) -> ActionFailed:
    """An :class:`ActionFailed` whose text carries a hint line (the engine prints it as is)."""
    return ActionFailed(message + (f"\n  hint: {hint}" if hint else ""))


@dataclass(frozen=True, slots=True)
class Inputs:
    """An action's inputs: declared names, defaults applied, lookups case-insensitive."""

    values: Mapping[str, str]

    def get(self, name: str) -> str:
        """The input's value, trimmed as ``core.getInput`` trims it (``''`` when absent)."""
        return self.values.get(name.lower(), "").strip()

    def raw(self, name: str) -> str:
        """The input's value untrimmed."""
        return self.values.get(name.lower(), "")

    def given(self, name: str) -> bool:
        """Whether the workflow set the input to something other than blank."""
        return bool(self.get(name))

    def lines(self, name: str) -> list[str]:
        """``getMultilineInput``: the non-blank lines, each trimmed."""
        return [line.strip() for line in self.raw(name).splitlines() if line.strip()]

    def flag(self, name: str) -> bool:
        """``getBooleanInput``: only ``true``/``True``/``TRUE``/``false``/``False``/``FALSE``."""
        value = self.get(name)
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ActionFailed(
            f'Input does not meet YAML 1.2 "Core Schema" specification: {name}\n'
            "Support boolean input list: `true | True | TRUE | false | False | FALSE`"
        )


def read_inputs(
    services: StepServices,
    given: Mapping[str, str],
    defaults: Mapping[str, str],
    *,
    also: Sequence[str] = (),
    warn: bool = True,
) -> Inputs:
    """Apply ``defaults`` (which also declares the known names) and warn about the others.

    ``also`` lists inputs the action accepts without a default worth stating; ``warn``
    is False in post steps (the runner warns once, for the main step).
    """
    known = {name.lower(): name for name in (*defaults, *also)}
    values = {name.lower(): value for name, value in defaults.items()}
    unexpected = []
    for name, value in given.items():
        key = name.lower()
        if key not in known:
            unexpected.append(name)
        values[key] = str(value)
    if unexpected and warn:
        listed = "', '".join(unexpected)
        valid = "', '".join(known.values())
        services.warning(f"Unexpected input(s) '{listed}', valid inputs are ['{valid}']")
    return Inputs(values)


def expand_home(path: str, env: Mapping[str, str]) -> str:
    """``~`` and ``~/...`` to the home folder (``HOME`` of the step, else the user's)."""
    if path == "~" or path.startswith("~/"):
        home = env.get("HOME") or os.path.expanduser("~")
        return home + path[1:]
    return path


def resolve_path(path: str, services: StepServices, base: Path | None = None) -> Path:
    """A path input as the action sees it: ``~`` expanded, relative to ``base`` (workspace)."""
    expanded = Path(expand_home(path, services.env))
    root = base if base is not None else services.workspace
    return Path(os.path.normpath(root / expanded))
