"""GitHub's expression value model on plain Python values, with its coercions.

Values are ``None`` (null), ``bool``, numbers (``float``; ``int`` is accepted as input),
``str``, arrays (``list``/``tuple``) and objects (``dict``/any ``Mapping`` with ``str``
keys, looked up case-insensitively). This module owns what those values mean: truthiness,
coercion to number and string (numbers formatted exactly as GitHub's JavaScript does),
loose equality and ordering (strings compared case-insensitively), and object access.

It is also the one home of number formatting, which has two rules on GitHub:
:func:`number_to_string` is the expression language's (what ``format``, ``join`` and
``${{ }}`` print; GitHub's TypeScript: at most 15 decimals), and
:func:`number_to_string_g15` is what GitHub's server prints when a *template* number (a
YAML number, or a number an expression gave back) becomes text: .NET's ``ToString("G15")``
(``1.34567891234568E+18``, ``1E-05``), used by the workflow reader and for job names.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Context, Decimal

NULL, BOOLEAN, NUMBER, STRING, ARRAY, OBJECT = range(6)
KIND_NAMES = ("Null", "Boolean", "Number", "String", "Array", "Object")

JS_WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
"""The characters JavaScript's ``trim()`` and ``/\\s/`` treat as whitespace."""

MISSING: object = object()
"""Sentinel returned by :func:`object_get` for an absent key."""


class FilteredArray(list[object]):
    """The array a ``.*`` / ``[*]`` filter produces; indexing it maps over its items."""

    __slots__ = ()


_KIND_BY_TYPE: dict[type, int] = {
    type(None): NULL,
    bool: BOOLEAN,
    int: NUMBER,
    float: NUMBER,
    str: STRING,
    list: ARRAY,
    tuple: ARRAY,
    FilteredArray: ARRAY,
    dict: OBJECT,
}


def kind_of(value: object) -> int:
    """The kind (``NULL`` ... ``OBJECT``) of a value."""
    kind = _KIND_BY_TYPE.get(type(value))
    if kind is not None:
        return kind
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, (int, float)):
        return NUMBER
    if isinstance(value, str):
        return STRING
    if isinstance(value, Mapping):
        return OBJECT
    if isinstance(value, Sequence):
        return ARRAY
    raise TypeError(f"not an expression value: {type(value).__name__}")


def kind_name(value: object) -> str:
    """GitHub's name of a value's kind: Null, Boolean, Number, String, Array or Object."""
    return KIND_NAMES[kind_of(value)]


def is_truthy(value: object) -> bool:
    """GitHub's truthiness: null, false, 0, NaN and '' are false; everything else true."""
    t = type(value)
    if t is str:
        return value != ""
    if t is bool:
        return value is True
    if value is None:
        return False
    if t is float or t is int:
        return value == value and value != 0
    kind = kind_of(value)
    if kind == NUMBER:
        return value == value and value != 0
    if kind == STRING:
        return value != ""
    if kind == BOOLEAN:
        return bool(value)
    return True


# --- numbers -------------------------------------------------------------------------

_DECIMAL_RE = re.compile(r"[+-]?(?:Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)")
_RADIX_RE = re.compile(r"0(?:[xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)")
_RADIX = {"x": 16, "o": 8, "b": 2}


def string_to_number(text: str) -> float:
    """JavaScript's ``Number(text)``: trimmed, '' is 0, hex/octal/binary, else NaN."""
    text = text.strip(JS_WHITESPACE)
    if not text:
        return 0.0
    if _DECIMAL_RE.fullmatch(text):
        return float(text)
    if _RADIX_RE.fullmatch(text):
        try:
            return float(int(text[2:], _RADIX[text[1].lower()]))
        except OverflowError:
            return float("inf")
    return float("nan")


def to_number(value: object) -> float:
    """Coerce to a number: null 0, booleans 1/0, strings per ``Number()``, else NaN."""
    kind = kind_of(value)
    if kind == NUMBER:
        return float(value)  # type: ignore[arg-type]
    if kind == STRING:
        return string_to_number(value)  # type: ignore[arg-type]
    if kind == BOOLEAN:
        return 1.0 if value else 0.0
    if kind == NULL:
        return 0.0
    return float("nan")


def js_number_to_string(x: float) -> str:
    """JavaScript's ``Number.prototype.toString()`` (shortest round-trip digits)."""
    if x != x:
        return "NaN"
    if x == 0:
        return "0"
    if x in (float("inf"), float("-inf")):
        return "Infinity" if x > 0 else "-Infinity"
    if x.is_integer() and -9007199254740992 < x < 9007199254740992:
        return str(int(x))
    sign = "-" if x < 0 else ""
    mantissa, _, exp = repr(abs(x)).partition("e")
    whole, _, frac = mantissa.partition(".")
    if frac == "0":
        frac = ""
    digits = whole + frac
    n = len(whole) + (int(exp) if exp else 0)  # value = 0.<digits> * 10**n
    stripped = digits.lstrip("0")
    n -= len(digits) - len(stripped)
    digits = stripped.rstrip("0")
    k = len(digits)
    if k <= n <= 21:
        body = digits + "0" * (n - k)
    elif 0 < n <= 21:
        body = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        body = "0." + "0" * -n + digits
    else:
        e = n - 1
        sign_e = "+" if e >= 0 else "-"
        head = digits if k == 1 else digits[0] + "." + digits[1:]
        body = f"{head}e{sign_e}{abs(e)}"
    return sign + body


_FIFTEEN_PLACES = Decimal("1e-15")
_EXACT = Context(prec=64, rounding=ROUND_HALF_UP)  # |x| < 1e21: 21 + 15 digits fit


def number_to_string(x: float) -> str:
    """GitHub's string form of a number: at most 15 decimals, trailing zeros dropped.

    ``(+x.toFixed(15)).toString()`` in JavaScript: ``0.1 + 0.2`` gives ``0.3``, 1e21
    gives ``1e+21``, NaN gives ``NaN``.
    """
    if x == 0:
        return "0"
    if x.is_integer() and -9007199254740992 < x < 9007199254740992:
        return str(int(x))
    if x != x or not -1e21 < x < 1e21:
        return js_number_to_string(x)
    if (x * 65536.0).is_integer():
        # At most 16 binary-exact decimals: a tie is possible, and toFixed rounds ties up.
        fixed = format(Decimal(x).quantize(_FIFTEEN_PLACES, context=_EXACT), "f")
    else:
        fixed = f"{x:.15f}"
    return js_number_to_string(float(fixed))


def number_to_string_g15(x: float) -> str:
    """A number as GitHub's server turns a template number into text: .NET's ``G15``.

    At most 15 significant digits, trailing zeros dropped, exponent form from 1e15 and
    below 1e-4 (``3.10`` → ``3.1``, ``1e15`` → ``1E+15``, ``0.00001`` → ``1E-05``,
    ``1345678912345678912`` → ``1.34567891234568E+18``), ``NaN``, ``Infinity``. GitHub
    uses it for a YAML number read where a string is expected (``env: {N: 1.0}`` is
    ``"1"``), a numeric mapping key, and matrix values in job names (``test (3.1)``).
    """
    if x != x:
        return "NaN"
    if x in (float("inf"), float("-inf")):
        return "Infinity" if x > 0 else "-Infinity"
    return format(x, ".15g").replace("e", "E")


def to_string(value: object) -> str:
    """Coerce to a string: null '', booleans 'true'/'false', arrays 'Array', objects 'Object'."""
    t = type(value)
    if t is str:
        return value  # type: ignore[return-value]
    kind = kind_of(value)
    if kind == STRING:
        return str(value)
    if kind == NUMBER:
        return number_to_string(float(value))  # type: ignore[arg-type]
    if kind == BOOLEAN:
        return "true" if value else "false"
    if kind == NULL:
        return ""
    return "Array" if kind == ARRAY else "Object"


# --- strings ---------------------------------------------------------------------------


def upper_special(text: str) -> str:
    """Upper-case for comparisons, leaving the dotless ``ı`` alone (GitHub's rule)."""
    if "ı" in text:
        return "ı".join(part.upper() for part in text.split("ı"))
    return text.upper()


def _utf16_greater(a: str, b: str) -> bool:
    """``a > b`` by UTF-16 code units, as JavaScript compares strings."""
    if a.isascii() and b.isascii():
        return a > b
    return a.encode("utf-16-be", "surrogatepass") > b.encode("utf-16-be", "surrogatepass")


# --- equality and ordering -------------------------------------------------------------


def _coerce(left: object, right: object) -> tuple[int, object, int, object]:
    """GitHub's ``coerceTypes``: align kinds like JavaScript's ``==`` (objects untouched)."""
    lk, rk = kind_of(left), kind_of(right)
    if lk == rk:
        return lk, left, rk, right
    if lk == NUMBER and rk == STRING:
        return lk, left, NUMBER, string_to_number(right)  # type: ignore[arg-type]
    if lk == STRING and rk == NUMBER:
        return NUMBER, string_to_number(left), rk, right  # type: ignore[arg-type]
    if lk in (NULL, BOOLEAN):
        return _coerce(to_number(left), right)
    if rk in (NULL, BOOLEAN):
        return _coerce(left, to_number(right))
    return lk, left, rk, right


def loose_equals(left: object, right: object) -> bool:
    """GitHub's ``==``: coerced like JavaScript, strings case-insensitive, NaN unequal."""
    if type(left) is str and type(right) is str:
        return left == right or upper_special(left) == upper_special(right)
    lk, lv, rk, rv = _coerce(left, right)
    if lk != rk:
        return False
    if lk == NUMBER:
        return float(lv) == float(rv)  # type: ignore[arg-type]
    if lk == STRING:
        return upper_special(lv) == upper_special(rv)  # type: ignore[arg-type]
    if lk == BOOLEAN:
        return bool(lv) == bool(rv)
    if lk == NULL:
        return True
    return lv is rv  # arrays and objects: the same instance


def greater_than(left: object, right: object) -> bool:
    """GitHub's ``>`` after coercion; mismatched kinds and NaN give false."""
    lk, lv, rk, rv = _coerce(left, right)
    if lk != rk:
        return False
    if lk == NUMBER:
        return float(lv) > float(rv)  # type: ignore[arg-type]
    if lk == STRING:
        return _utf16_greater(upper_special(lv), upper_special(rv))  # type: ignore[arg-type]
    if lk == BOOLEAN:
        return bool(lv) and not rv
    return False


def less_than(left: object, right: object) -> bool:
    """GitHub's ``<`` after coercion; mismatched kinds and NaN give false."""
    lk, lv, rk, rv = _coerce(left, right)
    if lk != rk:
        return False
    if lk == NUMBER:
        return float(lv) < float(rv)  # type: ignore[arg-type]
    if lk == STRING:
        return _utf16_greater(upper_special(rv), upper_special(lv))  # type: ignore[arg-type]
    if lk == BOOLEAN:
        return not lv and bool(rv)
    return False


# --- objects ---------------------------------------------------------------------------


def object_get(obj: Mapping[str, object], key: str) -> object:
    """``obj[key]`` ignoring case (an exact match first), or :data:`MISSING`."""
    value = obj.get(key, MISSING)
    if value is not MISSING:
        return value
    lowered = key.lower()
    for name, item in obj.items():
        if type(name) is str and name.lower() == lowered:
            return item
    return MISSING


def plain_json(value: object) -> object:
    """A value ready for ``json.dumps`` with GitHub's numbers: ``1.0`` becomes ``1``."""
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return int(value)
    if isinstance(value, dict):
        return {str(k): plain_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_json(v) for v in value]
    return value
