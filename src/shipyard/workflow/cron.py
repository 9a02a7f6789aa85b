"""Cron validation for ``on.schedule``: a port of GitHub's ``cron.js``/``cron-constants.js``.

GitHub's workflow parser (``@actions/workflow-parser`` 0.3.61) accepts POSIX cron: five
fields separated by spaces (minute, hour, day of month, month, day of week), each ``*``,
a number, a name (``jan``–``dec``, ``sun``–``sat``, any case), a range ``a-b``, a step
``x/n`` and comma lists of those. This module keeps its rules exactly, including the ones
that come from JavaScript itself: numbers are read with ``Number()`` (so ``1.5``,
``0x1f`` and an empty minute field in `` * * * *`` are accepted) and fields are split on
spaces only (a tab is not a separator).

One deliberate deviation: the JavaScript looks names up on a plain object, so inherited
property names (``constructor``, ``toString``, ``__proto__`` ...) pass as month or weekday
names there. Shipyard accepts only the real names.

GitHub's ``getCronDescription`` (hover text, built on the ``cronstrue`` library) is not
ported.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping
from types import MappingProxyType

from shipyard.valueclass import dataclass, field

INVALID_CRON_MESSAGE = (
    "Invalid cron expression. Expected format: '* * * * *' (minute hour day month weekday)"
)
"""The converter's error for an invalid ``cron`` value (GitHub's exact text)."""

MISSING_CRON_MESSAGE = "Missing required key 'cron' in schedule entry"
"""The converter's error for a schedule entry without ``cron`` (GitHub's exact text)."""


@dataclass(frozen=True, slots=True)
class CronRange:
    """The allowed values of one cron field, with its names (lower case) if any."""

    min: int
    max: int
    names: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))


_MONTHS = MappingProxyType(
    {
        name: number
        for number, name in enumerate(
            ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
            start=1,
        )
    }
)
_DAYS = MappingProxyType(
    {name: number for number, name in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))}
)

MINUTE_RANGE = CronRange(0, 59)
HOUR_RANGE = CronRange(0, 23)
DOM_RANGE = CronRange(1, 31)
MONTH_RANGE = CronRange(1, 12, _MONTHS)
DOW_RANGE = CronRange(0, 6, _DAYS)

# JavaScript's StrWhiteSpaceChar: WhiteSpace (incl. every Zs) and LineTerminator.
_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_JS_TRIM = re.compile(f"^[{_JS_SPACE}]+|[{_JS_SPACE}]+$")
_JS_DECIMAL = re.compile(r"[+-]?(?:Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)")
_JS_RADIX = {"x": 16, "o": 8, "b": 2}
_JS_RADIX_DIGITS = {16: "0-9a-fA-F", 8: "0-7", 2: "01"}


def js_number(text: str) -> float:
    """JavaScript's ``Number(text)`` / ``+text`` for a string; ``nan`` when not a number."""
    text = _JS_TRIM.sub("", text)
    if not text:
        return 0.0
    if _JS_DECIMAL.fullmatch(text):
        return float(text)
    if len(text) > 2 and text[0] == "0" and text[1].lower() in _JS_RADIX:
        radix = _JS_RADIX[text[1].lower()]
        if re.fullmatch(f"[{_JS_RADIX_DIGITS[radix]}]+", text[2:]):
            try:
                return float(int(text[2:], radix))
            except OverflowError:
                return math.inf
    return math.nan


def js_parse_int(text: str) -> float:
    """JavaScript's ``parseInt(text, 10)``: leading digits after optional space and sign."""
    match = re.match(f"[{_JS_SPACE}]*([+-]?[0-9]+)", text)
    return float(int(match.group(1))) if match else math.nan


def _split_fields(cron: str) -> list[str]:
    return re.split(" +", cron)


def is_valid_cron(cron: str) -> bool:
    """True when ``cron`` is a schedule GitHub accepts (``isValidCron``)."""
    parts = _split_fields(cron)
    if len(parts) != 5:
        return False
    minutes, hours, dom, months, dow = parts
    return (
        _validate_part(minutes, MINUTE_RANGE)
        and _validate_part(hours, HOUR_RANGE)
        and _validate_part(dom, DOM_RANGE)
        and _validate_part(months, MONTH_RANGE)
        and _validate_part(dow, DOW_RANGE)
    )


def cron_error(cron: str) -> str | None:
    """GitHub's error message for an invalid ``cron`` value, or ``None`` when it is valid."""
    return None if is_valid_cron(cron) else INVALID_CRON_MESSAGE


def has_cron_interval_less_than_5_minutes(cron: str) -> bool:
    """True when a valid schedule fires more often than every 5 minutes (GitHub's minimum).

    A port of ``hasCronIntervalLessThan5Minutes``: only the minute field is inspected.
    """
    if not is_valid_cron(cron):
        return False
    return _minute_interval(_split_fields(cron)[0]) < 5


def _minute_interval(minute: str) -> float:
    """The smallest gap in minutes between runs within an hour (60 for once an hour)."""
    if "/" in minute:
        step = js_parse_int(minute.split("/")[1])
        if not math.isnan(step) and step > 0:
            return step
    if "," in minute:
        values = sorted(
            v for v in (js_parse_int(p) for p in minute.split(",")) if not math.isnan(v)
        )
        if len(values) >= 2:
            gap = min(b - a for a, b in itertools.pairwise(values))
            return min(gap, values[0] + 60 - values[-1])
    if "-" in minute and "/" not in minute:
        bounds = [js_parse_int(p) for p in minute.split("-")]
        start, end = bounds[0], bounds[1]
        if not math.isnan(start) and not math.isnan(end) and end > start:
            return 1
    if minute == "*":
        return 1
    return 60


def _validate_part(value: str, rng: CronRange, allow_separators: bool = True) -> bool:
    # The order of the checks is GitHub's (operator precedence: , > / > -).
    if value.lower() in rng.names:
        return True
    if value == "*":
        return True
    if "," in value:
        return allow_separators and all(v and _validate_part(v, rng) for v in value.split(","))
    if "/" in value:
        if not allow_separators:
            return False
        start, step, *rest = value.split("/")
        step_number = js_number(step)
        if rest or math.isnan(step_number) or step_number <= 0 or not start or not step:
            return False
        # Separators are only allowed before the ``/``, as in ``1-5/2``.
        return _validate_part(start, rng) and _validate_part(step, rng, False)
    if "-" in value:
        if not allow_separators:
            return False
        start, end, *rest = value.split("-")
        if rest or not start or not end:
            return False
        return (
            _validate_part(start, rng, False)
            and _validate_part(end, rng, False)
            and _to_number(end, rng) >= _to_number(start, rng)
        )
    number = js_number(value)
    return not math.isnan(number) and rng.min <= number <= rng.max


def _to_number(value: str, rng: CronRange) -> float:
    name = rng.names.get(value.lower())
    return float(name) if name is not None else js_number(value)
