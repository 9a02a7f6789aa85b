"""``${{ }}`` templates and ``if:`` conditions."""

from __future__ import annotations

import pytest

from shipyard.expr import (
    ExpressionError,
    TemplatePart,
    evaluate_condition,
    render_template,
    split_template,
)

NOT_CLOSED = (
    "The expression is not closed. An unescaped ${{ sequence was found, "
    "but the closing }} sequence was not found."
)


def test_split_template() -> None:
    assert split_template("a ${{ b }} c") == [
        TemplatePart("a ", None, 0),
        TemplatePart(None, "b", 2),
        TemplatePart(" c", None, 10),
    ]
    assert split_template("plain") == [TemplatePart("plain", None, 0)]
    assert split_template("") == []
    assert split_template("${{ a }}${{b}}") == [
        TemplatePart(None, "a", 0),
        TemplatePart(None, "b", 8),
    ]


def test_split_template_skips_braces_inside_strings() -> None:
    parts = split_template("${{ format('}}{0}', 'x') }}!")
    assert parts[0].expression == "format('}}{0}', 'x')"
    assert parts[1] == TemplatePart("!", None, 27)


def test_split_template_literal_braces() -> None:
    assert split_template("{{ x }} ${{ 1 }}") == [
        TemplatePart("{{ x }} ", None, 0),
        TemplatePart(None, "1", 8),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("${{ a ", NOT_CLOSED),
        ("x ${{ 'a }}' ", NOT_CLOSED),
        ("${{ }}", "An expression was expected"),
        ("a ${{}} b", "An expression was expected"),
    ],
)
def test_split_template_errors(text: str, message: str) -> None:
    with pytest.raises(ExpressionError) as error:
        split_template(text)
    assert error.value.message == message


def test_render_template() -> None:
    contexts = {"github": {"ref": "main", "n": 3}, "flag": True, "list": [1]}
    assert render_template("ref=${{ github.ref }} n=${{ github.n }}", contexts) == "ref=main n=3"
    assert render_template("${{ flag }}/${{ null }}/${{ list }}", contexts) == "true//Array"
    assert render_template("${{ 0.1 }}${{ 1e21 }}", contexts) == "0.11e+21"
    assert render_template("no expressions", contexts) == "no expressions"
    assert render_template("${{ hashFiles('x') }}", {}, {"hashFiles": lambda p: "h"}) == "h"


def test_render_template_reports_syntax_errors() -> None:
    with pytest.raises(ExpressionError, match="Unexpected symbol: '='"):
        render_template("${{ a = b }}", {})


STATUS = {
    "success": lambda: True,
    "failure": lambda: False,
    "cancelled": lambda: False,
    "always": lambda: True,
}
FAILED = {**STATUS, "success": lambda: False, "failure": lambda: True}


@pytest.mark.parametrize(
    ("text", "on_success", "on_failure"),
    [
        ("", True, False),
        ("true", True, False),
        ("${{ true }}", True, False),
        ("github.ref == 'main'", True, False),
        ("${{ github.ref == 'main' }}", True, False),
        ("always()", True, True),
        ("${{ always() }}", True, True),
        ("failure()", False, True),
        ("Failure() || github.ref == 'main'", True, True),
        ("!cancelled()", True, True),
        ("github.ref == 'dev'", False, False),
        ("'always()'", True, False),
        ("${{ github.ref }} x", True, False),
        ("${{ 'github.ref' }}", True, False),
    ],
)
def test_evaluate_condition_adds_implicit_success(
    text: str, on_success: bool, on_failure: bool
) -> None:
    contexts = {"github": {"ref": "main"}}
    assert evaluate_condition(text, contexts, STATUS) is on_success
    assert evaluate_condition(text, contexts, FAILED) is on_failure


def test_condition_errors_point_into_the_users_text() -> None:
    with pytest.raises(ExpressionError) as error:
        evaluate_condition("${{ env == 5 && }}", {}, STATUS)
    assert error.value.message == (
        "Unexpected end of expression: '&&'. Located at position 10 within expression: env == 5 &&"
    )
