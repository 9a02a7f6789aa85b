"""GitHub's expression conformance corpus, run against :mod:`shipyard.expr`.

The corpus is the test data of GitHub's ``actions/languageservices`` expressions package
(``expressions/testdata/*.json``), read from ``$SHIPYARD_CONFORMANCE`` (default:
``<repo>/../shared/conformance``). One test per case, id ``file::case name::index``.
Cases are interpreted the way GitHub's own harness (``xlang.test.ts``) does: the case's
context names are the only named values allowed; ``result`` compares the kind and the
JSON form of the value (so NaN and Infinity compare as ``null``, and ``-0`` as ``0``);
``err`` expects an error at the given stage (``lexing``, ``parsing``, ``evaluation``)
with GitHub's exact message.

Skipped cases (each with its reason) are listed in :data:`SKIPPED`. GitHub's harness
skips the cases marked ``options.skip: [typescript]``; this one runs them, except those
listed there.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import pytest

from shipyard.expr import (
    EvaluationError,
    ExpressionError,
    evaluate,
    kind_name,
    parse_expression,
)
from shipyard.expr.functions import from_json_text
from shipyard.expr.lexer import tokenize

REPO_ROOT = Path(__file__).resolve().parents[2]
CONFORMANCE = Path(
    os.environ.get("SHIPYARD_CONFORMANCE", str(REPO_ROOT.parent / "shared" / "conformance"))
)
TESTDATA = CONFORMANCE / "github" / "expressions" / "testdata"

SKIPPED: dict[str, str] = {
    "syntax-errors.json::memory-errors::0": (
        "GitHub's runner caps the memory an evaluation may use ('The maximum allowed memory "
        "size was exceeded'); the reference TypeScript package has no such cap (its own "
        "harness skips this case) and neither does shipyard.expr"
    ),
}


def _load_cases() -> list[Any]:
    if not TESTDATA.is_dir():
        reason = f"expression conformance corpus not found at {TESTDATA} (set SHIPYARD_CONFORMANCE)"
        return [pytest.param(None, id="corpus-missing", marks=pytest.mark.skip(reason=reason))]
    params: list[Any] = []
    for path in sorted(TESTDATA.glob("*.json")):
        with path.open(encoding="utf-8") as f:
            suites = json.load(f)
        for name, cases in suites.items():
            for i, case in enumerate(cases):
                case_id = f"{path.name}::{name}::{i}"
                marks = [pytest.mark.skip(reason=SKIPPED[case_id])] if case_id in SKIPPED else []
                params.append(pytest.param(case, id=case_id, marks=marks))
    return params


def _is_index_key(key: str) -> bool:
    return (
        key.isascii() and key.isdigit() and (key == "0" or key[0] != "0") and int(key) < 2**32 - 1
    )


def _as_json(value: Any) -> Any:
    """``JSON.parse(JSON.stringify(value))`` with JavaScript's number and key-order rules."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        number = float(value)
        return number + 0.0 if math.isfinite(number) else None  # -0 -> 0, NaN -> null
    if isinstance(value, (list, tuple)):
        return [_as_json(v) for v in value]
    keys = sorted((k for k in value if _is_index_key(k)), key=int)
    keys += [k for k in value if not _is_index_key(k)]
    return [(k, _as_json(value[k])) for k in keys]


def _message_matches(message: str, expected: str) -> bool:
    # A few corpus entries give only the start of a positioned message, e.g. "Too few
    # parameters supplied: " (GitHub's harness checks with `toContain`); those must be a
    # prefix. Every other message must match exactly.
    marker = " within expression: "
    if marker not in expected and marker in message:
        return message.startswith(expected)
    return message == expected


@pytest.mark.parametrize("case", _load_cases())
def test_expression_case(case: dict[str, Any]) -> None:
    expr: str = case["expr"]
    raw_contexts = case.get("contexts") or {}
    contexts = from_json_text(json.dumps(raw_contexts))
    assert isinstance(contexts, dict)
    err: dict[str, str] = case.get("err") or {}
    stage = err.get("kind")

    if stage == "lexing":
        with pytest.raises(ExpressionError) as lex_error:
            tokenize(expr)
        assert _message_matches(lex_error.value.message, err["value"]), lex_error.value.message
        return
    tokenize(expr)

    if stage == "parsing":
        with pytest.raises(ExpressionError) as parse_error:
            parse_expression(expr, contexts=list(contexts))
        assert _message_matches(parse_error.value.message, err["value"]), parse_error.value.message
        return
    tree = parse_expression(expr, contexts=list(contexts))

    if stage == "evaluation":
        with pytest.raises(EvaluationError) as eval_error:
            evaluate(tree, contexts)
        assert _message_matches(eval_error.value.message, err["value"]), eval_error.value.message
        return
    assert stage is None, f"unknown error kind {stage!r}"

    result = evaluate(tree, contexts)
    expected = case["result"]
    assert kind_name(result) == expected["kind"], result
    assert _as_json(result) == _as_json(expected["value"])
