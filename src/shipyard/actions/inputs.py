"""Reading a built-in action's inputs the way ``@actions/core`` and the runner read them.

Owns what every built-in action does with its ``with:`` mapping: names are matched
case-insensitively (the runner passes them as ``INPUT_<NAME>`` variables); inputs the
action does not declare get the runner's warning (``Unexpected input(s) ...``), and
inputs whose ``action.yml`` entry has a ``deprecationMessage`` get the one the runner
gives (``Input 'x' has been deprecated with message: ...``) whatever their value; booleans
follow ``getBooleanInput`` (YAML 1.2 core schema words only) where the action calls it,
and :meth:`Inputs.is_true` (``=== 'true'``) or :meth:`Inputs.is_true_any_case` where
the action compares the text itself (anything else is false, never an error);
multi-line inputs follow ``getMultilineInput`` (trimmed lines, blanks dropped); numbers
read with JavaScript's ``parseInt`` are :func:`parse_int`'s; ``~`` expands to the home
folder.
Failure messages with a hint are formatted as the engine formats its own
(``message`` then an indented ``hint:`` line), since :class:`ActionFailed` carries text only.
"""

from __future__ import annotations

import os
import re
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

    def is_true(self, name: str) -> bool:
        """``core.getInput(name) === "true"``: only the lower-case word; anything else is false."""
        return self.get(name) == "true"

    def is_true_any_case(self, name: str) -> bool:
        """``core.getInput(name).toLowerCase() === "true"``: ``TRUE`` too; anything else false."""
        return self.get(name).lower() == "true"

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
    deprecated: Mapping[str, str] | None = None,
    warn: bool = True,
) -> Inputs:
    """Apply ``defaults`` (which also declares the known names) and warn about the others.

    ``also`` lists inputs the action accepts without a default worth stating;
    ``deprecated`` maps an input's name (as ``action.yml`` spells it: the runner matches
    it case-sensitively) to its ``deprecationMessage``; ``warn`` is False in post steps
    (the runner warns once, for the main step).
    """
    known = {name.lower(): name for name in (*defaults, *also)}
    values = {name.lower(): value for name, value in defaults.items()}
    unexpected = []
    for name in given:
        message = (deprecated or {}).get(name)
        if message is not None and warn:
            services.warning(f"Input '{name}' has been deprecated with message: {message}")
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


def parse_int(text: str, *, decimal: bool = False) -> int | None:
    """JavaScript's ``parseInt(text)``: the leading integer (``5d`` is 5), else None (NaN).

    Leading blanks and a sign are skipped; ``0x`` reads hexadecimal digits, unless
    ``decimal`` (``parseInt(text, 10)``, which reads ``0x10`` as 0); reading stops at the
    first character that is not a digit; no digit at all is NaN.
    """
    rest = text.lstrip()
    sign = -1 if rest.startswith("-") else 1
    rest = rest[1:] if rest[:1] in ("+", "-") else rest
    hexadecimal = not decimal and rest[:2] in ("0x", "0X")
    rest = rest[2:] if hexadecimal else rest
    digits = re.match(r"[0-9a-fA-F]*" if hexadecimal else r"[0-9]*", rest)
    found = digits.group() if digits else ""
    return sign * int(found, 16 if hexadecimal else 10) if found else None


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
