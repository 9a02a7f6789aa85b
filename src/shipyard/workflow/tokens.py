"""Template tokens: the positioned values a workflow is read into.

These mirror GitHub's template tokens (``actions/languageservices`` workflow-parser):
every value remembers where it came from, and a value that holds ``${{ }}`` is kept as an
expression token until a later stage evaluates it. Tokens are immutable once read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from shipyard.diagnostics import Span
from shipyard.expr.values import number_to_string_g15
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


def to_value(
    token: Token, evaluate: Callable[[BasicExpressionToken], JsonValue] | None = None
) -> JsonValue:
    """Convert a token tree to plain JSON-like data.

    ``evaluate`` resolves expression tokens; without it an expression becomes its
    ``${{ }}`` text.
    """
    if isinstance(token, NullToken):
        return None
    if isinstance(token, (BooleanToken, NumberToken, StringToken)):
        return token.value
    if isinstance(token, BasicExpressionToken):
        return evaluate(token) if evaluate is not None else str(token)
    if isinstance(token, SequenceToken):
        return [to_value(item, evaluate) for item in token.items]
    if isinstance(token, MappingToken):
        out: dict[str, JsonValue] = {}
        for key, value in token.pairs:
            name = to_value(key, evaluate) if key.is_expression else str(key)
            out[str(name) if not isinstance(name, str) else name] = to_value(value, evaluate)
        return out
    return str(token)
