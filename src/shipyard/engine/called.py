"""Reusable workflows called with ``jobs.<id>.uses: ./.github/workflows/x.yml``.

The caller's job runs the called workflow's jobs as a nested run: ``with`` becomes the
typed ``inputs`` context (checked against ``on.workflow_call.inputs``), ``secrets`` are
only those passed (or all with ``secrets: inherit``), the ``github`` context is the
caller's, and ``on.workflow_call.outputs`` (expressions over ``jobs.<id>.outputs``)
become the caller job's outputs. The called jobs are reported as ``caller/job``; the
caller's result is the called workflow's conclusion. Nesting works to any depth the
reader allowed; a nested run has its own ``--jobs`` budget.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from shipyard.backends.base import CancelToken
from shipyard.diagnostics import Severity
from shipyard.engine.evaluation import EvaluationFailed, mapping_of, string_of, value_of
from shipyard.engine.observer import JobReport
from shipyard.engine.scheduler import InstanceResult
from shipyard.plan.planner import JobInstance
from shipyard.stepio.events import Annotation
from shipyard.workflow.inputs import normalise_call_inputs
from shipyard.workflow.model import Job
from shipyard.workflow.tokens import MappingToken

if TYPE_CHECKING:
    from shipyard.engine.run import RunEngine, WorkflowRun


def run_called_workflow(
    engine: RunEngine,
    run: WorkflowRun,
    job: Job,
    inst: JobInstance,
    needs: dict[str, Any],
    cancel: CancelToken,
) -> InstanceResult:
    """Run the workflow ``job`` calls; see the module docstring."""
    from shipyard.engine.run import RunEngine, WorkflowRun, evaluate_workflow_env

    report = JobReport(
        key=f"{run.index}:{job.id}#{inst.index}",
        workflow_path=run.workflow.path,
        job_id=job.id,
        name=inst.name,
        matrix=inst.matrix,
        started=time.time(),
    )
    called = job.called
    if called is None:
        return _fail(engine, run, report, f"the called workflow '{job.uses}' could not be read")
    contexts = {
        "github": run.github,
        "inputs": run.inputs,
        "vars": dict(engine.settings.vars),
        "secrets": dict(engine.settings.secrets),
        "needs": needs,
        "strategy": inst.strategy,
        "matrix": inst.matrix or {},
    }
    call = called.event("workflow_call")
    try:
        given = {
            str(k): value_of(v, contexts, what="with")
            for k, v in (job.with_.pairs if isinstance(job.with_, MappingToken) else ())
        }
        inputs, problems = normalise_call_inputs(
            call.inputs if call else (),
            given,
            lambda token: value_of(token, contexts, what="default"),
        )
        if job.secrets_inherit:
            secrets = dict(engine.settings.secrets)
        else:
            secrets = mapping_of(job.secrets, contexts, what="secrets")
    except EvaluationFailed as error:
        return _fail(engine, run, report, error.message)
    if problems:
        return _fail(engine, run, report, "; ".join(problems))
    settings = dataclasses.replace(engine.settings, secrets=secrets)
    nested = WorkflowRun(
        index=run.index,
        workflow=called,
        github=run.github,
        inputs=dict(inputs),
    )
    try:
        nested.env = evaluate_workflow_env(settings, called, run.github, nested.inputs)
    except EvaluationFailed as error:
        return _fail(engine, run, report, error.message)
    observer = _Prefixed(engine.observer, job.id, inst.name)
    child = RunEngine(settings, [nested], observer, max_jobs=engine.max_jobs)
    unlink = cancel.on_cancel(child.cancel)
    try:
        result = child.run()
    finally:
        unlink()
    for inner in nested.reports:
        inner.job_id = f"{job.id}/{inner.job_id}"
        inner.key = f"{run.index}:{inner.job_id}#{inner.key.rsplit('#', 1)[-1]}"
        inner.workflow_path = run.workflow.path
        run.reports.append(inner)
    outputs = _outputs(engine, call, nested, contexts, report)
    report.result = result.conclusion
    report.outputs = outputs
    report.ended = time.time()
    run.reports.append(report)
    engine.observer.job_finished(report)
    return InstanceResult(report.result, outputs)


def _outputs(
    engine: RunEngine,
    call: Any,
    nested: WorkflowRun,
    contexts: Mapping[str, object],
    report: JobReport,
) -> dict[str, str]:
    jobs: dict[str, dict[str, object]] = {}
    for inner in nested.reports:
        jobs[inner.job_id] = {"result": inner.result, "outputs": dict(inner.outputs)}
    scope = {**contexts, "jobs": jobs, "inputs": nested.inputs}
    out: dict[str, str] = {}
    for output in call.outputs if call else ():
        try:
            out[output.name] = string_of(output.value, scope, what="outputs") or ""
        except EvaluationFailed as error:
            report.annotations.append(Annotation(level=Severity.ERROR, message=error.message))
    return out


def _fail(engine: RunEngine, run: WorkflowRun, report: JobReport, message: str) -> InstanceResult:
    report.result = "failure"
    report.annotations.append(Annotation(level=Severity.ERROR, message=message))
    report.ended = time.time()
    run.reports.append(report)
    engine.observer.job_started(report)
    engine.observer.log(report, f"##[error]{message}")
    engine.observer.job_finished(report)
    return InstanceResult("failure")


class _Prefixed:
    """Shows a called workflow's jobs as ``caller / job`` to the run's observer."""

    def __init__(self, inner: Any, job_id: str, name: str) -> None:
        self.inner = inner
        self.job_id = job_id
        self.name = name

    def _rename(self, report: JobReport) -> JobReport:
        if not report.name.startswith(f"{self.name} / "):
            report.name = f"{self.name} / {report.name}"
        return report

    def job_started(self, report: JobReport) -> None:
        self.inner.job_started(self._rename(report))

    def step_started(self, report: JobReport, step: Any) -> None:
        self.inner.step_started(self._rename(report), step)

    def log(self, report: JobReport, line: str) -> None:
        self.inner.log(self._rename(report), line)

    def step_finished(self, report: JobReport, step: Any) -> None:
        self.inner.step_finished(self._rename(report), step)

    def job_finished(self, report: JobReport) -> None:
        self.inner.job_finished(self._rename(report))
