"""Template scalars: YAML scalars as literal tokens, and the ``${{ }}`` inside strings.

A port of ``parseScalar``/``parseExpression``/``matchDirective`` from the template reader
of GitHub's ``actions/languageservices`` (MIT licence, Copyright GitHub, Inc.), following
GitHub's server where the two differ: expressions are found in the scalar's *value* (the
TypeScript package scans the raw source of multi-line scalars, indentation included), the
first bad expression of a string ends its parsing, and every token keeps the span of its
scalar. ``a ${{ x }} b`` becomes ``format('a {0} b', x)``; ``${{ 'text' }}`` becomes the
literal ``text``; ``${{ insert }}`` is the insert directive.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from shipyard.diagnostics import Span
from shipyard.expr import MAX_LENGTH, ExpressionError, FunctionInfo, parse_expression
from shipyard.source import YamlScalar
from shipyard.workflow.schema import split_allowed_context
from shipyard.workflow.tokens import (
    BasicExpressionToken,
    BooleanToken,
    InsertExpressionToken,
    NullToken,
    NumberToken,
    StringToken,
    Token,
)

OPEN_EXPRESSION = "${{"
CLOSE_EXPRESSION = "}}"
INSERT_DIRECTIVE = "insert"

NOT_CLOSED = (
    "The expression is not closed. An unescaped ${{ sequence was found, "
    "but the closing }} sequence was not found."
)

Report = Callable[[str, Span | None], None]


def literal_token(node: YamlScalar) -> Token:
    """The literal token of a YAML scalar (null, boolean, number or string)."""
    value = node.value
    if value is None:
        return NullToken(node.span)
    if value is True or value is False:
        return BooleanToken(node.span, value)
    if isinstance(value, float):
        return NumberToken(node.span, value)
    return StringToken(node.span, value, node.block_header)


@functools.lru_cache(maxsize=256)
def _allowed(allowed: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[FunctionInfo, ...]]:
    names, functions = split_allowed_context(allowed)
    return names, tuple(FunctionInfo(name, low, high) for name, low, high in functions)


@functools.lru_cache(maxsize=4096)
def expression_error(expression: str, allowed: tuple[str, ...]) -> str | None:
    """GitHub's message for an invalid expression in a place allowing ``allowed``, or None."""
    names, functions = _allowed(allowed)
    try:
        parse_expression(expression, contexts=names, functions=functions)
    except ExpressionError as error:
        return error.message
    return None


def _match_directive(trimmed: str, directive: str, expected: int) -> tuple[bool, str | None]:
    """Whether ``trimmed`` is ``directive`` with ``expected`` parameters (else an error)."""
    size = len(directive)
    if not trimmed.startswith(directive) or (len(trimmed) > size and not trimmed[size].isspace()):
        return False, None
    parameters: list[str] = []
    start, in_string, parens = size, False, 0
    for i in range(size, len(trimmed)):
        char = trimmed[i]
        if char.isspace() and not in_string and parens == 0:
            if start < i:
                parameters.append(trimmed[start:i])
            start = i + 1
        elif char == "'":
            in_string = not in_string
        elif char == "(" and not in_string:
            parens += 1
        elif char == ")" and not in_string:
            parens -= 1
    if start < len(trimmed):
        parameters.append(trimmed[start:])
    if len(parameters) != expected:
        return False, (
            f"Exactly {expected} parameter(s) were expected following the directive "
            f"'{directive}'. Actual parameter count: {len(parameters)}"
        )
    return True, None


_INSERT = object()  # what _parse_expression returns for ``${{ insert }}``


def _parse_expression(raw: str, allowed: tuple[str, ...]) -> tuple[str | None, object]:
    """``(error, expression)`` for the text between ``${{`` and ``}}``.

    The expression is the trimmed, validated text, or ``_INSERT`` for the directive.
    """
    trimmed = raw.strip()
    if not trimmed:
        return "An expression was expected", None
    if trimmed.startswith(INSERT_DIRECTIVE):
        matched, error = _match_directive(trimmed, INSERT_DIRECTIVE, 0)
        if matched:
            return None, _INSERT
        if error is not None:
            return error, None
    return expression_error(trimmed, allowed), trimmed


def expression_string(expression: str) -> str | None:
    """The text of an expression that is only a string literal (``'a''b'`` → ``a'b``)."""
    out: list[str] = []
    in_string = False
    for i, char in enumerate(expression):
        if char == "'":
            in_string = not in_string
            if in_string and i != 0:
                out.append(char)
        elif not in_string:
            return None
        else:
            out.append(char)
    return "".join(out)


def _find_close(raw: str, i: int) -> int:
    """Index of the ``}`` ending the expression whose body starts at ``i`` (-1 if none).

    A ``}}`` inside a single-quoted string does not count (``''`` is an escaped quote).
    """
    while True:
        close = raw.find(CLOSE_EXPRESSION, i)
        if close < 0:
            return -1
        quote = raw.find("'", i, close)
        if quote < 0:
            return close + 1
        end_quote = raw.find("'", quote + 1)
        if end_quote < 0:
            return -1
        i = end_quote + 1


def parse_scalar(token: Token, allowed: tuple[str, ...], report: Report) -> Token:
    """Turn a string holding ``${{ }}`` into an expression token; other tokens pass through.

    Errors are reported at the token's span and leave the original token in place.
    """
    if not isinstance(token, StringToken):
        return token
    raw = token.value
    start = raw.find(OPEN_EXPRESSION)
    if start < 0:
        return token
    span = token.span
    # Text and expressions alternate: (False, text) or (True, expression).
    segments: list[tuple[bool, str]] = []
    i = 0
    while i < len(raw):
        if i == start:
            end = _find_close(raw, i + len(OPEN_EXPRESSION))
            if end < 0:
                report(NOT_CLOSED, span)
                return token
            i = end + 1
            error, expression = _parse_expression(raw[start + 3 : end - 1], allowed)
            if error is not None:
                report(error, span)
                return token
            if expression is _INSERT:
                if start == 0 and i == len(raw):
                    return InsertExpressionToken(span)
                report(
                    f"The directive '{INSERT_DIRECTIVE}' is not allowed in this context. "
                    "Directives are not supported for expressions that are embedded within a "
                    "string. Directives are only supported when the entire value is an "
                    "expression.",
                    span,
                )
                return token
            segments.append((True, str(expression)))
            start = raw.find(OPEN_EXPRESSION, i)
        elif i < start:
            segments.append((False, raw[i:start]))
            i = start
        else:
            segments.append((False, raw[i:]))
            break
    if len(segments) == 1:
        expression = segments[0][1]
        text = expression_string(expression) if expression[0] == "'" else None
        if text is not None:
            return StringToken(span, text)
        return BasicExpressionToken(span, expression, raw)
    return _format(segments, token, report)


def _format(segments: list[tuple[bool, str]], token: StringToken, report: Report) -> Token:
    """``format('a {0} b', x)`` for a string mixing text and expressions."""
    parts: list[str] = []
    args: list[str] = []
    for is_expression, text in segments:
        if is_expression:
            parts.append("{" + str(len(args)) + "}")
            args.append(text)
        else:
            parts.append(text.replace("'", "''").replace("{", "{{").replace("}", "}}"))
    expression = "format('" + "".join(parts) + "'" + "".join(", " + a for a in args) + ")"
    if len(expression) > MAX_LENGTH:
        report(f"Exceeded max expression length {MAX_LENGTH}", token.span)
        return token
    return BasicExpressionToken(token.span, expression, token.value)
