"""The built-in expression functions, and the signatures of the host's functions.

Built-ins (``contains``, ``startsWith``, ``endsWith``, ``format``, ``join``, ``toJSON``,
``fromJSON``, ``case``) are implemented here on plain Python values, following GitHub's
``funcs/*.ts``. Host functions (``success()``, ``failure()``, ``cancelled()``,
``always()``, ``hashFiles()``) depend on the run, so only their signatures live here;
callers pass implementations to :func:`shipyard.expr.evaluate`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence

from shipyard.expr.errors import EvaluationError
from shipyard.expr.values import (
    ARRAY,
    BOOLEAN,
    JS_WHITESPACE,
    NULL,
    NUMBER,
    STRING,
    js_number_to_string,
    kind_of,
    loose_equals,
    to_string,
    upper_special,
)
from shipyard.valueclass import dataclass

_PRIMITIVE = frozenset({NULL, BOOLEAN, NUMBER, STRING})
MAX_SAFE_INTEGER = 9007199254740991


@dataclass(frozen=True)
class FunctionInfo:
    """A function's name and how many arguments it accepts."""

    name: str
    min_args: int
    max_args: int


STATUS_FUNCTIONS: tuple[FunctionInfo, ...] = (
    FunctionInfo("success", 0, 0),
    FunctionInfo("failure", 0, 0),
    FunctionInfo("cancelled", 0, 0),
    FunctionInfo("always", 0, 0),
)
"""The job-status functions; a condition calling none of them gets ``success() &&``."""

HASHFILES = FunctionInfo("hashFiles", 1, 255)
HOST_FUNCTIONS: tuple[FunctionInfo, ...] = (
    # In a job ``if:`` GitHub allows ``success('build')`` / ``failure('a', 'b')``: the
    # widest arities, since evaluation runs on conditions the schema already checked.
    FunctionInfo("success", 0, 255),
    FunctionInfo("failure", 0, 255),
    FunctionInfo("cancelled", 0, 0),
    FunctionInfo("always", 0, 0),
    HASHFILES,
)
STATUS_FUNCTION_NAMES = frozenset(f.name for f in STATUS_FUNCTIONS)

BUILTIN_FUNCTIONS: dict[str, FunctionInfo] = {
    f.name.lower(): f
    for f in (
        FunctionInfo("case", 3, MAX_SAFE_INTEGER),
        FunctionInfo("contains", 2, 2),
        FunctionInfo("endsWith", 2, 2),
        FunctionInfo("format", 1, 255),
        FunctionInfo("fromJSON", 1, 1),
        FunctionInfo("join", 1, 2),
        FunctionInfo("startsWith", 2, 2),
        FunctionInfo("toJSON", 1, 1),
    )
}
"""Built-in functions by lower-cased name."""


def _case(*args: object) -> object:
    for i in range(0, len(args) - 1, 2):
        predicate = args[i]
        if kind_of(predicate) != BOOLEAN:
            raise EvaluationError("case predicate must evaluate to a boolean value")
        if predicate:
            return args[i + 1]
    return args[-1]


def _contains(search: object, item: object) -> bool:
    kind = kind_of(search)
    if kind in _PRIMITIVE:
        if kind_of(item) in _PRIMITIVE:
            return to_string(item).lower() in to_string(search).lower()
    elif kind == ARRAY:
        return any(loose_equals(item, v) for v in search)  # type: ignore[attr-defined]
    return False


def _starts_with(text: object, prefix: object) -> bool:
    if kind_of(text) not in _PRIMITIVE or kind_of(prefix) not in _PRIMITIVE:
        return False
    return upper_special(to_string(text)).startswith(upper_special(to_string(prefix)))


def _ends_with(text: object, suffix: object) -> bool:
    if kind_of(text) not in _PRIMITIVE or kind_of(suffix) not in _PRIMITIVE:
        return False
    return upper_special(to_string(text)).endswith(upper_special(to_string(suffix)))


def _format(*args: object) -> str:
    fs = to_string(args[0])
    out: list[str] = []
    index, end = 0, len(fs)
    while index < end:
        lbrace = fs.find("{", index)
        rbrace = fs.find("}", index)
        if lbrace >= 0 and (rbrace < 0 or rbrace > lbrace):
            if fs[lbrace + 1 : lbrace + 2] == "{":  # escaped "{{"
                out.append(fs[index : lbrace + 1])
                index = lbrace + 2
                continue
            if rbrace > lbrace + 1:
                digits = lbrace + 1
                while digits < end and "0" <= fs[digits] <= "9":
                    digits += 1
                if digits > lbrace + 1:  # "{N...}": anything after the digits is ignored
                    arg = int(fs[lbrace + 1 : digits])
                    if 1 + arg > len(args) - 1:
                        raise EvaluationError(
                            "The following format string references more arguments than "
                            f"were supplied: {fs}"
                        )
                    out.append(fs[index:lbrace])
                    out.append(to_string(args[1 + arg]))
                    index = rbrace + 1
                    continue
            raise EvaluationError(f"The following format string is invalid: {fs}")
        if rbrace >= 0:
            if fs[rbrace + 1 : rbrace + 2] != "}":
                raise EvaluationError(f"The following format string is invalid: {fs}")
            out.append(fs[index : rbrace + 1])  # escaped "}}"
            index = rbrace + 2
        else:
            out.append(fs[index:])
            break
    return "".join(out)


def _join(*args: object) -> str:
    items = args[0]
    kind = kind_of(items)
    if kind in _PRIMITIVE:
        return to_string(items)
    if kind != ARRAY:
        return ""
    separator = ","
    if len(args) > 1 and kind_of(args[1]) in _PRIMITIVE:
        separator = to_string(args[1])
    return separator.join(to_string(v) for v in items)  # type: ignore[attr-defined]


def is_index_key(key: str) -> bool:
    """Whether JavaScript orders ``key`` first in an object (a canonical array index)."""
    return (
        key.isascii() and key.isdigit() and (key == "0" or key[0] != "0") and int(key) < 4294967295
    )


def js_key_order(pairs: Sequence[tuple[str, object]]) -> list[tuple[str, object]]:
    """Order object entries as a JavaScript object does: array-index keys first, ascending."""
    if not any(is_index_key(k) for k, _ in pairs):
        return list(pairs)
    index = sorted((p for p in pairs if is_index_key(p[0])), key=lambda p: int(p[0]))
    return index + [p for p in pairs if not is_index_key(p[0])]


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _json_string(text: str) -> str:
    encoded = json.dumps(text, ensure_ascii=False)
    if _LONE_SURROGATE.search(encoded):  # JavaScript escapes lone surrogates
        encoded = _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", encoded)
    return encoded


def to_json(value: object, indent: str = "") -> str:
    """``JSON.stringify(value, replacer, "  ")`` as GitHub's ``toJSON`` produces it."""
    kind = kind_of(value)
    if kind == STRING:
        return _json_string(to_string(value))
    if kind == NUMBER:
        number = float(value)  # type: ignore[arg-type]
        return js_number_to_string(number) if number - number == 0 else "null"
    if kind == BOOLEAN:
        return "true" if value else "false"
    if kind == NULL:
        return "null"
    inner = indent + "  "
    if kind == ARRAY:
        parts = [inner + to_json(v, inner) for v in value]  # type: ignore[attr-defined]
        return "[\n" + ",\n".join(parts) + "\n" + indent + "]" if parts else "[]"
    pairs = js_key_order(list(value.items()))  # type: ignore[attr-defined]
    entries = [f"{inner}{_json_string(k)}: {to_json(v, inner)}" for k, v in pairs]
    return "{\n" + ",\n".join(entries) + "\n" + indent + "}" if entries else "{}"


def _reject_constant(name: str) -> object:
    raise ValueError(f"invalid JSON constant {name}")


def json_object(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """An object built like ``JSON.parse`` + GitHub's reviver: the last duplicate wins,
    array-index keys first, then only the first of keys that differ only by case."""
    obj = dict(pairs)
    lowered = {k.lower() for k in obj}
    if len(lowered) == len(obj) and not any(is_index_key(k) for k in obj):
        return obj
    out: dict[str, object] = {}
    seen: set[str] = set()
    for key, value in js_key_order(list(obj.items())):
        if key.lower() not in seen:
            seen.add(key.lower())
            out[key] = value
    return out


def from_json_text(text: str) -> object:
    """Parse JSON the way GitHub's ``fromJSON`` does (numbers become floats)."""
    return json.loads(
        text, object_pairs_hook=json_object, parse_int=float, parse_constant=_reject_constant
    )


def _from_json(value: object) -> object:
    text = to_string(value)
    if not text.strip(JS_WHITESPACE):
        raise EvaluationError("empty input")
    try:
        return from_json_text(text)
    except (ValueError, RecursionError):
        raise EvaluationError("Error parsing JSON when evaluating fromJson") from None


def _to_json(value: object) -> str:
    try:
        return to_json(value)
    except RecursionError:
        raise EvaluationError("Error converting value to JSON: nested too deeply") from None


BUILTIN_IMPLEMENTATIONS: Mapping[str, Callable[..., object]] = {
    "case": _case,
    "contains": _contains,
    "endswith": _ends_with,
    "format": _format,
    "fromjson": _from_json,
    "join": _join,
    "startswith": _starts_with,
    "tojson": _to_json,
}
"""Implementations of the built-in functions, by lower-cased name."""

__all__ = [
    "BUILTIN_FUNCTIONS",
    "BUILTIN_IMPLEMENTATIONS",
    "HASHFILES",
    "HOST_FUNCTIONS",
    "STATUS_FUNCTIONS",
    "STATUS_FUNCTION_NAMES",
    "FunctionInfo",
    "from_json_text",
    "to_json",
]
