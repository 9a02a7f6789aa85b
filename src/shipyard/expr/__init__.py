"""GitHub Actions expressions: ``github.ref == 'refs/heads/main' && !cancelled()``.

Ported from GitHub's actions/languageservices expressions package
(``@actions/expressions`` 0.3.61), MIT licence, Copyright GitHub, Inc. Behaviour matches
it, checked against GitHub's conformance corpus, except where the TypeScript package
diverges from GitHub's own runner; there this package follows the runner:

- error positions count characters from the start of the expression even across
  newlines (the TypeScript package restarts the column on each line);
- every ``''`` in a string literal is an escaped quote (the TypeScript package unescapes
  only the first);
- an over-long expression reports ``Exceeded max expression length 21000``;
- object keys such as ``constructor`` are ordinary keys (the TypeScript package drops
  keys that collide with JavaScript's ``Object.prototype``).

Differences that come from running on Python rather than JavaScript: positions count
code points (JavaScript counts UTF-16 units), and for a host-supplied object with keys
that differ only by case an exact-case match wins (JavaScript keeps the first key).
GitHub's runner also caps an evaluation's memory (``The maximum allowed memory size was
exceeded``); neither the TypeScript package nor this one does.

Layers: :mod:`.lexer` → :mod:`.parser` (→ :mod:`.ast`) → :mod:`.evaluator`, with the
value model in :mod:`.values`, built-ins in :mod:`.functions` and ``${{ }}`` handling in
:mod:`.template`. Pure code: no I/O.
"""

from __future__ import annotations

from shipyard.expr.ast import Expr, referenced_contexts, referenced_functions
from shipyard.expr.errors import MAX_DEPTH, MAX_LENGTH, EvaluationError, ExpressionError
from shipyard.expr.evaluator import evaluate
from shipyard.expr.functions import (
    BUILTIN_FUNCTIONS,
    HASHFILES,
    HOST_FUNCTIONS,
    STATUS_FUNCTION_NAMES,
    STATUS_FUNCTIONS,
    FunctionInfo,
)
from shipyard.expr.parser import parse_expression
from shipyard.expr.template import (
    TemplatePart,
    evaluate_condition,
    render_template,
    split_template,
)
from shipyard.expr.values import is_truthy, kind_name
from shipyard.expr.values import to_string as to_display_string

__all__ = [
    "BUILTIN_FUNCTIONS",
    "HASHFILES",
    "HOST_FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "STATUS_FUNCTIONS",
    "STATUS_FUNCTION_NAMES",
    "EvaluationError",
    "Expr",
    "ExpressionError",
    "FunctionInfo",
    "TemplatePart",
    "evaluate",
    "evaluate_condition",
    "is_truthy",
    "kind_name",
    "parse_expression",
    "referenced_contexts",
    "referenced_functions",
    "render_template",
    "split_template",
    "to_display_string",
]
