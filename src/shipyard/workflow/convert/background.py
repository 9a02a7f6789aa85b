"""GitHub's experimental background steps: ``background``, ``wait``, ``wait-all``, ``cancel``.

A port of the background-step parts of ``steps.js``, used when the reader ran with
``allow_background_steps``. A ``wait`` or ``cancel`` names steps that come earlier in the
same job (by the id the user gave them); ``wait-all`` may only be ``true`` or empty;
a ``parallel`` block holds plain ``run``/``uses`` steps only.
"""

from __future__ import annotations

from collections.abc import Iterable

from shipyard.workflow.convert.context import (
    ConvertContext,
    assert_boolean,
    assert_sequence,
    assert_string,
)
from shipyard.workflow.model import Step
from shipyard.workflow.tokens import NullToken, StringToken, Token

# A step of a parallel block, and whether it set ``background`` itself.
ParallelItem = tuple[Step, bool]


def wait_targets(
    ctx: ConvertContext, known: set[str], token: Token, own: StringToken | None
) -> tuple[str, ...]:
    """The step ids of a ``wait`` (one id or a list), each checked."""
    if isinstance(token, StringToken):
        check_target(ctx, known, token, own)
        return (token.value,)
    targets: list[str] = []
    for item in assert_sequence(token, "steps item wait"):
        target = assert_string(item, "steps item wait item")
        check_target(ctx, known, target, own)
        targets.append(target.value)
    return tuple(targets)


def wait_all(ctx: ConvertContext, token: Token) -> bool:
    """``wait-all``: empty or ``true`` (``false`` is an error); always true."""
    if isinstance(token, NullToken):
        return True
    if not assert_boolean(token, "steps item wait-all").value:
        ctx.error(token, "The value of 'wait-all' must be true or omitted")
    return True


def check_target(
    ctx: ConvertContext, known: set[str], target: StringToken, own: StringToken | None
) -> None:
    """A ``wait``/``cancel`` target must be an earlier step's id, not the step itself."""
    if target.value.startswith("__"):
        ctx.error(
            target,
            f"The identifier '{target.value}' is invalid. IDs starting with '__' are reserved.",
        )
    elif own is not None and target.value.lower() == own.value.lower():
        ctx.error(target, f"Step '{own.value}' cannot reference itself")
    elif target.value not in known:
        hint = "known step ids: " + ", ".join(sorted(known)) if known else None
        ctx.error(target, f"Step references unknown step ID '{target.value}'", hint=hint)


def check_parallel(ctx: ConvertContext, token: Token, items: Iterable[ParallelItem]) -> None:
    """Only plain ``run``/``uses`` steps, without ``background``, in a parallel block."""
    for step, background_set in items:
        if background_set:
            ctx.error(
                token,
                "'background' is not allowed inside a parallel block. Steps in a parallel "
                "block are automatically run as background steps.",
            )
        if step.wait:
            ctx.error(token, "'wait' is not allowed inside a parallel block.")
        if step.wait_all:
            ctx.error(token, "'wait-all' is not allowed inside a parallel block.")
        if step.cancel is not None:
            ctx.error(token, "'cancel' is not allowed inside a parallel block.")
        if step.parallel:
            ctx.error(token, "Nested 'parallel' blocks are not allowed.")


def missing_kind_message(ctx: ConvertContext) -> str:
    """GitHub's error for a step that does nothing, worded for the feature flag."""
    if ctx.allow_background_steps:
        return "Expected one of uses, run, wait, wait-all, cancel, or parallel to be defined"
    return "Expected one of uses or run to be defined"
