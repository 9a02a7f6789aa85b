"""The run plan: which job instances a workflow run has, with their names and matrices.

Owns turning a :class:`~shipyard.workflow.model.Workflow` into a :class:`RunPlan`: the
``needs`` graph, each job's ``strategy`` evaluated (with the ``github``, ``inputs``,
``vars`` and ``needs`` contexts) and its matrix expanded, and each instance's display
name. A job whose strategy or name reads ``needs`` cannot be planned before those jobs
finish: it gets one *deferred* placeholder, expanded later by :func:`expand_deferred`.

Expressions are evaluated through an injected ``evaluate(token, contexts)`` callable;
the default uses :mod:`shipyard.expr`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import cast

from shipyard.errors import UserError
from shipyard.expr import evaluate as evaluate_expression
from shipyard.expr.values import number_to_string_g15
from shipyard.plan.matrix import (
    MatrixConfiguration,
    MatrixError,
    MatrixLimitError,
    expand_matrix_configurations,
)
from shipyard.plan.strategy import Strategy, parse_strategy, strategy_context
from shipyard.valueclass import dataclass, field, replace
from shipyard.workflow.graph import JobGraph, build_graph
from shipyard.workflow.model import Job, Workflow
from shipyard.workflow.tokens import (
    BasicExpressionToken,
    JsonValue,
    MappingToken,
    SequenceToken,
    TemplateValueError,
    Token,
    to_value,
)

Evaluate = Callable[[Token, Mapping[str, object]], object]
"""``evaluate(token, contexts)``: the value of an expression token under ``contexts``."""


class PlanError(UserError):
    """An expression in a job's ``strategy`` or ``name`` could not be evaluated."""


def evaluate_with_expr(token: Token, contexts: Mapping[str, object]) -> object:
    """The default evaluator: :func:`shipyard.expr.evaluate` on the token's expression."""
    if not isinstance(token, BasicExpressionToken):
        return to_value(token)
    return evaluate_expression(token.expression, contexts)


@dataclass(frozen=True, slots=True)
class JobInstance:
    """One job to run: a job, or one configuration of its matrix.

    ``index``/``total`` place it within its job's matrix (0 and 1 without one).
    ``deferred`` marks a placeholder whose strategy or name needs the outputs of jobs
    that have not finished; ``deferred_reason`` says which.
    """

    job_id: str
    name: str
    matrix: dict[str, object] | None = field(default=None, hash=False)
    needs: tuple[str, ...] = ()
    fail_fast: bool = True
    max_parallel: int | None = None
    index: int = 0
    total: int = 1
    deferred: bool = False
    deferred_reason: str | None = None

    @property
    def strategy(self) -> dict[str, object]:
        """The ``strategy`` context this instance sees."""
        plan = Strategy(self.fail_fast, self.max_parallel, self.matrix)
        return strategy_context(plan, self.index, self.total, has_matrix=self.matrix is not None)


@dataclass(frozen=True, slots=True)
class RunPlan:
    """Every job instance of a run, jobs in file order, plus the ``needs`` graph."""

    workflow: Workflow = field(repr=False, compare=False, hash=False)
    jobs: tuple[JobInstance, ...]
    graph: JobGraph
    contexts: Mapping[str, object] = field(repr=False, compare=False, hash=False)
    evaluate: Evaluate = field(repr=False, compare=False, hash=False)

    def instances(self, job_id: str) -> tuple[JobInstance, ...]:
        """The instances of one job (any case of its id)."""
        job = self.graph.canonical(job_id)
        return tuple(i for i in self.jobs if i.job_id == job)

    @property
    def deferred(self) -> tuple[str, ...]:
        """Ids of the jobs still waiting for ``needs`` outputs before they can be expanded."""
        return tuple(i.job_id for i in self.jobs if i.deferred)


_STRING_LITERAL = re.compile(r"'(?:[^']|'')*'")
_NEEDS = re.compile(r"(?<![\w.\-])needs\b(?!\s*\()", re.IGNORECASE)


def _reads_needs(token: Token | None) -> bool:
    """Whether any expression in the token tree reads the ``needs`` context."""
    if token is None:
        return False
    if isinstance(token, BasicExpressionToken):
        return _NEEDS.search(_STRING_LITERAL.sub("''", token.expression)) is not None
    if isinstance(token, SequenceToken):
        return any(_reads_needs(item) for item in token.items)
    if isinstance(token, MappingToken):
        return any(_reads_needs(k) or _reads_needs(v) for k, v in token.pairs)
    return False


def _needs_context(
    needs: tuple[str, ...],
    outputs: Mapping[str, Mapping[str, str]],
    results: Mapping[str, str],
) -> dict[str, object]:
    folded_outputs = {k.casefold(): v for k, v in outputs.items()}
    folded_results = {k.casefold(): v for k, v in results.items()}
    return {
        need: {
            "result": folded_results.get(need.casefold(), "success"),
            "outputs": dict(folded_outputs.get(need.casefold(), {})),
        }
        for need in needs
    }


def _display(value: object) -> str:
    """An evaluated ``name`` as text (the server's: a number prints as ``G15``)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return number_to_string_g15(float(value))
    if value is None:
        return ""
    return "Array" if isinstance(value, (list, tuple)) else "Object"


def _unravel(
    token: Token, evaluate: Evaluate, contexts: Mapping[str, object], what: str, job_id: str
) -> JsonValue:
    """The value of ``token`` unravelled as GitHub's runner does (inserts, array splices)."""
    try:
        return to_value(token, _evaluator(evaluate, contexts, what, job_id))
    except TemplateValueError as error:
        raise PlanError(
            f"Error when evaluating '{what}' for job '{job_id}'. {error.message}", span=error.span
        ) from error


def _evaluator(
    evaluate: Evaluate, contexts: Mapping[str, object], what: str, job_id: str
) -> Callable[[BasicExpressionToken], JsonValue]:
    """``evaluate`` bound to ``contexts``, its errors prefixed the way GitHub does."""

    def run(token: BasicExpressionToken) -> JsonValue:
        try:
            return cast(JsonValue, evaluate(token, contexts))
        except UserError as error:
            raise PlanError(
                f"Error when evaluating '{what}' for job '{job_id}'. {error.message}",
                span=token.span,
                hint=error.hint,
            ) from error

    return run


def plan_job(
    job: Job,
    needs: tuple[str, ...],
    evaluate: Evaluate,
    contexts: Mapping[str, object],
    needs_outputs: Mapping[str, Mapping[str, str]] | None,
    needs_results: Mapping[str, str],
) -> tuple[JobInstance, ...]:
    """The instances of one job (its matrix expanded and named), or a deferred placeholder.

    ``needs`` are the job's needs as canonical ids; ``needs_outputs`` the outputs of those
    that finished (``None``: none has); ``needs_results`` their results.
    """
    base = _base_name(job)
    waiting_on = [
        n
        for n in needs
        if needs_outputs is None or n.casefold() not in {k.casefold() for k in needs_outputs}
    ]
    reads = [w for w, t in (("strategy", job.strategy), ("name", job.name)) if _reads_needs(t)]
    if reads and waiting_on:
        verb = "read" if len(reads) > 1 else "reads"
        waiting = ", ".join(f"'{n}'" for n in waiting_on)
        reason = f"the {' and '.join(reads)} of job '{job.id}' {verb} the outputs of {waiting}"
        return (JobInstance(job.id, base, None, needs, deferred=True, deferred_reason=reason),)

    scope = {**contexts, "needs": _needs_context(needs, needs_outputs or {}, needs_results)}
    strategy_value = None
    if job.strategy is not None:
        strategy_value = _unravel(job.strategy, evaluate, scope, "strategy", job.id)
    prefix = f"Error when evaluating 'strategy' for job '{job.id}'. "
    span = job.strategy.span if job.strategy is not None else None
    try:
        strategy = parse_strategy(strategy_value)
        configs = expand_matrix_configurations(strategy.matrix, job_id=job.id)
    except MatrixLimitError as error:
        raise MatrixLimitError(error.message, span=span, hint=error.hint) from error
    except MatrixError as error:
        raise MatrixError(
            prefix + error.message,
            problems=[prefix + p for p in error.problems],
            span=span,
            hint=error.hint,
        ) from error

    rows: list[MatrixConfiguration | None] = list(configs) or [None]
    total = len(rows)
    out: list[JobInstance] = []
    for index, config in enumerate(rows):
        matrix = None if config is None else config.values
        instance = JobInstance(
            job.id,
            base,
            matrix,
            needs,
            fail_fast=strategy.fail_fast,
            max_parallel=strategy.max_parallel,
            index=index,
            total=total,
        )
        out.append(replace(instance, name=_name(job, base, config, instance, evaluate, scope)))
    return tuple(out)


def _base_name(job: Job) -> str:
    """The name the matrix suffix is appended to: a literal ``name``, else the job id."""
    name = job.name
    if name is None or name.is_expression or isinstance(name, (MappingToken, SequenceToken)):
        return job.id
    return str(name) or job.id


def _name(
    job: Job,
    base: str,
    config: MatrixConfiguration | None,
    instance: JobInstance,
    evaluate: Evaluate,
    scope: Mapping[str, object],
) -> str:
    """GitHub's display name: a literal name gets the matrix suffix, an expression does not."""
    fallback = base if config is None else config.name(base)
    if job.name is None or not job.name.is_expression:
        return fallback
    contexts = {**scope, "matrix": instance.matrix, "strategy": instance.strategy}
    value = _unravel(job.name, evaluate, contexts, "name", job.id)
    return _display(value) or fallback


def plan_workflow(
    workflow: Workflow,
    *,
    evaluate: Evaluate = evaluate_with_expr,
    contexts: Mapping[str, object],
    needs_outputs: Mapping[str, Mapping[str, str]] | None = None,
    needs_results: Mapping[str, str] | None = None,
) -> RunPlan:
    """Plan a run: check the ``needs`` graph, expand every job's matrix, name instances.

    ``contexts`` holds ``github``, ``inputs`` and ``vars``. ``needs_outputs`` maps a
    finished job's id to its outputs; a job whose ``strategy`` or ``name`` reads ``needs``
    while one of its needs is absent there becomes a deferred placeholder. Raises
    :class:`~shipyard.workflow.graph.GraphError`, :class:`~shipyard.plan.matrix.MatrixError`
    or :class:`PlanError`.
    """
    graph = build_graph([j.id for j in workflow.jobs], {j.id: j.needs for j in workflow.jobs})
    instances: list[JobInstance] = []
    for job in workflow.jobs:
        instances.extend(
            plan_job(
                job, graph.needs[job.id], evaluate, contexts, needs_outputs, needs_results or {}
            )
        )
    return RunPlan(workflow, tuple(instances), graph, contexts, evaluate)


def expand_deferred(
    plan: RunPlan,
    job_id: str,
    needs_outputs: Mapping[str, Mapping[str, str]],
    *,
    needs_results: Mapping[str, str] | None = None,
) -> RunPlan:
    """Replace a job's deferred placeholder by its instances, now that its needs are done.

    ``needs_outputs`` (and ``needs_results``, default ``success``) describe the finished
    jobs it needs. A job that is not deferred is returned unchanged.
    """
    canonical = plan.graph.canonical(job_id)
    current = plan.instances(canonical)
    if not any(i.deferred for i in current):
        return plan
    job = plan.workflow.job(canonical)
    assert job is not None
    fresh = plan_job(
        job,
        plan.graph.needs[canonical],
        plan.evaluate,
        plan.contexts,
        needs_outputs,
        needs_results or {},
    )
    jobs: list[JobInstance] = []
    for instance in plan.jobs:
        if instance.job_id != canonical:
            jobs.append(instance)
        elif instance is current[0]:
            jobs.extend(fresh)
    return replace(plan, jobs=tuple(jobs))
