"""``environment:`` of a job: a name, or a mapping with ``name``, ``url``, ``deployment``.

A port of ``job/environment.js``: it checks the types of literal values; expressions are
left for run time.
"""

from __future__ import annotations

from shipyard.workflow.convert.context import (
    ConvertContext,
    assert_boolean,
    assert_mapping,
    assert_scalar,
    assert_string,
    is_scalar,
)
from shipyard.workflow.tokens import Token


def check_environment(ctx: ConvertContext, token: Token) -> None:
    """Check a job's ``environment`` (raises on a value of the wrong type)."""
    if token.is_expression or is_scalar(token):
        return
    for key, value in assert_mapping(token, "job environment"):
        name = assert_string(key, "job environment key").value
        if key.is_expression or value.is_expression:
            continue
        if name == "name":
            assert_scalar(value, "job environment name key")
        elif name == "deployment":
            assert_boolean(value, "job environment deployment")
