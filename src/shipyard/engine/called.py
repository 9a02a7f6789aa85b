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

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from shipyard import valueclass
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
    from shipyard.engine.run import RunEngine, RunResult, WorkflowRun


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
        key=engine.job_key(run, job, inst.index),
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
        "matrix": inst.matrix,  # null for a job without a matrix, as on GitHub
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
    settings = valueclass.replace(engine.settings, secrets=secrets)
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
    observer = _Prefixed(engine.observer, report)
    prefix = report.key.split(":", 1)[1] + "/"
    child = RunEngine(settings, [nested], observer, max_jobs=engine.max_jobs, key_prefix=prefix)
    unlink = cancel.on_cancel(child.cancel)
    try:
        result = child.run()
    finally:
        unlink()
    run.reports.extend(observer.renamed(inner) for inner in nested.reports)
    outputs = _outputs(call, result, nested, contexts, report)
    report.result = result.conclusion
    report.outputs = outputs
    report.ended = time.time()
    run.reports.append(report)
    engine.observer.job_finished(report)
    return InstanceResult(report.result, outputs)


def _outputs(
    call: Any,
    result: RunResult,
    nested: WorkflowRun,
    contexts: Mapping[str, object],
    report: JobReport,
) -> dict[str, str]:
    """The call's ``outputs``, from the ``jobs`` context: each called job's result and
    outputs over all its matrix combinations, as ``needs`` sees them."""
    jobs = {
        key.split(":", 1)[1]: {"result": job.result, "outputs": dict(job.outputs)}
        for key, job in result.jobs.items()
    }
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
    """Shows a called workflow's jobs to the run's observer as jobs of the caller.

    Each report is passed on as a renamed copy (the job runner keeps its own): in the
    caller's workflow, with the id ``caller/job`` and the name ``caller name / job name``.
    Its key is already unique in the run (``<index>:<caller job>#<instance>/<job>#<n>``,
    see ``RunEngine.job_key``), so two calls of one workflow, or a matrix of calls, never
    share a key or a job folder. Nested calls nest the prefixes.
    """

    def __init__(self, inner: Any, caller: JobReport) -> None:
        self.inner = inner
        self.caller = caller

    def renamed(self, report: JobReport) -> JobReport:
        """The caller's view of a called workflow's job report (a shallow copy)."""
        caller = self.caller
        return valueclass.replace(
            report,
            job_id=f"{caller.job_id}/{report.job_id}",
            name=f"{caller.name} / {report.name}",
            workflow_path=caller.workflow_path,
        )

    def job_started(self, report: JobReport) -> None:
        self.inner.job_started(self.renamed(report))

    def step_started(self, report: JobReport, step: Any) -> None:
        self.inner.step_started(self.renamed(report), step)

    def log(self, report: JobReport, line: str) -> None:
        self.inner.log(self.renamed(report), line)

    def step_finished(self, report: JobReport, step: Any) -> None:
        self.inner.step_finished(self.renamed(report), step)

    def job_finished(self, report: JobReport) -> None:
        self.inner.job_finished(self.renamed(report))
