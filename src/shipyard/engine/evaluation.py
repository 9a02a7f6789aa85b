"""Evaluating a job's template tokens at run time, with the contexts of the moment.

Owns the small rules of turning tokens into values: a string field becomes the string an
expression's value coerces to inside ``${{ }}``; a mapping (``env``, ``with``) becomes a
mapping of such strings; a condition becomes a boolean under the status functions of its
place. Errors come back as :class:`EvaluationFailed` carrying GitHub-style text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from shipyard.errors import UserError
from shipyard.expr import EvaluationError, ExpressionError, evaluate, is_truthy, to_display_string
from shipyard.workflow.tokens import (
    BasicExpressionToken,
    JsonValue,
    TemplateValueError,
    Token,
    to_value,
)

Functions = Mapping[str, Callable[..., object]]


class EvaluationFailed(UserError):
    """An expression of the workflow failed at run time."""


def _evaluator(
    contexts: Mapping[str, object], functions: Functions | None, what: str
) -> Callable[[BasicExpressionToken], JsonValue]:
    def run(token: BasicExpressionToken) -> JsonValue:
        try:
            return evaluate(token.expression, contexts, functions)  # type: ignore[return-value]
        except (ExpressionError, EvaluationError) as error:
            where = token.span.prefix() if token.span else ""
            raise EvaluationFailed(
                f"{where}Error when evaluating '{what}': {error.message}"
            ) from None

    return run


def value_of(
    token: Token | None,
    contexts: Mapping[str, object],
    functions: Functions | None = None,
    *,
    what: str = "value",
) -> JsonValue:
    """The plain value of a token tree (``None`` for an absent token), unravelled.

    ``${{ insert }}`` merges mappings and array-valued sequence items are spliced, as
    GitHub's runner unravels templates (see :func:`~shipyard.workflow.tokens.to_value`).
    """
    if token is None:
        return None
    try:
        return to_value(token, _evaluator(contexts, functions, what))
    except TemplateValueError as error:
        where = error.span.prefix() if error.span else ""
        raise EvaluationFailed(f"{where}Error when evaluating '{what}': {error.message}") from None


def string_of(
    token: Token | None,
    contexts: Mapping[str, object],
    functions: Functions | None = None,
    *,
    what: str = "value",
) -> str | None:
    """A scalar field as the string GitHub would see (``None`` when absent)."""
    if token is None:
        return None
    return to_display_string(value_of(token, contexts, functions, what=what))


def mapping_of(
    token: Token | None,
    contexts: Mapping[str, object],
    functions: Functions | None = None,
    *,
    what: str = "env",
) -> dict[str, str]:
    """An ``env``/``with``/``outputs`` mapping as strings (an expression may give the whole)."""
    if token is None:
        return {}
    whole = value_of(token, contexts, functions, what=what)
    if whole is None:
        return {}
    if not isinstance(whole, dict):
        where = token.span.prefix() if token.span else ""
        raise EvaluationFailed(f"{where}'{what}' must be a mapping, got {to_display_string(whole)}")
    return {str(k): to_display_string(v) for k, v in whole.items()}


def condition_holds(
    token: BasicExpressionToken, contexts: Mapping[str, object], functions: Functions
) -> bool:
    """Evaluate an ``if`` (the implicit ``success() &&`` is already in the token)."""
    return is_truthy(value_of(token, contexts, functions, what="if"))


def hash_files_function(workspace: Path) -> Callable[..., object]:
    """``hashFiles()`` bound to a job's workspace."""

    def hash_files(*patterns: object) -> str:
        from shipyard.actions.globs import PatternError
        from shipyard.hashfiles import hash_files as compute

        texts = [str(p) for p in patterns]
        try:
            return compute(workspace, texts)
        except (PatternError, OSError) as error:  # the runner's words, then the cause
            listed = ", ".join(t.replace("'", "''") for t in texts)
            raise EvaluationError(
                f"hashFiles('{listed}') failed. Fail to hash files under directory "
                f"'{workspace}' ({error})"
            ) from None

    return hash_files
