"""``${{ }}`` inside template strings: splitting, ``format()``, literals and directives."""

from __future__ import annotations

import pytest

from shipyard.diagnostics import Span
from shipyard.workflow.template_scalars import (
    NOT_CLOSED,
    expression_error,
    expression_string,
    parse_scalar,
)
from shipyard.workflow.tokens import (
    BasicExpressionToken,
    InsertExpressionToken,
    NumberToken,
    StringToken,
    Token,
)

SPAN = Span("w.yml", 3, 7)
ALLOWED = ("github", "matrix", "hashFiles(1,255)")


def _parse(text: str, allowed: tuple[str, ...] = ALLOWED) -> tuple[Token, list[str]]:
    errors: list[str] = []

    def report(message: str, span: Span | None) -> None:
        assert span == SPAN
        errors.append(message)

    return parse_scalar(StringToken(SPAN, text), allowed, report), errors


@pytest.mark.parametrize(
    ("text", "expression"),
    [
        ("${{ github.sha }}", "github.sha"),
        ("${{github.sha}}", "github.sha"),
        ("  ${{ matrix.os }}", "format('  {0}', matrix.os)"),
        ("a ${{ github.sha }} b", "format('a {0} b', github.sha)"),
        ("${{ github.a }}${{ github.b }}", "format('{0}{1}', github.a, github.b)"),
        ("{x} 'q' ${{ github.a }}", "format('{{x}} ''q'' {0}', github.a)"),
        ("${{ hashFiles('a/**') }} x", "format('{0} x', hashFiles('a/**'))"),
        ("${{ 'a }}' }} b", "format('{0} b', 'a }}')"),
        ("${{ github['x}}'] }}", "github['x}}']"),
        ("line1\n${{ github.sha }}\n", "format('line1\n{0}\n', github.sha)"),
        ("${{ github.sha\u00a0}}", "github.sha"),  # any whitespace is trimmed
    ],
)
def test_expressions(text: str, expression: str) -> None:
    token, errors = _parse(text)
    assert errors == []
    assert token == BasicExpressionToken(SPAN, expression)
    assert isinstance(token, BasicExpressionToken)
    assert token.span == SPAN
    assert token.source == text


@pytest.mark.parametrize(
    ("text", "literal"),
    [
        ("${{ 'text' }}", "text"),
        ("${{ '{{ this is a literal }}' }}", "{{ this is a literal }}"),
        ("${{ 'it''s' }}", "it's"),
        ("${{ 'it''s }}' }}", "it's }}"),
        ("${{ '' }}", ""),
    ],
)
def test_escaped_literals(text: str, literal: str) -> None:
    token, errors = _parse(text)
    assert errors == []
    assert token == StringToken(SPAN, literal)


@pytest.mark.parametrize("text", ["plain", "", "$ {{ x }}", "${ x }", "{{ x }}"])
def test_strings_without_expressions_pass_through(text: str) -> None:
    token = StringToken(SPAN, text)
    assert parse_scalar(token, ALLOWED, lambda m, s: None) is token


def test_non_strings_pass_through() -> None:
    token = NumberToken(SPAN, 1.0)
    assert parse_scalar(token, ALLOWED, lambda m, s: None) is token


def test_insert_directive() -> None:
    token, errors = _parse("${{ insert }}")
    assert errors == []
    assert isinstance(token, InsertExpressionToken)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("${{ github.sha", NOT_CLOSED),
        ("a ${{ 'x }} b", NOT_CLOSED),
        ("${{ }}", "An expression was expected"),
        ("${{}}", "An expression was expected"),
        (
            "${{ insert x y }}",
            "Exactly 0 parameter(s) were expected following the directive 'insert'. "
            "Actual parameter count: 2",
        ),
        (
            "${{ insert foo('a b') }}",
            "Exactly 0 parameter(s) were expected following the directive 'insert'. "
            "Actual parameter count: 1",
        ),
        (
            "x ${{ insert }}",
            "The directive 'insert' is not allowed in this context. Directives are not "
            "supported for expressions that are embedded within a string. Directives are only "
            "supported when the entire value is an expression.",
        ),
        (
            "${{ secrets.x }}",
            "Unrecognized named-value: 'secrets'. Located at position 1 within expression: "
            "secrets.x",
        ),
        (
            "${{ hashFiles() }}",
            "Too few parameters supplied: 'hashFiles'. Located at position 1 within "
            "expression: hashFiles()",
        ),
    ],
)
def test_errors_leave_the_string(text: str, error: str) -> None:
    token, errors = _parse(text)
    assert errors == [error]
    assert token == StringToken(SPAN, text)


def test_the_first_bad_expression_ends_parsing() -> None:
    _, errors = _parse("${{ secrets.a }} ${{ secrets.b }}")
    assert errors == [
        "Unrecognized named-value: 'secrets'. Located at position 1 within expression: secrets.a"
    ]


def test_insert_is_a_directive_only_as_a_word() -> None:
    token, errors = _parse("${{ inserted }}")
    assert token == StringToken(SPAN, "${{ inserted }}")
    assert errors == [
        "Unrecognized named-value: 'inserted'. Located at position 1 within expression: inserted"
    ]


def test_expression_error_is_cached_per_context() -> None:
    assert expression_error("github.sha", ("github",)) is None
    assert expression_error("github.sha", ()) == (
        "Unrecognized named-value: 'github'. Located at position 1 within expression: github.sha"
    )


@pytest.mark.parametrize(
    ("expression", "text"),
    [("'a'", "a"), ("'a''b'", "a'b"), ("'a' 'b'", None), ("a", None), ("'a' == 'b'", None)],
)
def test_expression_string(expression: str, text: str | None) -> None:
    assert expression_string(expression) == text
