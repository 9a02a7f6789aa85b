"""Inputs of ``workflow_dispatch`` and ``workflow_call``: check, convert, apply defaults.

:func:`normalise_dispatch_inputs` turns the strings a user typed (CLI, web form, API)
into the ``inputs`` context: booleans stay booleans and numbers become numbers, as on
GitHub, while :func:`render_event_inputs` gives the all-string ``github.event.inputs``.
:func:`normalise_call_inputs` does the same for the already-typed values of a reusable
workflow call's ``with:``. Both collect every problem instead of stopping at the first;
:func:`raise_for_problems` turns them into one :class:`InputsError`.

An input that is absent, not required and has no ``default`` gets GitHub's documented
``workflow_call`` defaults: ``false`` for a boolean, ``0`` for a number, ``""`` otherwise
(the same is used for ``workflow_dispatch``, whose docs say nothing).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping, Sequence

from shipyard.errors import InternalError, UserError
from shipyard.expr.values import number_to_string_g15
from shipyard.workflow.model import InputDefinition
from shipyard.workflow.tokens import (
    BooleanToken,
    NullToken,
    NumberToken,
    StringToken,
    Token,
)

InputValue = str | bool | float
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


class InputsError(UserError):
    """Inputs that do not fit the workflow's definitions; ``problems`` lists each one."""

    def __init__(self, event: str, problems: Sequence[str]):
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(
            f"invalid inputs for {event}:\n{lines}",
            hint="the inputs are declared under on." + event + ".inputs in the workflow file",
        )
        self.problems = tuple(problems)


def raise_for_problems(event: str, problems: Sequence[str]) -> None:
    """Raise one :class:`InputsError` listing every problem, if there are any."""
    if problems:
        raise InputsError(event, problems)


def normalise_dispatch_inputs(
    definitions: Sequence[InputDefinition], given: Mapping[str, str]
) -> tuple[dict[str, InputValue], list[str]]:
    """The ``inputs`` context of a manual dispatch, and the problems found.

    ``boolean`` accepts ``true``/``false`` in any case, ``number`` a decimal number,
    ``choice`` one of its ``options``; ``string`` and ``environment`` take any text.
    """
    problems = _unknown(definitions, given)
    values: dict[str, InputValue] = {}
    for definition in definitions:
        name = definition.name
        if name in given:
            value = _from_text(definition, given[name], problems)
        elif definition.required:
            problems.append(f"missing required input {_q(name)}")
            continue
        else:
            value = _default(definition, None)
        if value is not None:
            values[name] = value
    return values, problems


def normalise_call_inputs(
    definitions: Sequence[InputDefinition],
    given: Mapping[str, object],
    evaluate_default: Callable[[Token], object] | None = None,
) -> tuple[dict[str, InputValue], list[str]]:
    """The ``inputs`` context of a reusable workflow call (``jobs.<id>.with``).

    Values keep their types: a ``boolean`` input needs a boolean and a ``number`` input a
    number; a ``string`` input also takes a number or boolean and converts it (``3.10``
    becomes ``'3.1'``, as on GitHub). ``evaluate_default`` resolves ``${{ }}`` defaults.
    """
    problems = _unknown(definitions, given)
    values: dict[str, InputValue] = {}
    for definition in definitions:
        name = definition.name
        if name in given:
            value = _from_typed(definition, given[name], problems)
        elif definition.required:
            problems.append(f"missing required input {_q(name)}")
            continue
        else:
            value = _default(definition, evaluate_default)
        if value is not None:
            values[name] = value
    return values, problems


def render_event_inputs(values: Mapping[str, InputValue]) -> dict[str, str]:
    """``github.event.inputs`` for a dispatch: every value as a string (``'true'``, ``'3'``)."""
    return {name: _to_text(value) for name, value in values.items()}


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _unknown(definitions: Sequence[InputDefinition], given: Mapping[str, object]) -> list[str]:
    known = [d.name for d in definitions]
    problems: list[str] = []
    for name in given:
        if name in known:
            continue
        if not known:
            problems.append(f"unexpected input {_q(name)}: the workflow defines no inputs")
            continue
        close = difflib.get_close_matches(name, known, n=1) or [
            k for k in known if k.lower() == name.lower()
        ]
        guess = f" (did you mean {_q(close[0])}?)" if close else ""
        listed = ", ".join(known)
        problems.append(f"unexpected input {_q(name)}{guess}; known inputs: {listed}")
    return problems


def _from_text(definition: InputDefinition, text: str, problems: list[str]) -> InputValue | None:
    name = _q(definition.name)
    if definition.type == "boolean":
        if text.lower() in ("true", "false"):
            return text.lower() == "true"
        problems.append(f"input {name} must be true or false, got {_q(text)}")
        return None
    if definition.type == "number":
        if _NUMBER.fullmatch(text.strip()):
            return float(text)
        problems.append(f"input {name} must be a number, got {_q(text)}")
        return None
    if definition.type == "choice" and text not in definition.options:
        options = ", ".join(_q(o) for o in definition.options)
        problems.append(f"input {name} must be one of {options}, got {_q(text)}")
        return None
    return text


def _from_typed(
    definition: InputDefinition, value: object, problems: list[str]
) -> InputValue | None:
    name = _q(definition.name)
    if definition.type == "boolean":
        if isinstance(value, bool):
            return value
        problems.append(f"input {name} must be a boolean, got {_describe(value)}")
        return None
    if definition.type == "number":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        problems.append(f"input {name} must be a number, got {_describe(value)}")
        return None
    if value is None:
        return ""
    if isinstance(value, (str, bool, int, float)):
        return value if isinstance(value, str) else _to_text(value)
    problems.append(f"input {name} must be a string, got {_describe(value)}")
    return None


def _describe(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {_to_text(value)}"
    if isinstance(value, (int, float)):
        return f"the number {_to_text(float(value))}"
    if isinstance(value, str):
        return f"the string {_q(value)}"
    if isinstance(value, Mapping):
        return "an object"
    return "an array" if isinstance(value, (list, tuple)) else type(value).__name__


def _to_text(value: InputValue | int) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return number_to_string_g15(float(value))
    return value


def _default(
    definition: InputDefinition, evaluate: Callable[[Token], object] | None
) -> InputValue | None:
    default: object = definition.default
    if isinstance(default, (StringToken, BooleanToken, NumberToken)):
        default = default.value
    elif isinstance(default, NullToken):
        default = None
    elif isinstance(default, Token):
        if evaluate is None:
            raise InternalError(
                f"input {_q(definition.name)} has an expression default but no evaluator"
            )
        default = evaluate(default)
    if default is None:
        return {"boolean": False, "number": 0.0}.get(definition.type, "")
    if definition.type == "boolean":
        return default if isinstance(default, bool) else str(default).lower() == "true"
    if definition.type == "number":
        if isinstance(default, (int, float)):
            return float(default)
        text = str(default).strip()
        return float(text) if _NUMBER.fullmatch(text) else 0.0
    if isinstance(default, (bool, int, float)):
        return _to_text(default)
    return str(default)
