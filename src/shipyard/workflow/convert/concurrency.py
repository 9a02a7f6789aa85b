"""``concurrency:`` of a workflow or a job: a group name, or a mapping of settings.

A port of ``concurrency.js``: keys other than ``group``, ``cancel-in-progress`` and
``queue`` are errors, and literal values must have the right type. Values that are
expressions are checked when evaluated.
"""

from __future__ import annotations

from shipyard.workflow.convert.context import (
    ConvertContext,
    assert_boolean,
    assert_mapping,
    assert_string,
)
from shipyard.workflow.tokens import StringToken, Token

_KEYS = ("group", "cancel-in-progress", "queue")


def check_concurrency(ctx: ConvertContext, token: Token) -> None:
    """Report GitHub's errors for a ``concurrency`` value (raises on a wrong type)."""
    if token.is_expression or isinstance(token, StringToken):
        return
    for key, value in assert_mapping(token, "concurrency group"):
        name = assert_string(key, "concurrency group key")
        if key.is_expression or value.is_expression:
            continue
        if name.value == "group":
            assert_string(value, "concurrency group")
        elif name.value == "cancel-in-progress":
            assert_boolean(value, "cancel-in-progress")
        elif name.value == "queue":
            assert_string(value, "queue")
        else:
            ctx.error(
                name,
                f"Invalid property name: {name.value}",
                hint="concurrency accepts: " + ", ".join(_KEYS),
            )
