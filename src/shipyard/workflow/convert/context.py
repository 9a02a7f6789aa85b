"""The conversion context: where converter diagnostics collect, and GitHub's token assertions.

GitHub's converter reads the token tree with ``token.assertMapping("job env")`` and
friends; a token of the wrong type throws ``TemplateTokenError``, which the nearest
``handleTemplateTokenErrors`` turns into a positioned error while conversion goes on
with a default. :class:`TokenTypeError`, the ``assert_*`` functions and
:meth:`ConvertContext.guard` are that machinery, with GitHub's exact messages.
Diagnostics keep the order in which they were found, which is the order GitHub reports.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from shipyard.diagnostics import Diagnostic, Severity, Span
from shipyard.valueclass import dataclass, field
from shipyard.workflow.tokens import (
    BasicExpressionToken,
    BooleanToken,
    InsertExpressionToken,
    MappingToken,
    NullToken,
    NumberToken,
    SequenceToken,
    StringToken,
    Token,
)

T = TypeVar("T")

_SCALARS = (
    NullToken,
    BooleanToken,
    NumberToken,
    StringToken,
    BasicExpressionToken,
    InsertExpressionToken,
)


class TokenTypeError(Exception):
    """A token of an unexpected type (GitHub's ``TemplateTokenError``)."""

    def __init__(self, message: str, token: Token) -> None:
        super().__init__(message)
        self.message = message
        self.token = token


def type_name(token: Token) -> str:
    """GitHub's name for a token's type (``StringToken``, ``MappingToken`` ...)."""
    return type(token).__name__


def _unexpected(token: Token, what: str, expected: str) -> TokenTypeError:
    return TokenTypeError(
        f"Unexpected type '{type_name(token)}' encountered while reading '{what}'. "
        f"The type '{expected}' was expected.",
        token,
    )


def assert_string(token: Token, what: str) -> StringToken:
    """The token as a literal string, or :class:`TokenTypeError`."""
    if isinstance(token, StringToken):
        return token
    raise _unexpected(token, what, "StringToken")


def assert_boolean(token: Token, what: str) -> BooleanToken:
    """The token as a boolean, or :class:`TokenTypeError`."""
    if isinstance(token, BooleanToken):
        return token
    raise _unexpected(token, what, "BooleanToken")


def assert_mapping(token: Token, what: str) -> MappingToken:
    """The token as a mapping, or :class:`TokenTypeError`."""
    if isinstance(token, MappingToken):
        return token
    raise _unexpected(token, what, "MappingToken")


def assert_sequence(token: Token, what: str) -> SequenceToken:
    """The token as a sequence, or :class:`TokenTypeError`."""
    if isinstance(token, SequenceToken):
        return token
    raise _unexpected(token, what, "SequenceToken")


def assert_scalar(token: Token, what: str) -> Token:
    """The token if it is a scalar (literal or expression), or :class:`TokenTypeError`."""
    if isinstance(token, _SCALARS):
        return token
    raise _unexpected(token, what, "ScalarToken")


def is_scalar(token: Token) -> bool:
    """True for literals and expressions (GitHub's ``isScalar``)."""
    return isinstance(token, _SCALARS)


def is_literal(token: Token) -> bool:
    """True for null, boolean, number and string tokens (GitHub's ``isLiteral``)."""
    return isinstance(token, (NullToken, BooleanToken, NumberToken, StringToken))


def contains_expression(token: Token) -> bool:
    """True when the token or anything inside it is an expression (keys included)."""
    stack = [token]
    while stack:
        current = stack.pop()
        if current.is_expression:
            return True
        if isinstance(current, SequenceToken):
            stack.extend(current.items)
        elif isinstance(current, MappingToken):
            for key, value in current.pairs:
                stack.extend((key, value))
    return False


@dataclass(slots=True)
class ConvertContext:
    """Collects the diagnostics of one conversion, in the order they are found."""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    allow_background_steps: bool = False  # GitHub's feature flag (changes one message)

    def error(self, token: Token | None, message: str, *, hint: str | None = None) -> None:
        """Record an error at ``token`` (at the file when ``token`` has no position)."""
        self._add(token, message, Severity.ERROR, hint)

    def warning(self, token: Token | None, message: str, *, hint: str | None = None) -> None:
        """Record a Shipyard warning: something GitHub accepts but acts on surprisingly."""
        self._add(token, message, Severity.WARNING, hint)

    def file_error(self, message: str) -> None:
        """Record an error about the whole file (``path: message``)."""
        self.diagnostics.append(Diagnostic(message, Span(self.path)))

    def guard(self, default: T, convert: Callable[[], T]) -> T:
        """Run ``convert``; on a :class:`TokenTypeError` record it and return ``default``.

        GitHub's ``handleTemplateTokenErrors``.
        """
        try:
            return convert()
        except TokenTypeError as err:
            self.error(err.token, err.message)
            return default

    def _add(self, token: Token | None, message: str, severity: Severity, hint: str | None) -> None:
        span = token.span if token is not None else None
        self.diagnostics.append(Diagnostic(message, span, severity, hint))
