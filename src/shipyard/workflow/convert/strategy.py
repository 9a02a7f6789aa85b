"""``strategy:`` of a job: the matrix checks GitHub's service makes when reading the file.

GitHub's TypeScript converter keeps ``strategy`` as it is; GitHub's service also rejects a
literal matrix vector with no values (``os: []``). Everything else about the matrix
(include/exclude rules, the 256-job limit) is checked when the matrix is expanded, in
:mod:`shipyard.plan.matrix`.
"""

from __future__ import annotations

from shipyard.workflow.convert.context import ConvertContext
from shipyard.workflow.tokens import MappingToken, SequenceToken, StringToken, Token


def check_strategy(ctx: ConvertContext, token: Token) -> None:
    """Report an empty matrix vector, the one matrix error GitHub gives at read time."""
    if not isinstance(token, MappingToken):
        return
    matrix = token.get("matrix")
    if not isinstance(matrix, MappingToken):
        return
    for key, value in matrix:
        if not isinstance(key, StringToken) or key.value in ("include", "exclude"):
            continue
        if isinstance(value, SequenceToken) and len(value) == 0:
            ctx.error(
                value,
                f"Matrix vector '{key.value}' does not contain any values",
                hint=f"give '{key.value}' at least one value, or remove it",
            )
