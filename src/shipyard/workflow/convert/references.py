"""Shipyard's warnings for ``needs.<job>`` and ``steps.<id>`` that can only be empty.

GitHub never checks these: ``needs`` holds only the jobs a job lists in ``needs:``, and
``steps`` only the steps of the same job that have an ``id``, so any other name quietly
evaluates to nothing at run time (a classic source of empty outputs). The workflow is
valid either way, so these are warnings. Names are compared without regard to case, as
contexts are; expressions that index dynamically (``needs[matrix.job]``) are not judged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from shipyard.workflow.convert.context import ConvertContext
from shipyard.workflow.model import Job
from shipyard.workflow.tokens import (
    BasicExpressionToken,
    MappingToken,
    SequenceToken,
    StringToken,
    Token,
)

_STRING = re.compile(r"'(?:[^']|'')*'")
_REFERENCE = re.compile(r"(?<![\w.\]\-])(needs|steps)\s*\.\s*([A-Za-z_][A-Za-z0-9_-]*)", re.I)


def check_references(
    ctx: ConvertContext, job: Job, token: MappingToken, jobs: Iterable[str]
) -> None:
    """Warn about ``needs.X`` outside the job's needs and ``steps.X`` that is no step."""
    needed = {n.lower() for n in job.needs}
    known_steps = {s.user_id.lower() for s in job.steps if s.user_id}
    known_jobs = {j.lower() for j in jobs}
    reported: set[tuple[str, str]] = set()
    for expression in _expressions(job, token):
        text = _STRING.sub("''", expression.expression)
        for match in _REFERENCE.finditer(text):
            context, name = match.group(1).lower(), match.group(2)
            key = (context, name.lower())
            if key in reported:
                continue
            if context == "needs" and key[1] not in needed:
                reported.add(key)
                known = key[1] in known_jobs
                ctx.warning(
                    expression,
                    f"'needs.{name}' in job '{job.id}' refers to "
                    f"{'a job it does not need' if known else 'no job'}: GitHub gives it as empty",
                    hint=f"add '{name}' to the `needs` of '{job.id}'" if known else None,
                )
            elif context == "steps" and key[1] not in known_steps:
                reported.add(key)
                ctx.warning(
                    expression,
                    f"'steps.{name}' in job '{job.id}' refers to no step of that job: GitHub "
                    "gives it as empty",
                    hint=f"give the step whose result you want `id: {name}`",
                )


def _expressions(job: Job, token: MappingToken) -> Iterator[BasicExpressionToken]:
    """The job's expressions in file order; conditions as converted (bare ones included)."""
    found: list[BasicExpressionToken] = []
    if job.if_.span is not None:
        found.append(job.if_)
    found.extend(s.if_ for s in job.steps if s.if_.span is not None)
    stack: list[Token] = [token]
    while stack:
        current = stack.pop()
        if isinstance(current, BasicExpressionToken):
            found.append(current)
        elif isinstance(current, SequenceToken):
            stack.extend(reversed(current.items))
        elif isinstance(current, MappingToken):
            for key, value in reversed(current.pairs):
                if not (isinstance(key, StringToken) and key.value == "if"):
                    stack.extend((value, key))
    return iter(sorted(found, key=_position))


def _position(token: Token) -> tuple[int, int]:
    span = token.span
    return (span.line or 0, span.column or 0) if span else (0, 0)
