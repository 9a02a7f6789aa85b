"""The expression lexer: turns expression text into tokens with their positions.

A port of ``lexer.ts`` from GitHub's ``@actions/expressions``. Token offsets are 0-based
indexes into the expression text; error messages report them 1-based. Numbers are read
with JavaScript's ``Number()`` rules (so ``0xff``, ``1e3``, ``.5``, ``+1``, ``Infinity``
and ``NaN`` are numbers). Strings are single-quoted with ``''`` as an escaped quote.
"""

from __future__ import annotations

import enum
import math

from shipyard.expr.errors import MAX_LENGTH, ExpressionError, syntax_error
from shipyard.expr.values import JS_WHITESPACE, string_to_number
from shipyard.valueclass import dataclass


class TokenType(enum.IntEnum):
    """The kinds of token (same names as GitHub's ``TokenType``)."""

    LEFT_PAREN = 1
    RIGHT_PAREN = 2
    LEFT_BRACKET = 3
    RIGHT_BRACKET = 4
    COMMA = 5
    DOT = 6
    BANG = 7
    BANG_EQUAL = 8
    EQUAL_EQUAL = 9
    GREATER = 10
    GREATER_EQUAL = 11
    LESS = 12
    LESS_EQUAL = 13
    AND = 14
    OR = 15
    STAR = 16
    NUMBER = 17
    STRING = 18
    IDENTIFIER = 19
    TRUE = 20
    FALSE = 21
    NULL = 22
    EOF = 23


@dataclass(frozen=True, slots=True)
class Token:
    """One token: its type, source text, 0-based start offset and literal value."""

    type: TokenType
    lexeme: str
    offset: int
    value: float | str | None = None

    def display(self) -> str:
        """The token as GitHub names it in error messages: its source text.

        A string shows with its quotes (``'b'``), as GitHub's server prints a token's raw
        value; the TypeScript port's ``tokenString`` shows the unquoted value instead, a
        wording no case of GitHub's expression corpus relies on.
        """
        if self.type is TokenType.EOF:
            return "EOF"
        return self.lexeme


_BOUNDARY = frozenset("([)],.!><=&|") | frozenset(JS_WHITESPACE)
_NUMBER_STOP = _BOUNDARY - {"."}  # a number runs on through "." (e.g. "1.5")
_IDENT_FIRST = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_IDENT_REST = _IDENT_FIRST | frozenset("0123456789-")
_KEYWORDS: dict[str, tuple[TokenType, float | None]] = {
    "true": (TokenType.TRUE, None),
    "false": (TokenType.FALSE, None),
    "null": (TokenType.NULL, None),
    "NaN": (TokenType.NUMBER, math.nan),
    "Infinity": (TokenType.NUMBER, math.inf),
}
_SINGLE = {
    "(": TokenType.LEFT_PAREN,
    ")": TokenType.RIGHT_PAREN,
    "[": TokenType.LEFT_BRACKET,
    "]": TokenType.RIGHT_BRACKET,
    ",": TokenType.COMMA,
    "*": TokenType.STAR,
}
# A "." after these is property access; anywhere else it starts a number such as ".5".
_DOT_AFTER = frozenset(
    {TokenType.IDENTIFIER, TokenType.RIGHT_BRACKET, TokenType.RIGHT_PAREN, TokenType.STAR}
)
_WITH_EQUAL = {
    "!": (TokenType.BANG, TokenType.BANG_EQUAL),
    "<": (TokenType.LESS, TokenType.LESS_EQUAL),
    ">": (TokenType.GREATER, TokenType.GREATER_EQUAL),
}
_DOUBLED = {"=": TokenType.EQUAL_EQUAL, "&": TokenType.AND, "|": TokenType.OR}


def _is_legal_identifier(text: str) -> bool:
    if not text or text[0] not in _IDENT_FIRST:
        return False
    return all(c in _IDENT_REST for c in text[1:])


class _Lexer:
    __slots__ = ("offset", "start", "text", "tokens")

    def __init__(self, text: str) -> None:
        self.text = text
        self.offset = 0
        self.start = 0
        self.tokens: list[Token] = []

    def previous(self) -> TokenType:
        return self.tokens[-1].type if self.tokens else TokenType.EOF

    def add(self, type_: TokenType, value: float | str | None = None) -> None:
        lexeme = self.text[self.start : self.offset]
        self.tokens.append(Token(type_, lexeme, self.start, value))

    def error(self, lexeme: str) -> ExpressionError:
        return syntax_error("Unexpected symbol", lexeme, self.start, self.text)

    def run(self) -> list[Token]:
        text = self.text
        end = len(text)
        while self.offset < end:
            self.start = self.offset
            c = text[self.offset]
            self.offset += 1
            if c in _SINGLE:
                self.add(_SINGLE[c])
            elif c == ".":
                if self.previous() in _DOT_AFTER:
                    self.add(TokenType.DOT)
                else:
                    self.number()
            elif c in _WITH_EQUAL:
                plain, with_equal = _WITH_EQUAL[c]
                self.add(with_equal if self.match("=") else plain)
            elif c in _DOUBLED:
                if self.match(c):
                    self.add(_DOUBLED[c])
                else:  # illegal: read up to a boundary and report it
                    self.identifier()
            elif c in " \r\t\n":
                pass
            elif c == "'":
                self.string()
            elif c in "-+" or "0" <= c <= "9":
                self.number()
            else:
                self.identifier()
        self.tokens.append(Token(TokenType.EOF, "", self.start))
        return self.tokens

    def match(self, expected: str) -> bool:
        if self.offset < len(self.text) and self.text[self.offset] == expected:
            self.offset += 1
            return True
        return False

    def number(self) -> None:
        text, end = self.text, len(self.text)
        while self.offset < end and text[self.offset] not in _NUMBER_STOP:
            self.offset += 1
        lexeme = text[self.start : self.offset]
        value = string_to_number(lexeme)
        if value != value:
            raise self.error(lexeme)
        self.add(TokenType.NUMBER, value)

    def string(self) -> None:
        text, end = self.text, len(self.text)
        while self.offset < end:
            c = text[self.offset]
            if c == "'":
                if self.offset + 1 < end and text[self.offset + 1] == "'":
                    self.offset += 2  # escaped quote
                    continue
                break
            self.offset += 1
        if self.offset >= end:
            raise self.error(text[self.start :])
        self.offset += 1  # the closing quote
        # GitHub's TypeScript unescapes only the first "''" (a bug); the runner unescapes all.
        value = text[self.start + 1 : self.offset - 1].replace("''", "'")
        self.add(TokenType.STRING, value)

    def identifier(self) -> None:
        text, end = self.text, len(self.text)
        while self.offset < end and text[self.offset] not in _BOUNDARY:
            self.offset += 1
        lexeme = text[self.start : self.offset]
        type_, value = TokenType.IDENTIFIER, None
        if self.previous() is not TokenType.DOT and lexeme in _KEYWORDS:
            type_, value = _KEYWORDS[lexeme]
        if not _is_legal_identifier(lexeme):
            raise self.error(lexeme)
        self.add(type_, value)


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens, always ending with an ``EOF`` token.

    Raises :class:`ExpressionError` for an illegal symbol, an unterminated string, a
    malformed number, or text longer than :data:`MAX_LENGTH`.
    """
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"Exceeded max expression length {MAX_LENGTH}", None, text)
    return _Lexer(text).run()
