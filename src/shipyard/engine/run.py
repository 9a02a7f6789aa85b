"""The orchestration of ``shipyard run``: load → event → triggers → plan → schedule → results.

A pipeline of small steps (as nox does it): read the workflow files, build the event from
git, keep the workflows the event fires, turn their jobs into scheduler nodes (a job's
``if``, matrix and concurrency are decided when its needs are done), run them, and
collect a :class:`RunResult`. Reusable workflows called with ``uses: ./…`` run nested,
their jobs reported as ``caller / job``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any, cast

from shipyard.backends.base import CancelToken
from shipyard.diagnostics import Severity
from shipyard.engine.evaluation import EvaluationFailed, condition_holds, mapping_of, string_of
from shipyard.engine.events import LocalEvent
from shipyard.engine.job import JobRunner, JobSpec
from shipyard.engine.observer import JobReport, RunObserver
from shipyard.engine.scheduler import (
    Instance,
    InstanceResult,
    Node,
    NodeResult,
    Preparation,
    Scheduler,
)
from shipyard.engine.settings import RunSettings
from shipyard.plan.conditions import status_functions
from shipyard.plan.matrix import MatrixError
from shipyard.plan.planner import JobInstance, PlanError, plan_job
from shipyard.valueclass import dataclass, field
from shipyard.workflow.model import Job, Workflow
from shipyard.workflow.tokens import BasicExpressionToken, MappingToken


@dataclass(slots=True)
class WorkflowRun:
    """One fired workflow of the run."""

    index: int
    workflow: Workflow
    github: dict[str, Any]
    inputs: dict[str, object]
    env: dict[str, str] = field(default_factory=dict)
    concurrency_group: str | None = None
    concurrency_cancel: bool = False  # its cancel-in-progress
    reports: list[JobReport] = field(default_factory=list)
    conclusion: str = "success"
    error: str | None = None


@dataclass(slots=True)
class RunResult:
    """Every job report, per workflow, and the run's conclusion."""

    workflows: list[WorkflowRun]
    conclusion: str
    cancelled: bool = False
    # node key ("<workflow index>:<job id>") -> the job's result over all its combinations
    jobs: Mapping[str, NodeResult] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Selection:
    """``-j JOB`` and ``--matrix k=v`` filters (``matrix``: each key with the values allowed)."""

    jobs: tuple[str, ...] = ()
    matrix: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def workflow_github(settings: RunSettings, workflow: Workflow, event: LocalEvent) -> dict[str, Any]:
    """The ``github`` context of a workflow run (before job fields are added)."""
    github = dict(event.github)
    repo = github.get("repository", "")
    github.update(
        event=event.payload,
        run_id=str(settings.run_id),
        run_number=str(settings.run_number),
        run_attempt="1",
        retention_days="90",
        workflow=workflow.display_name,
        workflow_ref=f"{repo}/{workflow.path}@{github.get('ref', '')}",
        workflow_sha=github.get("sha", ""),
        repository_id="",
        repository_owner_id="",
        actor_id="",
        secret_source="None",
    )
    return github


class RunEngine:
    """Runs the fired workflows of one invocation (see the module docstring)."""

    def __init__(
        self,
        settings: RunSettings,
        workflows: Sequence[WorkflowRun],
        observer: RunObserver,
        *,
        max_jobs: int,
        selection: Selection = Selection(),
        key_prefix: str = "",
        durations: Mapping[tuple[str, str], float] | None = None,
    ) -> None:
        self.settings = settings
        # (workflow path, job id) -> seconds it took last time: the scheduler starts the
        # jobs heading the longest chains first
        self.durations = dict(durations or {})
        self.workflows = list(workflows)
        self.observer = observer
        self.max_jobs = max_jobs
        self.selection = selection
        self.key_prefix = key_prefix  # "<caller job>#<instance>/" in a called workflow
        # node key -> whether a job up its needs chain failed (job-level failure())
        self._failed_upstream: dict[str, bool] = {}
        self._payloads: dict[str, object] = {}  # node key -> (workflow run, job)
        self.scheduler: Scheduler | None = None

    def job_key(self, run: WorkflowRun, job: Job, index: int) -> str:
        """A job instance's key, unique in the whole run (called workflows included)."""
        return f"{run.index}:{self.key_prefix}{job.id}#{index}"

    def cancel(self) -> None:
        """Cancel the run (e.g. on Ctrl-C); always()/cancelled() steps still run."""
        if self.scheduler is not None:
            self.scheduler.cancel()

    def nodes(self) -> list[Node]:
        """One scheduler node per selected job."""
        nodes: list[Node] = []
        known = self.durations.values()
        usual = sum(known) / len(known) if known else 1.0
        for run in self.workflows:
            jobs = _select(run.workflow, self.selection.jobs)
            for job in jobs:
                nodes.append(
                    Node(
                        key=f"{run.index}:{job.id}",
                        needs=tuple(
                            f"{run.index}:{n}" for n in _canonical_needs(run.workflow, job)
                        ),
                        workflow_group=run.concurrency_group,
                        workflow_cancel=run.concurrency_cancel,
                        payload=(run, job),
                        weight=self.durations.get((run.workflow.path, job.id), usual),
                    )
                )
        return nodes

    def run(self) -> RunResult:
        """Run everything; returns when every job has a result."""
        nodes = self.nodes()
        self._payloads = {node.key: node.payload for node in nodes}
        self.scheduler = Scheduler(
            nodes, self._prepare, self._run, max_jobs=self.max_jobs, listener=self._listen
        )
        results = self.scheduler.run()
        for run in self.workflows:
            if run.error:
                run.conclusion = "failure"
                continue
            keys = [k for k in results if k.split(":", 1)[0] == str(run.index)]
            run.conclusion = _conclusion([results[k].result for k in keys])
        overall = _conclusion([w.conclusion for w in self.workflows])
        if self.scheduler.cancelled:
            overall = "cancelled"
        return RunResult(self.workflows, overall, self.scheduler.cancelled, results)

    # -- scheduler callbacks -----------------------------------------------------------

    def _prepare(self, node: Node, needs: Mapping[str, NodeResult], cancelled: bool) -> Preparation:
        run, job = cast(tuple[WorkflowRun, Job], node.payload)
        needs_ctx = {
            key.split(":", 1)[1]: {"result": r.result, "outputs": dict(r.outputs)}
            for key, r in needs.items()
        }
        contexts = {
            "github": run.github,
            "inputs": run.inputs,
            "vars": dict(self.settings.vars),
            "needs": needs_ctx,
        }
        status = "cancelled" if cancelled else "success"
        ancestor_failed = any(
            r.result == "failure" or self._failed_upstream.get(key, False)
            for key, r in needs.items()
        )
        self._failed_upstream[node.key] = ancestor_failed
        functions = status_functions(
            status=status, needs=needs_ctx, job_level=True, ancestor_failed=ancestor_failed
        )
        try:
            runs = condition_holds(job.if_, contexts, functions)
        except EvaluationFailed as error:
            return self._skip(run, job, error.message, result="failure")
        if not runs:
            why = "the run was cancelled" if cancelled else _skip_reason(job, needs_ctx)
            return self._skip(run, job, why, result="cancelled" if cancelled else "skipped")
        try:
            instances = plan_job(
                job,
                _canonical_needs(run.workflow, job),
                lambda token, ctx: _evaluate_token(token, ctx),
                contexts,
                {k: v["outputs"] for k, v in needs_ctx.items()},  # type: ignore[misc]
                {k: str(v["result"]) for k, v in needs_ctx.items()},
            )
        except (PlanError, MatrixError) as error:
            return self._skip(run, job, error.message, result="failure")
        instances = self._filter_matrix(instances)
        if not instances:
            return self._skip(run, job, "no matrix combination matches --matrix", result="skipped")
        first = instances[0]
        planned = []
        for i, inst in enumerate(instances):  # each leg its own group (it may use matrix)
            scope = {**contexts, "matrix": inst.matrix, "strategy": inst.strategy}
            group, cancel_in_progress = self._job_concurrency(run, job, scope)
            payload = (run, job, inst, needs_ctx)
            planned.append(Instance(node.key, i, payload, group, cancel_in_progress))
        return Preparation(
            instances=tuple(planned),
            fail_fast=first.fail_fast,
            max_parallel=first.max_parallel,
        )

    def _listen(self, event: str, key: str, detail: object) -> None:
        """Report the job instances cancelled before they ran (concurrency, fail-fast, Ctrl-C)."""
        if event != "cancelled":
            return
        instance, why = cast(tuple[Instance | None, str], detail)
        if instance is None:  # a job of a workflow run cancelled before its needs were done
            run, job = cast(tuple[WorkflowRun, Job], self._payloads[key])
            index, name, matrix = 0, job.display_name, None
        else:
            run, job, inst, _needs = cast(
                tuple[WorkflowRun, Job, JobInstance, dict[str, Any]], instance.payload
            )
            index, name, matrix = inst.index, inst.name, inst.matrix
        from shipyard.stepio.events import Annotation

        report = JobReport(
            key=self.job_key(run, job, index),
            workflow_path=run.workflow.path,
            job_id=job.id,
            name=name,
            matrix=matrix,
            result="cancelled",
            skip_reason=why,
        )
        report.annotations.append(Annotation(level=Severity.ERROR, message=why))
        run.reports.append(report)
        self.observer.job_finished(report)

    def _skip(self, run: WorkflowRun, job: Job, why: str, *, result: str) -> Preparation:
        report = JobReport(
            key=self.job_key(run, job, 0),
            workflow_path=run.workflow.path,
            job_id=job.id,
            name=job.display_name,
            matrix=None,
            result=result,
            skip_reason=why,
        )
        if result == "failure":
            from shipyard.stepio.events import Annotation

            report.annotations.append(Annotation(level=Severity.ERROR, message=why))
        run.reports.append(report)
        self.observer.job_finished(report)
        return Preparation(skip_reason=why, result_if_skipped=result)

    def _filter_matrix(self, instances: tuple[JobInstance, ...]) -> tuple[JobInstance, ...]:
        """The combinations ``--matrix`` keeps, as act filters them: a key the matrix has
        must have one of the values given for it (keys compare ignoring case); a key it
        does not have filters nothing. A job without a matrix is kept whole."""
        if not self.selection.matrix:
            return instances
        return tuple(i for i in instances if matrix_matches(i.matrix, self.selection.matrix))

    def _job_concurrency(
        self, run: WorkflowRun, job: Job, contexts: Mapping[str, object]
    ) -> tuple[str | None, bool]:
        token = job.concurrency
        if token is None:
            return None, False
        try:
            if isinstance(token, MappingToken):
                group = string_of(token.get("group"), contexts, what="concurrency.group")
                cancel = string_of(token.get("cancel-in-progress"), contexts, what="concurrency")
                return group, cancel == "true"
            return string_of(token, contexts, what="concurrency"), False
        except EvaluationFailed:
            return None, False

    def _run(self, instance: Instance, cancel: CancelToken) -> InstanceResult:
        try:
            return self._run_instance(instance, cancel)
        except Exception as error:  # a bug in Shipyard: fail the job, loudly, and go on
            return self._crashed(instance, error)

    def _crashed(self, instance: Instance, error: Exception) -> InstanceResult:
        import traceback

        run, job, inst, _needs = cast(
            tuple[WorkflowRun, Job, JobInstance, dict[str, Any]], instance.payload
        )
        message = f"Shipyard failed running this job (a bug in Shipyard): {error!r}"
        report = JobReport(
            key=self.job_key(run, job, inst.index),
            workflow_path=run.workflow.path,
            job_id=job.id,
            name=inst.name,
            matrix=inst.matrix,
            result="failure",
            started=time.time(),
            ended=time.time(),
        )
        from shipyard.stepio.events import Annotation

        report.annotations.append(Annotation(level=Severity.ERROR, message=message))
        run.reports.append(report)
        self.observer.job_started(report)
        for line in traceback.format_exception(type(error), error, error.__traceback__):
            for text in line.rstrip("\n").splitlines():
                self.observer.log(report, text)
        self.observer.job_finished(report)
        return InstanceResult("failure")

    def _run_instance(self, instance: Instance, cancel: CancelToken) -> InstanceResult:
        run, job, inst, needs_ctx = cast(
            tuple[WorkflowRun, Job, JobInstance, dict[str, Any]], instance.payload
        )
        if job.is_reusable_call:
            return self._run_called(run, job, inst, needs_ctx, cancel)
        spec = JobSpec(
            key=self.job_key(run, job, inst.index),
            workflow=run.workflow,
            workflow_index=run.index,
            job=job,
            name=inst.name,
            matrix=inst.matrix,
            strategy=inst.strategy,
            needs=needs_ctx,
            github=run.github,
            inputs=run.inputs,
            workflow_env=run.env,
        )
        runner = JobRunner(self.settings, spec, self.observer)
        report = runner.run(cancel)
        run.reports.append(report)
        counts_as = None
        if report.result == "failure" and job.continue_on_error is not None:
            try:
                value = string_of(
                    job.continue_on_error,
                    {
                        "github": run.github,
                        "inputs": run.inputs,
                        "matrix": inst.matrix,
                        "strategy": inst.strategy,
                        "needs": needs_ctx,
                        "vars": dict(self.settings.vars),
                    },
                    what="continue-on-error",
                )
            except EvaluationFailed:
                value = "false"
            if value == "true":
                counts_as = "success"
        return InstanceResult(report.result, report.outputs, counts_as=counts_as)

    def _run_called(
        self,
        run: WorkflowRun,
        job: Job,
        inst: JobInstance,
        needs_ctx: dict[str, Any],
        cancel: CancelToken,
    ) -> InstanceResult:
        from shipyard.engine.called import run_called_workflow

        result: InstanceResult = run_called_workflow(self, run, job, inst, needs_ctx, cancel)
        return result


def _evaluate_token(token: object, contexts: Mapping[str, object]) -> object:
    from shipyard.engine.evaluation import value_of

    if isinstance(token, BasicExpressionToken):
        return value_of(token, contexts, what="strategy")
    from shipyard.workflow.tokens import to_value

    return to_value(token)  # type: ignore[arg-type]


def _skip_reason(job: Job, needs: Mapping[str, Mapping[str, object]]) -> str:
    """Why a job's condition was false: the needs that did not succeed, or the ``if``."""
    unmet = [f"{k} ({v.get('result')})" for k, v in needs.items() if v.get("result") != "success"]
    if unmet and job.if_.expression == "success()":
        return f"needed job{'s' if len(unmet) > 1 else ''} did not succeed: {', '.join(unmet)}"
    return f"if: {job.if_.expression}"


def matrix_matches(
    matrix: Mapping[str, object] | None, wanted: Mapping[str, tuple[str, ...]]
) -> bool:
    """Whether a combination passes ``--matrix`` (see ``RunEngine._filter_matrix``)."""
    allowed: dict[str, tuple[str, ...]] = {}
    for key, choices in wanted.items():
        allowed[key.lower()] = (*allowed.get(key.lower(), ()), *choices)
    combination = {str(k).lower(): v for k, v in (matrix or {}).items()}
    return all(_display(combination[k]) in allowed[k] for k in allowed.keys() & combination.keys())


def _display(value: object) -> str:
    from shipyard.expr import to_display_string

    return to_display_string(value)


def _canonical_needs(workflow: Workflow, job: Job) -> tuple[str, ...]:
    ids = {j.id.lower(): j.id for j in workflow.jobs}
    return tuple(ids.get(n.lower(), n) for n in job.needs)


def _select(workflow: Workflow, wanted: tuple[str, ...]) -> list[Job]:
    """The jobs to run: all, or the selected ones and everything they need."""
    if not wanted:
        return list(workflow.jobs)
    by_id = {j.id.lower(): j for j in workflow.jobs}
    keep: set[str] = set()
    todo = [w.lower() for w in wanted if w.lower() in by_id]
    while todo:
        current = todo.pop()
        if current in keep:
            continue
        keep.add(current)
        todo.extend(n.lower() for n in by_id[current].needs if n.lower() in by_id)
    return [j for j in workflow.jobs if j.id.lower() in keep]


def _conclusion(results: Sequence[str]) -> str:
    if any(r == "failure" for r in results):
        return "failure"
    if any(r == "cancelled" for r in results):
        return "cancelled"
    return "success"


def evaluate_workflow_env(
    settings: RunSettings,
    workflow: Workflow,
    github: Mapping[str, object],
    inputs: Mapping[str, object],
) -> dict[str, str]:
    """The workflow-level ``env`` (contexts: github, secrets, inputs, vars)."""
    contexts = {
        "github": github,
        "inputs": inputs,
        "vars": dict(settings.vars),
        "secrets": dict(settings.secrets),
    }
    return mapping_of(workflow.env, contexts, what="env")


def workflow_concurrency(
    workflow: Workflow,
    github: Mapping[str, object],
    inputs: Mapping[str, object],
    vars: Mapping[str, str],
) -> tuple[str | None, bool]:
    """The workflow's concurrency group, if any, and its cancel-in-progress."""
    token = workflow.concurrency
    if token is None:
        return None, False
    contexts = {"github": github, "inputs": inputs, "vars": dict(vars)}
    if isinstance(token, MappingToken):
        group = string_of(token.get("group"), contexts, what="concurrency.group")
        cancel = string_of(token.get("cancel-in-progress"), contexts, what="concurrency")
        return group, cancel == "true"
    return string_of(token, contexts, what="concurrency"), False
