"""Run-time evaluation of ``env``/``with`` mappings that use ``${{ insert }}`` and splices."""

from __future__ import annotations

import pytest

from shipyard.diagnostics import Span
from shipyard.engine.evaluation import EvaluationFailed, mapping_of, value_of
from shipyard.workflow.tokens import (
    BasicExpressionToken,
    InsertExpressionToken,
    MappingToken,
    NumberToken,
    SequenceToken,
    StringToken,
    Token,
)

SPAN = Span(".github/workflows/ci.yml", 12, 24)


def s(text: str) -> StringToken:
    return StringToken(value=text)


def e(expression: str, span: Span | None = None) -> BasicExpressionToken:
    return BasicExpressionToken(span, expression)


def mapping(*pairs: tuple[Token, Token]) -> MappingToken:
    return MappingToken(pairs=pairs)


def test_env_merges_an_inserted_object_as_strings() -> None:
    env = mapping(
        (s("A"), s("a")),
        (InsertExpressionToken(), e("fromJSON(inputs.env)")),
        (s("Z"), NumberToken(value=1.0)),
    )
    contexts = {"inputs": {"env": '{"B": "b", "N": 2, "T": true, "E": null}'}}
    got = mapping_of(env, contexts, what="env")
    assert got == {"A": "a", "B": "b", "N": "2", "T": "true", "E": "", "Z": "1"}
    assert list(got) == ["A", "B", "N", "T", "E", "Z"]


def test_with_merges_an_inserted_literal_mapping() -> None:
    inner = mapping((s("path"), e("format('{0}/x', 'a')")))
    with_ = mapping((s("name"), s("n")), (InsertExpressionToken(), inner))
    assert mapping_of(with_, {}, what="with") == {"name": "n", "path": "a/x"}


def test_inserting_a_non_mapping_fails_in_githubs_words() -> None:
    env = mapping((InsertExpressionToken(), e("fromJSON('[1]')", SPAN)))
    with pytest.raises(EvaluationFailed) as caught:
        mapping_of(env, {}, what="env")
    assert caught.value.message == (
        ".github/workflows/ci.yml (Line: 12, Col: 24): "
        "Error when evaluating 'env': Expected a mapping"
    )


def test_a_key_defined_twice_fails() -> None:
    env = mapping((s("a"), s("1")), (InsertExpressionToken(), e("fromJSON('{\"A\": 2}')", SPAN)))
    with pytest.raises(EvaluationFailed) as caught:
        mapping_of(env, {}, what="env")
    assert caught.value.message == (
        ".github/workflows/ci.yml (Line: 12, Col: 24): Error when evaluating 'env': "
        "'A' is already defined"
    )


def test_value_of_splices_array_items() -> None:
    labels = SequenceToken(items=(s("self-hosted"), e("fromJSON(inputs.labels)"), s("x64")))
    contexts = {"inputs": {"labels": '["linux", "gpu"]'}}
    assert value_of(labels, contexts, what="runs-on") == ["self-hosted", "linux", "gpu", "x64"]


def test_expression_errors_keep_their_wording() -> None:
    env = mapping((InsertExpressionToken(), e("foo(", SPAN)))
    with pytest.raises(EvaluationFailed) as caught:
        mapping_of(env, {}, what="env")
    assert caught.value.message == (
        ".github/workflows/ci.yml (Line: 12, Col: 24): "
        "Error when evaluating 'env': Unexpected end of expression: '('. "
        "Located at position 4 within expression: foo("
    )
