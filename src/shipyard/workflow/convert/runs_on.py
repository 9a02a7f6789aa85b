"""``runs-on:``: runner labels and the runner group, with GitHub's group-name checks.

A port of ``job/runs-on.js``. ``runs-on`` is a label, a list of labels, or a mapping with
``group`` and ``labels``. A group name is ``NAME`` or ``PREFIX/NAME`` where the prefix is
``org``, ``organization``, ``ent`` or ``enterprise``. The messages are those of GitHub's
service (the TypeScript misplaces a quote in the first one).
"""

from __future__ import annotations

from shipyard.valueclass import dataclass
from shipyard.workflow.convert.context import ConvertContext, assert_string
from shipyard.workflow.tokens import MappingToken, SequenceToken, StringToken, Token

_GROUP_PREFIXES = ("org", "organization", "ent", "enterprise")
_GROUP_HINT = (
    "write the group's name alone, or prefix it with 'organization/' or 'enterprise/' "
    "(e.g. 'organization/my-runners')"
)


@dataclass(frozen=True, slots=True)
class RunsOn:
    """The static part of ``runs-on``: labels known before run time, and the group."""

    labels: tuple[str, ...] = ()
    group: str = ""


def convert_runs_on(ctx: ConvertContext, token: Token) -> RunsOn:
    """Check ``runs-on`` and return its static labels and group."""
    labels = _labels(token)
    if not isinstance(token, MappingToken):
        return RunsOn(labels=labels)
    group = ""
    for key, value in token:
        name = assert_string(key, "job runs-on property name").value
        if name == "group":
            if value.is_expression:
                continue
            group_token = assert_string(value, "job runs-on group name")
            group = _check_group(ctx, group_token) or group
        elif name == "labels":
            labels += tuple(label for label in _labels(value) if label not in labels)
    return RunsOn(labels=labels, group=group)


def _check_group(ctx: ConvertContext, token: StringToken) -> str | None:
    name = token.value
    names = name.split("/")
    if len(names) == 1:
        return name
    if len(names) == 2 and names[0] in _GROUP_PREFIXES:
        if not names[1]:
            ctx.error(token, f"Invalid runs-on group name '{name}'.", hint=_GROUP_HINT)
            return None
        return name
    ctx.error(
        token,
        f"Invalid runs-on group name '{name}'. Please use 'organization/' or 'enterprise/' "
        "prefix to target a single runner group.",
        hint=_GROUP_HINT,
    )
    return None


def _labels(token: Token) -> tuple[str, ...]:
    if token.is_expression:
        return ()
    if isinstance(token, StringToken):
        return (token.value,)
    labels: list[str] = []
    if isinstance(token, SequenceToken):
        for item in token:
            if item.is_expression:
                continue
            label = assert_string(item, "job runs-on label sequence item").value
            if label not in labels:
                labels.append(label)
    return tuple(labels)
