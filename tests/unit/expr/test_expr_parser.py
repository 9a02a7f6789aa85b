"""The parser: tree shapes, precedence, validation of names, and GitHub's error messages."""

from __future__ import annotations

import pytest

from shipyard.expr import (
    HASHFILES,
    MAX_DEPTH,
    STATUS_FUNCTIONS,
    ExpressionError,
    FunctionInfo,
    parse_expression,
    referenced_contexts,
    referenced_functions,
)
from shipyard.expr.ast import (
    Binary,
    ContextAccess,
    FunctionCall,
    Grouping,
    IndexAccess,
    Literal,
    Logical,
    Star,
    Unary,
    walk,
)


def test_literals() -> None:
    assert parse_expression("null") == Literal(None, 0)
    assert parse_expression("true") == Literal(True, 0)
    assert parse_expression(" 'x'") == Literal("x", 1)
    assert parse_expression("1.5") == Literal(1.5, 0)


def test_empty_expression_is_null() -> None:
    assert parse_expression("") == Literal(None, 0)
    assert parse_expression("   ") == Literal(None, 0)


def test_property_and_index_access() -> None:
    tree = parse_expression("a.b[0].*")
    assert tree == IndexAccess(
        IndexAccess(IndexAccess(ContextAccess("a", 0), Literal("b", 2), 1), Literal(0.0, 4), 3),
        Star(7),
        6,
    )
    assert parse_expression("a[*]") == IndexAccess(ContextAccess("a", 0), Star(2), 1)


def test_precedence_and_associativity() -> None:
    tree = parse_expression("!a == b && c < d || e")
    assert isinstance(tree, Logical) and tree.operator == "||"
    left, right = tree.args
    assert right == ContextAccess("e", 20)
    assert isinstance(left, Logical) and left.operator == "&&"
    eq, lt = left.args
    assert isinstance(eq, Binary) and eq.operator == "=="
    assert isinstance(eq.left, Unary)
    assert isinstance(lt, Binary) and lt.operator == "<"


def test_logical_chains_are_flat() -> None:
    tree = parse_expression("a && b && c")
    assert isinstance(tree, Logical) and len(tree.args) == 3


def test_comparisons_nest_left() -> None:
    tree = parse_expression("1 == 2 != 3")
    assert isinstance(tree, Binary) and tree.operator == "!="
    assert isinstance(tree.left, Binary) and tree.left.operator == "=="


def test_grouping_and_calls() -> None:
    tree = parse_expression("(a)[0]")
    assert isinstance(tree, IndexAccess) and isinstance(tree.target, Grouping)
    call = parse_expression("Contains(a, 'x')")
    assert isinstance(call, FunctionCall) and call.name == "Contains" and len(call.args) == 2


def test_trailing_comma_in_arguments_is_accepted() -> None:
    call = parse_expression("toJSON(1,)")
    assert isinstance(call, FunctionCall) and len(call.args) == 1


def test_named_values_are_validated_case_insensitively() -> None:
    parse_expression("GitHub.sha", contexts=["github"])
    with pytest.raises(ExpressionError) as error:
        parse_expression("secrets.x", contexts=["github"])
    assert error.value.message == (
        "Unrecognized named-value: 'secrets'. Located at position 1 within expression: secrets.x"
    )
    assert error.value.position == 1
    with pytest.raises(ExpressionError):
        parse_expression("a", contexts=[])


def test_functions_are_validated() -> None:
    with pytest.raises(ExpressionError) as error:
        parse_expression("foo()")
    assert error.value.message == (
        "Unrecognized function: 'foo'. Located at position 1 within expression: foo()"
    )
    parse_expression("SUCCESS() && hashFiles('a', 'b')", functions=[*STATUS_FUNCTIONS, HASHFILES])
    parse_expression("foo(1, 2)", functions=[FunctionInfo("Foo", 0, 2)])


@pytest.mark.parametrize(
    ("text", "description", "token", "position"),
    [
        ("join()", "Too few parameters supplied", "join", 1),
        ("x || startsWith(1, 2, 3)", "Too many parameters supplied", "startsWith", 6),
        (
            "case(true, 1, false, 2)",
            "Even number of parameters supplied, requires an odd number of parameters",
            "case",
            1,
        ),
        ("hashFiles()", "Too few parameters supplied", "hashFiles", 1),
        ("success(1)", "Too many parameters supplied", "success", 1),
    ],
)
def test_argument_counts(text: str, description: str, token: str, position: int) -> None:
    with pytest.raises(ExpressionError) as error:
        parse_expression(text, functions=[*STATUS_FUNCTIONS, HASHFILES])
    assert error.value.message == (
        f"{description}: '{token}'. Located at position {position} within expression: {text}"
    )
    assert error.value.position == position


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1 <", "Unexpected end of expression: '<'. Located at position 3 within expression: 1 <"),
        ("1 < )", "Unexpected symbol: ')'. Located at position 5 within expression: 1 < )"),
        ("> 1", "Unexpected symbol: '>'. Located at position 1 within expression: > 1"),
        ("a.()", "Unexpected symbol: '('. Located at position 3 within expression: a.()"),
        ("a.1", "Unexpected symbol: '1'. Located at position 3 within expression: a.1"),
        ("(1", "Unexpected end of expression: '1'. Located at position 2 within expression: (1"),
        # GitHub's server: an unclosed call, index or access ends "unexpectedly" at the last token
        ("a[1", "Unexpected end of expression: '1'. Located at position 3 within expression: a[1"),
        ("a.", "Unexpected end of expression: '.'. Located at position 2 within expression: a."),
        (
            "contains('a', 'b'",
            "Unexpected end of expression: ''b''. Located at position 15 within expression: "
            "contains('a', 'b'",
        ),
        (
            "f(",
            "Unexpected end of expression: '('. Located at position 2 within expression: f(",
        ),
        ("f(1 2)", "Unexpected symbol: '2'. Located at position 5 within expression: f(1 2)"),
        # a string token shows with its quotes, as GitHub's server prints it
        ("1 'two'", "Unexpected symbol: ''two''. Located at position 3 within expression: 1 'two'"),
        ("true.x", "Unexpected symbol: '.x'. Located at position 5 within expression: true.x"),
    ],
)
def test_syntax_errors(text: str, message: str) -> None:
    with pytest.raises(ExpressionError) as error:
        parse_expression(text)
    assert error.value.message == message


def test_error_position_is_absolute_in_multiline_expressions() -> None:
    text = "github.ref == 'x'\n  && env.y"
    with pytest.raises(ExpressionError) as error:
        parse_expression(text, contexts=["github"])
    assert error.value.position == 24
    assert "Located at position 24 within expression" in error.value.message


def test_maximum_depth() -> None:
    parse_expression("!" * (MAX_DEPTH - 1) + "true")
    with pytest.raises(ExpressionError) as error:
        parse_expression("!" * MAX_DEPTH + "true")
    assert error.value.message.startswith("Exceeded max expression depth 50: 'true'.")
    deep = "a" + "".join(f".p{i}" for i in range(MAX_DEPTH))
    with pytest.raises(ExpressionError, match="Exceeded max expression depth 50"):
        parse_expression(deep)
    parse_expression("(" * (MAX_DEPTH - 1) + "1" + ")" * (MAX_DEPTH - 1))
    with pytest.raises(ExpressionError, match="Exceeded max expression depth 50"):
        parse_expression("(" * MAX_DEPTH + "1" + ")" * MAX_DEPTH)


def test_long_comparison_chains_have_no_depth_limit() -> None:
    tree = parse_expression(" == ".join(["1"] * 3000))
    assert sum(1 for _ in walk(tree)) == 3000 + 2999


def test_referenced_names_are_lower_cased() -> None:
    tree = parse_expression(
        "GitHub.ref == Matrix.os && contains(toJSON(needs.*.result), 'x') || Success()",
        functions=STATUS_FUNCTIONS,
    )
    assert referenced_contexts(tree) == {"github", "matrix", "needs"}
    assert referenced_functions(tree) == {"contains", "tojson", "success"}
    assert referenced_contexts(parse_expression("'github'")) == frozenset()
