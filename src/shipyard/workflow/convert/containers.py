"""``container:`` and ``services:`` of a job: GitHub's checks of container definitions.

A port of ``container.js``. A container is an image name or a mapping (``image``,
``credentials``, ``env``, ``ports``, ``volumes``, ``options``; services also take
``entrypoint`` and ``command``). A mapping without an image is an error. As on GitHub, a
definition that holds any expression is not checked here: it is checked once evaluated.
"""

from __future__ import annotations

from shipyard.workflow.convert.context import (
    ConvertContext,
    assert_mapping,
    assert_sequence,
    assert_string,
    contains_expression,
)
from shipyard.workflow.tokens import StringToken, Token

_JOB_KEYS = ("image", "credentials", "env", "ports", "volumes", "options")
_SERVICE_KEYS = (*_JOB_KEYS, "entrypoint", "command")


def check_container(ctx: ConvertContext, token: Token) -> None:
    """Check ``jobs.<id>.container`` (raises on a value of the wrong type)."""
    _check(ctx, token, _JOB_KEYS)


def check_services(ctx: ConvertContext, token: Token) -> None:
    """Check ``jobs.<id>.services`` (raises on a value of the wrong type)."""
    for key, value in assert_mapping(token, "services"):
        assert_string(key, "service key")
        _check(ctx, value, _SERVICE_KEYS)


def _check(ctx: ConvertContext, token: Token, keys: tuple[str, ...]) -> None:
    if contains_expression(token) or isinstance(token, StringToken):
        return
    image: StringToken | None = None
    for key, value in assert_mapping(token, "container item"):
        name = assert_string(key, "container item key")
        if name.value not in keys:
            ctx.error(
                name,
                f"Unexpected container item key: {name.value}",
                hint="a container accepts: " + ", ".join(keys),
            )
        elif name.value == "image":
            image = assert_string(value, "container image")
        elif name.value == "credentials":
            _check_credentials(ctx, value)
        elif name.value == "env":
            for env_key, _ in assert_mapping(value, "container env"):
                assert_string(env_key, "container env value")
        elif name.value in ("ports", "volumes"):
            what = name.value[:-1]
            for item in assert_sequence(value, f"container {name.value}"):
                assert_string(item, f"container {what}")
        else:
            assert_string(value, f"container {name.value}")
    if image is None:
        ctx.error(
            token,
            "Container image cannot be empty",
            hint="add `image:` with the image to run, e.g. `image: postgres:16`",
        )


def _check_credentials(ctx: ConvertContext, token: Token) -> None:
    for key, value in assert_mapping(token, "credentials"):
        name = assert_string(key, "credentials item")
        if name.value in ("username", "password"):
            assert_string(value, f"credentials {name.value}")
        else:
            ctx.error(name, f"credentials key {name.value}")
