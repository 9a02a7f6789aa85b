"""``${{ }}`` templates: splitting, rendering, and ``if:`` conditions.

Splitting follows the workflow parser's ``parseScalar``: an expression runs from ``${{`` to
the first ``}}`` outside a single-quoted string. :func:`evaluate_condition` follows
``convertToIfCondition``: a condition that calls none of ``success()``, ``failure()``,
``cancelled()``, ``always()`` is evaluated as ``success() && (<condition>)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from shipyard.expr.ast import Expr, referenced_functions
from shipyard.expr.errors import ExpressionError
from shipyard.expr.evaluator import HostFunctions, lowered_functions, parse_for_host, run
from shipyard.expr.functions import STATUS_FUNCTION_NAMES
from shipyard.expr.values import JS_WHITESPACE, is_truthy, to_string
from shipyard.valueclass import dataclass

OPEN = "${{"
CLOSE = "}}"
NOT_CLOSED = (
    "The expression is not closed. An unescaped ${{ sequence was found, "
    "but the closing }} sequence was not found."
)
EXPRESSION_EXPECTED = "An expression was expected"


@dataclass(frozen=True)
class TemplatePart:
    """A literal run of text, or an expression (trimmed, without ``${{ }}``).

    ``offset`` is the 0-based index in the template where the part begins (for an
    expression, the index of its ``${{``).
    """

    literal: str | None
    expression: str | None
    offset: int


def split_template(text: str) -> list[TemplatePart]:
    """Split ``"a ${{ b }} c"`` into literal and expression parts.

    Raises :class:`ExpressionError` for an unclosed ``${{`` or an empty ``${{ }}``.
    """
    return list(_split(text))


@lru_cache(maxsize=1024)
def _split(text: str) -> tuple[TemplatePart, ...]:
    parts: list[TemplatePart] = []
    start = text.find(OPEN)
    i, end = 0, len(text)
    while i < end:
        if i == start:
            close = -1
            in_string = False
            i += len(OPEN)
            while i < end:
                c = text[i]
                if c == "'":
                    in_string = not in_string  # also right for escaped quotes: 'it''s'
                elif not in_string and c == "}" and text[i - 1] == "}":
                    close = i
                    i += 1
                    break
                i += 1
            if close < start:
                raise ExpressionError(NOT_CLOSED, start + 1, text)
            expression = text[start + len(OPEN) : close + 1 - len(CLOSE)].strip(JS_WHITESPACE)
            if not expression:
                raise ExpressionError(EXPRESSION_EXPECTED, start + 1, text)
            parts.append(TemplatePart(None, expression, start))
            start = text.find(OPEN, i)
        else:
            stop = start if start > i else end
            previous = parts[-1].literal if parts else None
            if previous is not None:
                last = parts.pop()
                parts.append(TemplatePart(previous + text[i:stop], None, last.offset))
            else:
                parts.append(TemplatePart(text[i:stop], None, i))
            i = stop
    return tuple(parts)


def render_template(
    text: str,
    contexts: Mapping[str, object] | None = None,
    functions: HostFunctions | None = None,
) -> str:
    """Interpolate every ``${{ }}`` of ``text``, values coerced to display strings."""
    parts = _split(text)
    if not parts:
        return text
    host = lowered_functions(functions)
    names = frozenset(host)
    ctx = contexts if contexts is not None else {}
    out: list[str] = []
    for part in parts:
        if part.expression is None:
            out.append(part.literal or "")
        else:
            out.append(to_string(run(parse_for_host(part.expression, names), ctx, host)))
    return "".join(out)


def _literal_string(expression: str) -> str | None:
    """The value of an expression made only of string literals (``getExpressionString``)."""
    out: list[str] = []
    in_string = False
    for i, c in enumerate(expression):
        if c == "'":
            in_string = not in_string
            if in_string and i != 0:
                out.append(c)
        elif not in_string:
            return None
        else:
            out.append(c)
    return "".join(out)


def condition_text(text: str) -> str:
    """The expression GitHub evaluates for the ``if:`` value ``text`` (before wrapping)."""
    if OPEN not in text:
        return text.strip(JS_WHITESPACE)
    parts = _split(text)
    if len(parts) == 1 and parts[0].expression is not None:
        literal = _literal_string(parts[0].expression)
        return parts[0].expression if literal is None else literal.strip(JS_WHITESPACE)
    pieces: list[str] = []
    args: list[str] = []
    for part in parts:
        if part.expression is None:
            literal = part.literal or ""
            pieces.append(literal.replace("'", "''").replace("{", "{{").replace("}", "}}"))
        else:
            pieces.append(f"{{{len(args)}}}")
            args.append(f", {part.expression}")
    return f"format('{''.join(pieces)}'{''.join(args)})"


@lru_cache(maxsize=1024)
def parse_condition(text: str, supplied: frozenset[str] = frozenset()) -> Expr:
    """Parse an ``if:`` value, adding GitHub's implicit ``success() &&`` when needed."""
    condition = condition_text(text)
    if not condition:
        condition = "success()"
    else:
        try:
            tree = parse_for_host(condition, supplied)
        except ExpressionError:
            pass  # parsed again below, which reports the error against the user's text
        else:
            if not referenced_functions(tree) & STATUS_FUNCTION_NAMES:
                condition = f"success() && ({condition})"
    return parse_for_host(condition, supplied)


def evaluate_condition(
    text: str,
    contexts: Mapping[str, object] | None = None,
    functions: HostFunctions | None = None,
) -> bool:
    """Evaluate a job/step ``if:`` (with or without ``${{ }}``) to a boolean."""
    host = lowered_functions(functions)
    tree = parse_condition(text, frozenset(host))
    return is_truthy(run(tree, contexts if contexts is not None else {}, host))
