"""``jobs:``: every job, then GitHub's checks of the ``needs`` graph.

A port of ``jobs.js``. After the jobs are converted, the graph is walked from the jobs
without ``needs``: a workflow needs at least one such job, and every ``needs`` entry left
unsatisfied at the end names either an unknown job or a job on a cycle. Messages and
their order are GitHub's; Shipyard adds hints (the known job ids, a "did you mean", the
cycle itself), then its warnings for ``needs.X``/``steps.X`` that can only be empty
(:mod:`.references`).
"""

from __future__ import annotations

from functools import partial

from shipyard.workflow.convert.context import ConvertContext, assert_mapping, assert_string
from shipyard.workflow.convert.job import ConvertedJob, convert_job
from shipyard.workflow.convert.references import check_references
from shipyard.workflow.graph import find_graph_problems
from shipyard.workflow.model import Job
from shipyard.workflow.tokens import MappingToken, Token


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
    """GitHub's checks of the graph (:mod:`shipyard.workflow.graph`), at each ``needs`` entry."""
    problems = find_graph_problems(
        [c.job.id for c in jobs], {c.job.id: [n.value for n in c.needs] for c in jobs}
    )
    tokens = {(c.job.id, n.value): n for c in jobs for n in c.needs}
    for problem in problems:
        where = tokens.get((problem.job_id or "", problem.need or ""), token)
        ctx.error(where, problem.message, hint=problem.hint)
