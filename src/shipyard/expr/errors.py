"""Errors raised by the expression layer, and the limits that trigger some of them.

:class:`ExpressionError` is a syntax error found while lexing or parsing; its message is
GitHub's exact text, ``"<description>: '<token>'. Located at position N within expression:
<expr>"``. :class:`EvaluationError` is a runtime error (bad ``fromJSON`` input, an invalid
``format`` string, a host function that was not supplied, ...).
"""

from __future__ import annotations

from shipyard.errors import UserError

MAX_DEPTH = 50
"""GitHub's maximum nesting depth of an expression (``MAX_PARSER_DEPTH``)."""

MAX_LENGTH = 21000
"""GitHub's maximum length of an expression, in characters (``MAX_EXPRESSION_LENGTH``)."""


class ExpressionError(UserError):
    """A lexing or parsing error: ``message`` is GitHub's text, ``position`` 1-based."""

    def __init__(self, message: str, position: int | None = None, expression: str = "") -> None:
        super().__init__(message)
        self.position = position
        self.expression = expression


class EvaluationError(UserError):
    """A runtime error while evaluating a well-formed expression."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


def syntax_error(description: str, token: str, offset: int, expression: str) -> ExpressionError:
    """Build GitHub's positioned message; ``offset`` is the 0-based start of the token."""
    position = offset + 1
    message = (
        f"{description}: '{token}'. Located at position {position} within expression: {expression}"
    )
    return ExpressionError(message, position, expression)
