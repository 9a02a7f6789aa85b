"""The lexer: token kinds, offsets, number and string literals, and its errors."""

from __future__ import annotations

import math

import pytest

from shipyard.expr import MAX_LENGTH, ExpressionError
from shipyard.expr.lexer import TokenType, tokenize

T = TokenType


def kinds(text: str) -> list[TokenType]:
    return [t.type for t in tokenize(text)]


def test_punctuation_and_operators() -> None:
    assert kinds("( ) [ ] , * ! != == < <= > >= && ||") == [
        T.LEFT_PAREN, T.RIGHT_PAREN, T.LEFT_BRACKET, T.RIGHT_BRACKET, T.COMMA, T.STAR,
        T.BANG, T.BANG_EQUAL, T.EQUAL_EQUAL, T.LESS, T.LESS_EQUAL, T.GREATER,
        T.GREATER_EQUAL, T.AND, T.OR, T.EOF,
    ]  # fmt: skip


def test_offsets_are_zero_based_and_count_whitespace() -> None:
    tokens = tokenize("a.b  == 'x'")
    assert [(t.lexeme, t.offset) for t in tokens] == [
        ("a", 0), (".", 1), ("b", 2), ("==", 5), ("'x'", 8), ("", 8),
    ]  # fmt: skip


def test_eof_sits_at_the_last_character_read() -> None:
    assert tokenize("foo[1 ")[-1].offset == 5
    assert tokenize("")[-1].offset == 0


def test_keywords_are_case_sensitive_and_not_after_a_dot() -> None:
    assert kinds("true false null") == [T.TRUE, T.FALSE, T.NULL, T.EOF]
    assert kinds("True") == [T.IDENTIFIER, T.EOF]
    assert kinds("a.true") == [T.IDENTIFIER, T.DOT, T.IDENTIFIER, T.EOF]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1", 1.0),
        (".5", 0.5),
        ("-2", -2.0),
        ("+1", 1.0),
        ("1e3", 1000.0),
        ("1E-1", 0.1),
        ("0xff", 255.0),
        ("0o17", 15.0),
        ("0b101", 5.0),
        ("5.", 5.0),
        ("Infinity", math.inf),
        ("-Infinity", -math.inf),
    ],
)
def test_numbers_follow_javascript_number(text: str, value: float) -> None:
    token = tokenize(text)[0]
    assert token.type is T.NUMBER
    assert token.value == value


def test_nan_keyword_is_a_number() -> None:
    value = tokenize("NaN")[0].value
    assert isinstance(value, float) and math.isnan(value)


def test_a_dot_after_a_name_is_property_access_else_a_number() -> None:
    assert kinds("a.b") == [T.IDENTIFIER, T.DOT, T.IDENTIFIER, T.EOF]
    assert kinds("a[0].b") == [T.IDENTIFIER, T.LEFT_BRACKET, T.NUMBER, T.RIGHT_BRACKET, T.DOT,
                               T.IDENTIFIER, T.EOF]  # fmt: skip
    assert kinds("(.5)") == [T.LEFT_PAREN, T.NUMBER, T.RIGHT_PAREN, T.EOF]


def test_strings_unescape_doubled_quotes() -> None:
    assert tokenize("'it''s'")[0].value == "it's"
    assert tokenize("'a''b''c'")[0].value == "a'b'c"
    assert tokenize("''")[0].value == ""
    assert tokenize("'multi\nline'")[0].value == "multi\nline"


def test_identifiers_allow_dashes_and_underscores() -> None:
    tokens = tokenize("steps.my-step_1.outputs")
    assert [t.lexeme for t in tokens[:-1]] == ["steps", ".", "my-step_1", ".", "outputs"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1 = 2", "Unexpected symbol: '='. Located at position 3 within expression: 1 = 2"),
        ("a & b", "Unexpected symbol: '&'. Located at position 3 within expression: a & b"),
        ("a |b", "Unexpected symbol: '|b'. Located at position 3 within expression: a |b"),
        ("'open", "Unexpected symbol: ''open'. Located at position 1 within expression: 'open"),
        ("-0xFF", "Unexpected symbol: '-0xFF'. Located at position 1 within expression: -0xFF"),
        ("1-2", "Unexpected symbol: '1-2'. Located at position 1 within expression: 1-2"),
        ("a.$", "Unexpected symbol: '$'. Located at position 3 within expression: a.$"),
        ("x @y", "Unexpected symbol: '@y'. Located at position 3 within expression: x @y"),
        ("é", "Unexpected symbol: 'é'. Located at position 1 within expression: é"),
    ],
)
def test_lexing_errors(text: str, message: str) -> None:
    with pytest.raises(ExpressionError) as error:
        tokenize(text)
    assert error.value.message == message
    assert error.value.expression == text


def test_error_positions_count_across_lines() -> None:
    with pytest.raises(ExpressionError) as error:
        tokenize("a ==\n  @")
    assert error.value.position == 8


def test_maximum_length() -> None:
    tokenize("1" * MAX_LENGTH)
    with pytest.raises(ExpressionError) as error:
        tokenize("1" * (MAX_LENGTH + 1))
    assert error.value.message == "Exceeded max expression length 21000"
    assert error.value.position is None
