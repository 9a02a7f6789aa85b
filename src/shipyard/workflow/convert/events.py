"""``on:``: the events a workflow listens to, with their filters and schedules.

A port of ``events.js``. ``on`` may be one event name, a list of names, or a mapping of
event name to configuration. Filters (``branches``, ``tags``, ``paths`` and their
``-ignore`` forms, ``types``, ``workflows``, ``names``, ``versions``) accept one string or
a list and keep the file's order. ``schedule`` entries are checked with GitHub's cron
rules (:mod:`shipyard.workflow.cron`).

Beyond GitHub: a filter written with no value (``tags:`` alone, which GitHub's service
runs but its reference parser rejects) is read as absent, with a warning; a schedule more
frequent than every 5 minutes gets a warning, since GitHub runs it at most that often.
"""

from __future__ import annotations

from shipyard.diagnostics import Span
from shipyard.workflow.convert.context import (
    ConvertContext,
    assert_mapping,
    assert_sequence,
    assert_string,
    is_literal,
)
from shipyard.workflow.convert.inputs import convert_workflow_call, convert_workflow_dispatch
from shipyard.workflow.cron import (
    INVALID_CRON_MESSAGE,
    MISSING_CRON_MESSAGE,
    has_cron_interval_less_than_5_minutes,
    is_valid_cron,
)
from shipyard.workflow.model import EventConfig, Schedule
from shipyard.workflow.tokens import MappingToken, NullToken, SequenceToken, StringToken, Token

_PATTERN_FILTERS = ("branches", "tags", "paths")
_PLAIN_FILTERS = ("types", "versions", "names", "workflows")


def convert_on(ctx: ConvertContext, token: Token) -> tuple[EventConfig, ...]:
    """The events of ``on:``, in file order (a repeated name keeps its first place)."""
    if is_literal(token):
        event = assert_string(token, "on")
        return (EventConfig(name=event.value, span=event.span),)
    if isinstance(token, SequenceToken):
        events: dict[str, EventConfig] = {}
        for item in token:
            event = assert_string(item, "on")
            events[event.value] = EventConfig(name=event.value, span=event.span)
        return tuple(events.values())
    if isinstance(token, MappingToken):
        return tuple(_convert_mapping(ctx, token).values())
    ctx.error(token, "Invalid format for 'on'")
    return ()


def _convert_mapping(ctx: ConvertContext, token: MappingToken) -> dict[str, EventConfig]:
    result: dict[str, EventConfig] = {}
    for key, value in token:
        name = assert_string(key, "event name").value
        span = key.span
        if isinstance(value, NullToken):
            result[name] = EventConfig(name=name, span=span)
        elif name == "schedule":
            schedules = _convert_schedule(ctx, assert_sequence(value, f"event {name}"))
            result[name] = EventConfig(name=name, schedules=schedules, span=span)
        else:
            mapping = assert_mapping(value, f"event {name}")
            if name == "workflow_call":
                result[name] = convert_workflow_call(ctx, mapping, span)
            elif name == "workflow_dispatch":
                result[name] = convert_workflow_dispatch(ctx, mapping, span)
            else:
                result[name] = _convert_filters(ctx, name, mapping, span)
    return result


def _convert_filters(
    ctx: ConvertContext, name: str, token: MappingToken, span: Span | None
) -> EventConfig:
    filters: dict[str, tuple[str, ...] | None] = {}
    for filter_name in _PATTERN_FILTERS:
        filters.update(_convert_filter(ctx, filter_name, token, with_ignore=True))
    for filter_name in _PLAIN_FILTERS:
        filters.update(_convert_filter(ctx, filter_name, token, with_ignore=False))
    return EventConfig(
        name=name,
        span=span,
        types=filters.get("types"),
        branches=filters.get("branches"),
        branches_ignore=filters.get("branches-ignore"),
        tags=filters.get("tags"),
        tags_ignore=filters.get("tags-ignore"),
        paths=filters.get("paths"),
        paths_ignore=filters.get("paths-ignore"),
        workflows=filters.get("workflows"),
        names=filters.get("names"),
        versions=filters.get("versions"),
    )


def _convert_filter(
    ctx: ConvertContext, name: str, token: MappingToken, *, with_ignore: bool
) -> dict[str, tuple[str, ...] | None]:
    """GitHub's ``convertPatternFilter`` / ``convertFilter`` for one filter name."""
    wanted = (name, f"{name}-ignore") if with_ignore else (name,)
    result: dict[str, tuple[str, ...] | None] = {}
    seen = False
    for key, value in token:
        key_name = assert_string(key, f"{name} filter key").value
        if key_name not in wanted:
            continue
        if seen:  # GitHub's server refuses the file; its TypeScript parser lets it pass
            ctx.warning(
                key,
                f"you may only define one of `{name}` and `{name}-ignore` for a single event: "
                "GitHub refuses this workflow file",
                hint=f"list the ones to skip in `{name}` too, each with a leading `!`",
            )
        seen = True
        if isinstance(value, StringToken):
            result[key_name] = (value.value,)
        elif isinstance(value, NullToken):
            ctx.warning(
                value,
                f"'{key_name}' has no value: Shipyard reads it as if it were absent",
                hint=f"remove the key, or list the patterns to run for (e.g. `{key_name}: ['v*']`)",
            )
        else:
            items = assert_sequence(value, f"{key_name} list")
            result[key_name] = tuple(assert_string(i, f"{key_name} item").value for i in items)
    return result


def _convert_schedule(ctx: ConvertContext, token: SequenceToken) -> tuple[Schedule, ...]:
    result: list[Schedule] = []
    for item in token:
        mapping = assert_mapping(item, "event schedule")
        cron: StringToken | None = None
        timezone: str | None = None
        valid = True
        for key, value in mapping:
            key_token = assert_string(key, "schedule key")
            if key_token.value == "cron":
                cron = assert_string(value, "schedule cron")
                if not is_valid_cron(cron.value):
                    ctx.error(
                        cron,
                        INVALID_CRON_MESSAGE,
                        hint="five fields: minute (0-59), hour (0-23), day of month (1-31), "
                        "month (1-12 or jan-dec), day of week (0-6 or sun-sat)",
                    )
                elif has_cron_interval_less_than_5_minutes(cron.value):
                    ctx.warning(
                        cron,
                        f"The schedule '{cron.value}' asks for runs less than 5 minutes apart; "
                        "GitHub runs scheduled workflows at most once every 5 minutes",
                    )
            elif key_token.value == "timezone":
                timezone = assert_string(value, "schedule timezone").value
            else:
                ctx.error(key_token, "Invalid schedule key")
                valid = False
        if valid and cron is not None and cron.value:
            result.append(Schedule(cron=cron.value, timezone=timezone, span=cron.span))
        elif valid:
            ctx.error(mapping, MISSING_CRON_MESSAGE)
    return tuple(result)
