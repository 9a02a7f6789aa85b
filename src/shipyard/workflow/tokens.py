"""Template tokens: the positioned values a workflow is read into.

These mirror GitHub's template tokens (``actions/languageservices`` workflow-parser):
every value remembers where it came from, and a value that holds ``${{ }}`` is kept as an
expression token until a later stage evaluates it. Tokens are immutable once read.
:func:`to_value` turns a token tree into plain data, unravelling it at run time as GitHub's
runner does (``${{ insert }}`` merges, array items spliced into their sequence).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import cast

from shipyard.diagnostics import Span
from shipyard.errors import UserError
from shipyard.expr.values import (
    ARRAY,
    OBJECT,
    kind_of,
    number_to_string_g15,
    to_string,
)
from shipyard.valueclass import dataclass, field

JsonValue = None | bool | float | str | list["JsonValue"] | dict[str, "JsonValue"]


@dataclass(frozen=True, slots=True)
class Token:
    """Base of all template tokens; ``span`` is where the value starts in the file."""

    span: Span | None = field(default=None, compare=False, repr=False)

    @property
    def is_expression(self) -> bool:
        """True for ``${{ }}`` tokens whose value is known only at run time."""
        return False


@dataclass(frozen=True, slots=True)
class NullToken(Token):
    """A YAML null (``~``, ``null`` or an empty value)."""

    def __str__(self) -> str:
        return ""


@dataclass(frozen=True, slots=True)
class BooleanToken(Token):
    """``true`` / ``false`` (YAML 1.2: only these spellings, any case GitHub accepts)."""

    value: bool = False

    def __str__(self) -> str:
        return "true" if self.value else "false"


@dataclass(frozen=True, slots=True)
class NumberToken(Token):
    """A YAML number (kept as a float, like GitHub).

    As text (where a string is expected) it reads as GitHub's server prints it, .NET's
    ``G15``: ``1345678912345678912`` becomes ``1.34567891234568E+18``.
    """

    value: float = 0.0

    def __str__(self) -> str:
        return number_to_string_g15(self.value)


@dataclass(frozen=True, slots=True)
class StringToken(Token):
    """A literal string (no expression inside, or an escaped one already resolved)."""

    value: str = ""
    # The block scalar header (``|``, ``>-`` ...) when the YAML used one.
    block_header: str | None = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class BasicExpressionToken(Token):
    """An expression (``${{ x }}`` → ``x``; ``a ${{ x }} b`` → ``format('a {0} b', x)``)."""

    expression: str = ""
    # The original text of the scalar, with its ``${{ }}`` markers.
    source: str | None = field(default=None, compare=False, repr=False)

    @property
    def is_expression(self) -> bool:
        return True

    def __str__(self) -> str:
        return "${{ " + self.expression + " }}"


@dataclass(frozen=True, slots=True)
class InsertExpressionToken(Token):
    """The ``${{ insert }}`` directive used as a mapping key."""

    @property
    def is_expression(self) -> bool:
        return True

    def __str__(self) -> str:
        return "${{ insert }}"


@dataclass(frozen=True, slots=True)
class SequenceToken(Token):
    """A YAML sequence of tokens."""

    items: tuple[Token, ...] = ()

    def __iter__(self) -> Iterator[Token]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __str__(self) -> str:
        return "Array"


@dataclass(frozen=True, slots=True)
class MappingToken(Token):
    """A YAML mapping; keys are string tokens or expression tokens, in file order."""

    pairs: tuple[tuple[Token, Token], ...] = ()

    def __iter__(self) -> Iterator[tuple[Token, Token]]:
        return iter(self.pairs)

    def __len__(self) -> int:
        return len(self.pairs)

    def get(self, key: str) -> Token | None:
        """The value for a literal key (case-sensitive, as workflow keys are)."""
        for k, v in self.pairs:
            if isinstance(k, StringToken) and k.value == key:
                return v
        return None

    def __str__(self) -> str:
        return "Object"


ScalarToken = NullToken | BooleanToken | NumberToken | StringToken | BasicExpressionToken


class TemplateValueError(UserError):
    """A template that cannot be unravelled at run time; ``message`` is GitHub's wording."""


EXPECTED_MAPPING = "Expected a mapping"
EXPECTED_STRING = "Expected a string"


def _already_defined(name: str) -> str:
    return f"'{name}' is already defined"


def _directive_not_allowed(directive: str) -> str:
    return f"The expression directive '{directive}' is not supported in this context"


Evaluate = Callable[[BasicExpressionToken], JsonValue]


def to_value(token: Token, evaluate: Evaluate | None = None) -> JsonValue:
    """Convert a token tree to plain JSON-like data, unravelled the way GitHub's runner does.

    ``evaluate`` resolves expression tokens. With it, the tree is unravelled like the
    runner's ``TemplateUnraveler``: a ``${{ insert }}`` key merges its mapping (a literal
    one, itself unravelled, or an expression's object) into the parent mapping at its
    place; a sequence item that is wholly one expression and gives an array is spliced into
    the sequence (``a ${{ x }}`` is a ``format()`` string and never is); a key expression
    gives a string; a key met twice (ignoring case) is an error. Problems raise
    :class:`TemplateValueError` with the span of the token at fault.

    Without ``evaluate`` the tree is only transcribed: an expression becomes its ``${{ }}``
    text and ``${{ insert }}`` an ordinary key.
    """
    if evaluate is None:
        return _transcribe(token)
    return _unravel(token, evaluate)


def _transcribe(token: Token) -> JsonValue:
    if isinstance(token, NullToken):
        return None
    if isinstance(token, (BooleanToken, NumberToken, StringToken)):
        return token.value
    if isinstance(token, SequenceToken):
        return [_transcribe(item) for item in token.items]
    if isinstance(token, MappingToken):
        return {str(key): _transcribe(value) for key, value in token.pairs}
    return str(token)


def _unravel(token: Token, evaluate: Evaluate) -> JsonValue:
    if isinstance(token, BasicExpressionToken):
        return evaluate(token)
    if isinstance(token, SequenceToken):
        items: list[JsonValue] = []
        for item in token.items:
            if isinstance(item, BasicExpressionToken):
                value = evaluate(item)
                if kind_of(value) == ARRAY:
                    items.extend(cast("list[JsonValue]", value))  # the runner's insertion
                else:
                    items.append(value)
            else:
                items.append(_unravel(item, evaluate))
        return items
    if isinstance(token, MappingToken):
        out: dict[str, JsonValue] = {}
        _merge(token, evaluate, out, set())
        return out
    if isinstance(token, InsertExpressionToken):
        raise TemplateValueError(_directive_not_allowed("insert"), span=token.span)
    return _transcribe(token)


def _merge(
    token: MappingToken, evaluate: Evaluate, out: dict[str, JsonValue], seen: set[str]
) -> None:
    """Add the unravelled pairs of ``token`` to ``out`` (``seen``: its keys, upper-cased)."""
    for key, value in token.pairs:
        if isinstance(key, InsertExpressionToken):
            if isinstance(value, MappingToken):
                _merge(value, evaluate, out, seen)
                continue
            inserted = evaluate(value) if isinstance(value, BasicExpressionToken) else None
            if kind_of(inserted) != OBJECT:
                raise TemplateValueError(EXPECTED_MAPPING, span=value.span)
            for name, item in cast("Mapping[str, JsonValue]", inserted).items():
                _add(out, seen, str(name), item, value.span)
            continue
        if isinstance(key, BasicExpressionToken):
            result = evaluate(key)
            if kind_of(result) in (ARRAY, OBJECT):
                raise TemplateValueError(EXPECTED_STRING, span=key.span)
            _add(out, seen, to_string(result), _unravel(value, evaluate), key.span)
        else:
            _add(out, seen, str(key), _unravel(value, evaluate), key.span)


def _add(
    out: dict[str, JsonValue], seen: set[str], name: str, value: JsonValue, span: Span | None
) -> None:
    folded = name.upper()
    if folded in seen:
        raise TemplateValueError(_already_defined(name), span=span)
    seen.add(folded)
    out[name] = value
