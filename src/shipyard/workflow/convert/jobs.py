"""``jobs:``: every job, then GitHub's checks of the ``needs`` graph.

A port of ``jobs.js``. After the jobs are converted, the graph is walked from the jobs
without ``needs``: a workflow needs at least one such job, and every ``needs`` entry left
unsatisfied at the end names either an unknown job or a job on a cycle. Messages and
their order are GitHub's; Shipyard adds hints (the known job ids, a "did you mean", the
cycle itself), then its warnings for ``needs.X``/``steps.X`` that can only be empty
(:mod:`.references`).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import partial

from shipyard.workflow.convert.context import ConvertContext, assert_mapping, assert_string
from shipyard.workflow.convert.job import ConvertedJob, convert_job
from shipyard.workflow.convert.references import check_references
from shipyard.workflow.model import Job
from shipyard.workflow.tokens import MappingToken, StringToken, Token


@dataclass(slots=True)
class _Node:
    name: str
    needs: list[StringToken] = field(default_factory=list)


def convert_jobs(ctx: ConvertContext, token: Token) -> tuple[Job, ...]:
    """The jobs of ``jobs:`` in file order (a job GitHub cannot convert is left out)."""
    if not isinstance(token, MappingToken):
        ctx.error(token, "Invalid format for jobs")
        return ()
    converted: list[ConvertedJob] = []
    for key, value in token:
        job_key = assert_string(key, "job name")
        job_def = assert_mapping(value, f"job {job_key.value}")
        job = ctx.guard(None, partial(convert_job, ctx, job_key, job_def))
        if job is not None:
            converted.append(job)
    _validate_needs(ctx, token, converted)
    ids = [c.job.id for c in converted]
    for c in converted:
        check_references(ctx, c.job, c.token, ids)
    return tuple(c.job for c in converted)


def _validate_needs(ctx: ConvertContext, token: Token, jobs: list[ConvertedJob]) -> None:
    ready = [_Node(c.job.id) for c in jobs if not c.needs]
    waiting = [_Node(c.job.id, list(c.needs)) for c in jobs if c.needs]
    if not ready:
        ctx.error(
            token,
            "The workflow must contain at least one job with no dependencies.",
            hint=_no_start_hint(jobs),
        )
        return
    while ready:
        current = ready.pop(0)
        for i in range(len(waiting) - 1, -1, -1):
            node = waiting[i]
            for j in range(len(node.needs) - 1, -1, -1):
                if node.needs[j].value == current.name:
                    del node.needs[j]
                    if not node.needs:
                        ready.append(node)
                        del waiting[i]
    if not waiting:
        return
    names = [c.job.id for c in jobs]
    for node in waiting:
        for need in node.needs:
            if need.value in names:
                ctx.error(
                    need,
                    f"Job '{node.name}' depends on job '{need.value}' which creates a cycle "
                    "in the dependency graph.",
                    hint=_cycle_hint(node.name, need.value, waiting),
                )
            else:
                ctx.error(
                    need,
                    f"Job '{node.name}' depends on unknown job '{need.value}'.",
                    hint=_unknown_hint(need.value, names),
                )


def _no_start_hint(jobs: list[ConvertedJob]) -> str | None:
    if not jobs:
        return "add a job under `jobs:`"
    return "every job lists `needs`, so none can start: remove `needs` from the first job"


def _unknown_hint(need: str, names: list[str]) -> str:
    close = difflib.get_close_matches(need, names, n=1)
    if not close:
        lowered = {n.lower(): n for n in names}
        if need.lower() in lowered:
            close = [lowered[need.lower()]]
    known = ", ".join(names)
    if close:
        return f"did you mean '{close[0]}'? (jobs: {known})"
    return f"the jobs of this workflow are: {known}"


def _cycle_hint(start: str, first: str, waiting: list[_Node]) -> str | None:
    """``a → b → a``: a path back to ``start`` through unsatisfied needs, if one exists."""
    edges = {node.name: [n.value for n in node.needs] for node in waiting}
    path = [start, first]
    seen = {start}
    while path[-1] != start:
        here = path[-1]
        if here in seen and here != start:
            return None
        seen.add(here)
        nexts = edges.get(here, [])
        if not nexts:
            return None
        path.append(start if start in nexts else nexts[0])
        if len(path) > len(edges) + 2:
            return None
    return "cycle: " + " → ".join(path)
