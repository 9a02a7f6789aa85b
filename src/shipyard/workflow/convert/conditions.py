"""``if:`` conditions of jobs and steps: GitHub's implicit ``success() &&`` and its checks.

A port of ``if-condition.js``. The condition may be written bare (``if: a == b``) or as
an expression (``if: ${{ a == b }}``); either way it becomes a
:class:`~shipyard.workflow.tokens.BasicExpressionToken`. A condition that calls none of
``success()``, ``failure()``, ``cancelled()``, ``always()`` is wrapped as
``success() && (<condition>)``; an empty one is ``success()``. The result is then parsed
with the named values and functions allowed at that place, and a syntax error is reported
at the ``if`` value.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from shipyard.expr.ast import FunctionCall, walk
from shipyard.expr.errors import ExpressionError
from shipyard.expr.functions import FunctionInfo
from shipyard.expr.parser import parse_expression
from shipyard.workflow.convert.context import ConvertContext, assert_scalar
from shipyard.workflow.tokens import BasicExpressionToken, StringToken, Token

_MAX = 9007199254740991  # GitHub's "MAX" argument count (Number.MAX_SAFE_INTEGER)

JOB_IF_CONTEXTS: tuple[str, ...] = ("github", "inputs", "vars", "needs")
JOB_IF_FUNCTIONS: tuple[FunctionInfo, ...] = (
    FunctionInfo("always", 0, 0),
    FunctionInfo("failure", 0, _MAX),
    FunctionInfo("cancelled", 0, 0),
    FunctionInfo("success", 0, _MAX),
)
STEP_IF_CONTEXTS: tuple[str, ...] = (
    "github",
    "inputs",
    "vars",
    "needs",
    "strategy",
    "matrix",
    "steps",
    "job",
    "runner",
    "env",
)
STEP_IF_FUNCTIONS: tuple[FunctionInfo, ...] = (
    FunctionInfo("always", 0, 0),
    FunctionInfo("failure", 0, 0),
    FunctionInfo("cancelled", 0, 0),
    FunctionInfo("success", 0, 0),
    FunctionInfo("hashFiles", 1, 255),
)

_STATUS_FUNCTIONS = frozenset({"success", "failure", "cancelled", "always"})
# JavaScript's String.prototype.trim() removes these.
_JS_WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)

SUCCESS = "success()"


def default_condition() -> BasicExpressionToken:
    """The condition of a job or step without ``if:`` (``success()``, no position)."""
    return BasicExpressionToken(expression=SUCCESS)


def ensure_status_function(
    condition: str, contexts: Sequence[str], functions: Sequence[FunctionInfo]
) -> str:
    """``condition`` if it calls a status function, else ``success() && (condition)``.

    A condition that does not parse is returned unchanged, so that validation reports
    the real error.
    """
    return _analyse(condition, tuple(contexts), tuple(functions))[0]


@functools.lru_cache(maxsize=4096)
def _analyse(
    condition: str, contexts: tuple[str, ...], functions: tuple[FunctionInfo, ...]
) -> tuple[str, str | None]:
    """The final condition, and GitHub's error for it (``None`` when it is valid)."""
    if not condition:
        return SUCCESS, None
    try:
        tree = parse_expression(condition, contexts=contexts, functions=functions)
    except ExpressionError as err:
        return condition, err.message  # the final condition is the unparsable one
    if any(
        isinstance(node, FunctionCall) and node.name.lower() in _STATUS_FUNCTIONS
        for node in walk(tree)
    ):
        return condition, None
    final = f"{SUCCESS} && ({condition})"
    try:
        parse_expression(final, contexts=contexts, functions=functions)
    except ExpressionError as err:
        return final, err.message
    return final, None


def convert_if(
    ctx: ConvertContext,
    token: Token,
    *,
    contexts: Sequence[str],
    functions: Sequence[FunctionInfo],
    hint: str | None = None,
) -> BasicExpressionToken | None:
    """The condition of an ``if:`` value, or ``None`` (error recorded) when invalid.

    Raises :class:`~shipyard.workflow.convert.context.TokenTypeError` for a non-scalar.
    """
    scalar = assert_scalar(token, "if condition")
    source: str | None
    if isinstance(scalar, BasicExpressionToken):
        condition = scalar.expression
        source = scalar.source
    else:
        # The reader gives strings here; a bare `null`, `true` or `1` reads as its text.
        condition = str(scalar).strip(_JS_WHITESPACE)
        source = scalar.value if isinstance(scalar, StringToken) else None
    final, error = _analyse(condition, tuple(contexts), tuple(functions))
    if error is not None:
        ctx.error(token, error, hint=hint if "named-value" in error else None)
        return None
    return BasicExpressionToken(span=token.span, expression=final, source=source)
