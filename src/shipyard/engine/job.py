"""One job instance at run time: its contexts, its steps in order, its outputs.

Owns the runner's job logic: ``runs-on`` against this host, the job's ``env`` and
``timeout-minutes``, each step's ``if`` under the job's status so far (``success()`` by
default; ``always()``/``cancelled()`` steps still run after a failure or cancellation),
``continue-on-error``, post steps in reverse order, and the job's ``outputs``
(an output holding a secret is skipped, as on GitHub). Steps themselves run through
:mod:`shipyard.engine.step`; actions through :mod:`shipyard.engine.uses`.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, cast

from shipyard.actions.base import RunInfo
from shipyard.backends.base import Backend, CancelToken
from shipyard.backends.shells import ShellError, resolve_shell, script_file_name
from shipyard.diagnostics import Severity
from shipyard.engine.contexts import JobPaths, default_env, runner_context, runner_owned
from shipyard.engine.environment import (
    Environment,
    evaluate_environment,
    evaluate_url,
    scoped_values,
)
from shipyard.engine.evaluation import (
    EvaluationFailed,
    condition_holds,
    hash_files_function,
    mapping_of,
    string_of,
    value_of,
)
from shipyard.engine.observer import JobReport, RunObserver, StepReport
from shipyard.engine.settings import RunSettings, host_serves
from shipyard.engine.step import JobState, StepContext
from shipyard.expr import to_display_string
from shipyard.plan.conditions import status_functions
from shipyard.reports.gates import GATES_FILE_ENV
from shipyard.stepio.events import Annotation
from shipyard.stepio.masking import Masker
from shipyard.tools.publish import COMMENT_FILE_ENV
from shipyard.valueclass import dataclass, field
from shipyard.workflow.model import Job, Step, Workflow
from shipyard.workflow.tokens import StringToken

DEFAULT_JOB_TIMEOUT_MINUTES = 360.0
_PLAIN_CANCELS = ("cancelled", "the run was cancelled")  # Ctrl-C: no annotation needed
# github.<key>: the step's file-command files, as the runner sets them before the step runs
_FILE_CONTEXT = {
    "env": "GITHUB_ENV",
    "output": "GITHUB_OUTPUT",
    "path": "GITHUB_PATH",
    "state": "GITHUB_STATE",
    "step_summary": "GITHUB_STEP_SUMMARY",
}
CLEANUP_TIMEOUT_MINUTES = 5.0
"""How long an ``always()`` step may run after the job timed out (unless it sets its own)."""


@dataclass(slots=True)
class JobSpec:
    """What to run: a job of a workflow, one matrix instance, with what its needs left."""

    key: str
    workflow: Workflow
    workflow_index: int
    job: Job
    name: str
    matrix: dict[str, object] | None
    strategy: dict[str, object]
    needs: dict[str, dict[str, object]]  # id -> {"result", "outputs"}
    github: dict[str, Any]  # the workflow-level github context
    inputs: dict[str, object]
    workflow_env: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class _Post:
    number: int
    name: str
    condition: str  # "always" or "success"
    run: Callable[[StepContext], None]
    step_id: str


def which_factory(env: Mapping[str, str]) -> Callable[[str], str | None]:
    """``shutil.which`` on the step's PATH."""
    return lambda program: shutil.which(program, path=env.get("PATH"))


def run_script(
    ctx: StepContext,
    script: str,
    shell_name: str | None,
    *,
    name: str,
    directory: str | None,
    env_context: Mapping[str, str],
    env: Mapping[str, str] | None = None,
) -> None:
    """Run a ``run:`` script as the runner does, for a job's step or a composite action's.

    The ``Run <first line>`` group (the whole script, the shell, the step's ``env_context``),
    the process in ``directory`` (under the workspace) with ``env`` (default: the step's),
    then the runner's error line for a non-zero exit code. A shell that cannot be found
    fails the step.
    """
    try:
        shell = resolve_shell(shell_name, which_factory(ctx.env if env is None else env))
    except ShellError as error:  # shells are looked up on the step's own PATH
        searched = (ctx.env if env is None else env).get("PATH", "")
        hint = f"{error.hint}; " if error.hint else ""
        ctx.error(f"{error.message} ({hint}the step's PATH is '{searched}')")
        ctx.failed = True
        return
    path = ctx.temp / script_file_name(shell_name, f"{name}_{time.time_ns()}")
    path.write_text(shell.fix_up(script), encoding="utf-8")
    first = re.split(r"[\r\n]", script.lstrip(" \t\r\n"), maxsplit=1)[0]
    lines = script.replace("\r\n", "\n").rstrip("\n").split("\n")
    ctx.log_details(f"Run {first}", lines, shell=shell.display, env=env_context)
    cwd = ctx.workspace / directory if directory else ctx.workspace
    result = ctx.run_process(shell.argv(str(path)), cwd=cwd, env=env)
    code = result.exit_code
    if code and not ctx.cancelled and not ctx.timed_out:  # the runner's words
        ctx.error(f"Process completed with exit code {code}.")


class JobRunner:
    """Runs one :class:`JobSpec` (see the module docstring)."""

    def __init__(self, settings: RunSettings, spec: JobSpec, observer: RunObserver) -> None:
        self.settings = settings
        self.spec = spec
        self.observer = observer
        self.report = JobReport(
            key=spec.key,
            workflow_path=spec.workflow.path,
            job_id=spec.job.id,
            name=spec.name,
            matrix=spec.matrix,
        )
        self.masker = Masker(settings.secrets.values())
        self.state = JobState()
        self.status = "success"
        self.steps_context: dict[str, dict[str, object]] = {}
        self.posts: list[_Post] = []
        self.environment: Environment | None = None
        self.timed_out = False
        self.job_env: dict[str, str] = dict(spec.workflow_env)
        self.deadline = time.monotonic() + DEFAULT_JOB_TIMEOUT_MINUTES * 60
        self.limit_minutes = DEFAULT_JOB_TIMEOUT_MINUTES

    # -- entry -------------------------------------------------------------------------

    def run(self, cancel: CancelToken) -> JobReport:
        """Run the job to the end; never raises for a problem of the workflow."""
        report = self.report
        report.started = time.time()
        base = self._base_contexts()
        try:
            labels = _labels(value_of(self.spec.job.runs_on, base, what="runs-on"))
        except EvaluationFailed as error:
            return self._fail_early(str(error.message))
        if self.spec.job.runs_on is not None and not host_serves(labels, self.settings.platforms):
            report.result = "skipped"
            report.skip_reason = f"no runner for labels {', '.join(labels) or '(none)'}"
            report.started = None
            self.observer.job_finished(report)
            return report
        try:
            self._enter_environment(base)
        except EvaluationFailed as error:
            return self._fail_early(str(error.message))
        if self.spec.job.container is not None or self.spec.job.services is not None:
            what = "container" if self.spec.job.container is not None else "services"
            return self._fail_early(
                f"this job uses `{what}:`, which needs a container engine, and none is "
                "available to Shipyard yet (docker/podman support is planned)"
            )
        self.observer.job_started(report)
        backend = self.settings.backend_factory()
        try:
            self._run_steps(backend, cancel, base)
        finally:
            kill = getattr(backend, "kill_orphans", None)
            if callable(kill):
                kill()
            shutil.rmtree(self.paths.temp, ignore_errors=True)
        report.outputs = self.outputs(base) if self.status != "skipped" else {}
        self._environment_url(base)
        if cancel.cancelled and cancel.reason not in _PLAIN_CANCELS:
            self._error(cancel.reason)  # why, as GitHub annotates it (concurrency, fail-fast)
        report.result = self.status
        report.annotations = list(self.state.annotations)
        report.ended = time.time()
        self.observer.job_finished(report)
        return report

    def _enter_environment(self, base: dict[str, object]) -> None:
        """``environment``: its name now, and its secrets and variables over the run's."""
        self.environment = evaluate_environment(
            self.spec.job.environment, base, self._functions("success")
        )
        if self.environment is None:
            return
        self.report.environment = self.environment.name
        settings = self.settings
        secrets = scoped_values(settings.secrets, settings.environment_secrets, self.environment)
        for value in secrets.values():
            self.masker.add_secret(value)
        base["secrets"] = {"GITHUB_TOKEN": "", **secrets}
        base["vars"] = scoped_values(settings.vars, settings.environment_vars, self.environment)

    def _environment_url(self, base: dict[str, object]) -> None:
        """The environment's ``url``, evaluated once the steps are done, as on GitHub."""
        if self.environment is None or self.environment.url is None:
            return
        contexts = self._contexts(base, self.status)
        try:
            url = evaluate_url(self.environment, contexts, self._functions(self.status))
        except EvaluationFailed as error:
            self._error(error.message)
            self.status = "failure"
            return
        self.report.environment_url = self.masker.mask(url) if url else None

    def _fail_early(self, message: str) -> JobReport:
        self.report.annotations.append(Annotation(level=Severity.ERROR, message=message))
        self.report.result = "failure"
        self.report.ended = time.time()
        self.observer.job_started(self.report)
        self.observer.log(self.report, f"##[error]{message}")
        self.observer.job_finished(self.report)
        return self.report

    # -- contexts ----------------------------------------------------------------------

    def _base_contexts(self) -> dict[str, object]:
        settings, spec = self.settings, self.spec
        job_dir = settings.run_dir / "jobs" / _safe(spec.key)
        self.paths = JobPaths(
            workspace=str(job_dir / "workspace"),
            temp=str(job_dir / "temp"),
            tool_cache=str(settings.data_dir / "toolcache"),
            event_path=str(spec.github.get("event_path") or settings.run_dir / "event.json"),
        )
        for folder in (self.paths.workspace, self.paths.temp, self.paths.tool_cache):
            Path(folder).mkdir(parents=True, exist_ok=True)
        github = {
            **spec.github,
            "job": spec.job.id,
            "workspace": self.paths.workspace,
            "event_path": self.paths.event_path,
            "action": "",
            "action_path": "",
            "action_ref": "",
            "action_repository": "",
            "ref_protected": False,  # as GITHUB_REF_PROTECTED: no protection rules here
            "token": settings.secrets.get("GITHUB_TOKEN", ""),
        }
        self.runner = runner_context(self.paths, debug=settings.debug)
        self.github = github
        return {
            "github": github,
            "inputs": spec.inputs,
            "vars": dict(settings.vars),
            "secrets": {"GITHUB_TOKEN": "", **settings.secrets},
            "needs": spec.needs,
            "strategy": spec.strategy,
            "matrix": spec.matrix,  # null for a job without a matrix, as on GitHub
            "runner": self.runner,
            "job": {"status": "success", "container": {}, "services": {}},
            "steps": self.steps_context,
            "env": dict(spec.workflow_env),
        }

    def _functions(self, status: str) -> dict[str, Callable[..., object]]:
        functions = status_functions(status=status)
        functions["hashFiles"] = hash_files_function(Path(self.paths.workspace))
        return functions

    # -- steps -------------------------------------------------------------------------

    def _run_steps(self, backend: Backend, cancel: CancelToken, base: dict[str, object]) -> None:
        job = self.spec.job
        try:
            job_env = mapping_of(job.env, base, self._functions("success"), what="env")
            minutes = _minutes(value_of(job.timeout_minutes, base, what="timeout-minutes"))
        except EvaluationFailed as error:
            self._error(error.message)
            self.status = "failure"
            return
        self.job_env = {**self.spec.workflow_env, **job_env}
        limit = (minutes if minutes is not None else DEFAULT_JOB_TIMEOUT_MINUTES) * 60
        self.deadline = time.monotonic() + limit
        self.limit_minutes = limit / 60
        for number, step in enumerate(job.steps, start=1):
            self._step(number, step, backend, cancel, base)
        for post in reversed(self.posts):
            self._post(post, backend, cancel, base)

    def _current_status(self, cancel: CancelToken) -> str:
        if cancel.cancelled and self.status != "failure":
            self.status = "cancelled"
        if not self.timed_out and time.monotonic() >= self.deadline:
            self._timed_out()
        return self.status

    def _timed_out(self) -> None:
        """The job's time is up: as on GitHub it is cancelled (the running step too), so only
        ``always()``/``cancelled()`` steps and post steps still run."""
        self.timed_out = True
        self.status = "cancelled"
        limit = go_duration(self.limit_minutes * 60)
        self._error(f"The job has exceeded the maximum execution time of {limit}")

    def _contexts(self, base: dict[str, object], status: str) -> dict[str, object]:
        return {
            **base,
            "env": {**self.job_env, **self.state.env},
            "job": {"status": status, "container": {}, "services": {}},
        }

    def _step(
        self,
        number: int,
        step: Step,
        backend: Backend,
        cancel: CancelToken,
        base: dict[str, object],
    ) -> None:
        status = self._current_status(cancel)
        contexts = self._contexts(base, status)
        contexts["github"] = {**cast(dict[str, object], contexts["github"]), "action": step.id}
        functions = self._functions(status)
        report = StepReport(
            number=number, id=step.user_id, name=self.masker.mask(_default_name(step))
        )
        self.report.steps.append(report)
        try:
            # as the runner does: the step's own env joins the env context before its name
            # and its if: are evaluated (an error there fails the step)
            step_env = mapping_of(step.env, contexts, functions, what="env")
            contexts["env"] = {**cast(dict[str, str], contexts["env"]), **step_env}
            name = string_of(step.name, contexts, functions, what="name")
            if name:  # shown, recorded and reported: masked as a log line is
                report.name = self.masker.mask(name)
            if step.is_control:
                self._skip(report, step, "background steps are not supported by Shipyard yet")
                return
            runs = condition_holds(step.if_, contexts, functions)
        except EvaluationFailed as error:
            self._start(report)
            self._error(error.message)
            self._finish(report, step, "failure", contexts, functions, {})
            return
        if not runs:
            self._skip(report, step)
            return
        self._start(report)
        written = len(self.state.summaries)
        outcome, outputs = self._execute(
            step, number, backend, cancel, contexts, functions, step_env
        )
        self._keep_summaries(written, number)
        self._finish(report, step, outcome, contexts, functions, outputs)

    def _keep_summaries(self, written: int, number: int) -> None:
        """The summaries a step wrote, kept under its number (post steps: 1000 + n)."""
        for summary in self.state.summaries[written:]:
            self.report.summaries.append((number, summary))

    def _start(self, report: StepReport) -> None:
        report.started = time.time()
        self.observer.step_started(self.report, report)

    def _skip(self, report: StepReport, step: Step, why: str | None = None) -> None:
        report.outcome = report.conclusion = "skipped"
        self.steps_context[step.id] = {"outputs": {}, "outcome": "skipped", "conclusion": "skipped"}
        if why:
            self._warning(f"step '{report.name}' skipped: {why}")
        self.observer.step_finished(self.report, report)

    def _finish(
        self,
        report: StepReport,
        step: Step,
        outcome: str,
        contexts: dict[str, object],
        functions: dict[str, Callable[..., object]],
        outputs: dict[str, str],
    ) -> None:
        conclusion = outcome
        if outcome == "failure":
            try:
                keep_going = value_of(
                    step.continue_on_error, contexts, functions, what="continue-on-error"
                )
            except EvaluationFailed as error:
                self._error(error.message)
                keep_going = False
            if keep_going is True or keep_going == "true":
                conclusion = "success"
        report.outcome, report.conclusion = outcome, conclusion
        report.ended = time.time()
        self.steps_context[step.id] = {
            "outputs": outputs,
            "outcome": outcome,
            "conclusion": conclusion,
        }
        if conclusion == "failure":
            self.status = "failure"
        elif conclusion == "cancelled" and self.status == "success":
            self.status = "cancelled"
        self.observer.step_finished(self.report, report)

    def _execute(
        self,
        step: Step,
        number: int,
        backend: Backend,
        cancel: CancelToken,
        contexts: dict[str, object],
        functions: dict[str, Callable[..., object]],
        step_env: dict[str, str],
    ) -> tuple[str, dict[str, str]]:
        """Run a started step (``contexts`` hold its env already); returns (outcome, outputs)."""
        try:
            minutes = _minutes(value_of(step.timeout_minutes, contexts, what="timeout-minutes"))
        except EvaluationFailed as error:
            self._error(error.message)
            return "failure", {}
        if self.timed_out:  # an always() step after the job's timeout: its own limit
            minutes = minutes if minutes is not None else CLEANUP_TIMEOUT_MINUTES
            timeout = minutes * 60
        else:
            remaining = self.deadline - time.monotonic()
            timeout = min(remaining, minutes * 60) if minutes is not None else remaining
        step_cancel = CancelToken()
        unlink = cancel.on_cancel(step_cancel.cancel) if not cancel.cancelled else lambda: None
        defaults = default_env(self.github, self.runner)
        env = {
            **self.settings.env,
            **defaults,
            **self.job_env,
            **self.state.env,
            **step_env,
            **runner_owned(defaults),
            "GITHUB_ACTION": step.id,
            GATES_FILE_ENV: str(self.settings.run_dir / "gates.jsonl"),
            COMMENT_FILE_ENV: str(self.settings.run_dir / "comment.md"),
        }
        ctx = self._context(step.id, backend, step_cancel, env, max(timeout, 0.001))
        files = {key: ctx.env[name] for key, name in _FILE_CONTEXT.items()}
        contexts = {**contexts, "github": {**cast(dict[str, object], contexts["github"]), **files}}
        try:
            if step.run is not None:
                self._run_script(step, ctx, contexts, functions)
            else:
                from shipyard.engine.uses import run_uses

                post = run_uses(self, step, number, ctx, contexts, functions)
                if post is not None:
                    self.posts.append(post)
        except EvaluationFailed as error:
            ctx.error(error.message)
            ctx.failed = True
        finally:
            unlink()
        ctx.finish()
        if ctx.timed_out and not self.timed_out and time.monotonic() >= self.deadline:
            self._timed_out()
            ctx.error("The operation was canceled.")
            return "cancelled", ctx.outputs
        if ctx.timed_out:
            name = self.report.steps[-1].name if self.report.steps else step.id
            ctx.error(
                f"The action '{name}' has timed out after {_format_minutes(minutes or 0)} minutes."
            )
        if ctx.cancelled and not ctx.timed_out:
            return "cancelled", ctx.outputs
        return ("failure" if ctx.failed else "success"), ctx.outputs

    def _context(
        self,
        step_id: str,
        backend: Backend,
        cancel: CancelToken,
        env: dict[str, str],
        timeout: float,
    ) -> StepContext:
        info = RunInfo(
            repo=self.settings.repo,
            sha=str(self.github.get("sha", "")),
            ref=str(self.github.get("ref", "")),
            workspace_mode=self.settings.workspace_mode,
            run_dir=self.settings.run_dir,
            data_dir=self.settings.data_dir,
            job_key=self.spec.key,
        )
        return StepContext(
            step_id=step_id,
            backend=backend,
            cancel=cancel,
            masker=self.masker,
            job=self.state,
            env=env,
            workspace=Path(self.paths.workspace),
            temp=Path(self.paths.temp),
            tool_cache=Path(self.paths.tool_cache),
            info=info,
            log=lambda line: self.observer.log(self.report, line),
            timeout=timeout,
            debug=self.settings.debug,
        )

    def _run_script(
        self,
        step: Step,
        ctx: StepContext,
        contexts: dict[str, object],
        functions: dict[str, Callable[..., object]],
    ) -> None:
        script = string_of(step.run, contexts, functions, what="run") or ""
        shell_name = string_of(step.shell, contexts, functions, what="shell") or self._default(
            "shell", contexts
        )
        directory = string_of(
            step.working_directory, contexts, functions, what="working-directory"
        ) or self._default("working-directory", contexts)
        env_context = cast(dict[str, str], contexts["env"])
        run_script(
            ctx, script, shell_name, name=step.id, directory=directory, env_context=env_context
        )

    def _default(self, key: str, contexts: dict[str, object]) -> str | None:
        """``defaults.run.<key>``: the job's, else the workflow's (unravelled: an
        ``${{ insert }}`` there counts)."""
        for token in (self.spec.job.defaults, self.spec.workflow.defaults):
            defaults = value_of(token, contexts, what="defaults")
            run = defaults.get("run") if isinstance(defaults, dict) else None
            if isinstance(run, dict) and run.get(key) is not None:
                return to_display_string(run[key])
        return None

    def _post(
        self, post: _Post, backend: Backend, cancel: CancelToken, base: dict[str, object]
    ) -> None:
        status = self._current_status(cancel)
        report = StepReport(number=post.number, id=None, name=f"Post {post.name}", post=True)
        if post.condition == "success" and status != "success":
            return
        self.report.steps.append(report)
        self._start(report)
        defaults = default_env(self.github, self.runner)
        env = {
            **self.settings.env,
            **defaults,
            **self.job_env,
            **self.state.env,
            **runner_owned(defaults),
        }
        ctx = self._context(post.step_id, backend, CancelToken(), env, 300.0)
        written = len(self.state.summaries)
        ctx.log("Post job cleanup.")  # the runner's first line of a post step
        try:
            post.run(ctx)
        except Exception as error:  # an action's post failure fails the step, not the run
            ctx.error(str(error))
            ctx.failed = True
        ctx.finish()
        self._keep_summaries(written, 1000 + post.number)
        outcome = "failure" if ctx.failed else "success"
        report.outcome = report.conclusion = outcome
        report.ended = time.time()
        if outcome == "failure":
            self.status = "failure"
        self.observer.step_finished(self.report, report)

    # -- outputs -----------------------------------------------------------------------

    def outputs(self, base: dict[str, object]) -> dict[str, str]:
        """The job's ``outputs``, evaluated at its end (secret-bearing values skipped)."""
        token = self.spec.job.outputs
        if token is None:
            return {}
        contexts = self._contexts(base, self.status)
        out: dict[str, str] = {}
        for key, value in token.pairs:
            name = str(key)
            try:
                text = string_of(value, contexts, self._functions(self.status), what="outputs")
            except EvaluationFailed as error:
                self._error(error.message)
                continue
            text = text or ""
            if text and self.masker.mask(text) != text:
                self._warning(f"Skip output '{name}' since it may contain secret.")
                continue
            out[name] = text
        return out

    # -- log helpers -------------------------------------------------------------------

    def _error(self, message: str) -> None:
        self.state.annotations.append(Annotation(level=Severity.ERROR, message=message))
        self.observer.log(self.report, f"##[error]{self.masker.mask(message)}")

    def _warning(self, message: str) -> None:
        self.state.annotations.append(Annotation(level=Severity.WARNING, message=message))
        self.observer.log(self.report, f"##[warning]{message}")


def _labels(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, dict):
        labels = value.get("labels")
        group = value.get("group")
        found = _labels(labels)
        return found or ([f"group:{group}"] if group else [])
    return [str(value)]


def _minutes(value: object) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise EvaluationFailed(f"timeout-minutes must be a number, got {value!r}") from None
    if not math.isfinite(number) or number <= 0:
        return None
    return number


def go_duration(seconds: float) -> str:
    """A duration as Go prints one (``1m0s``, ``1h0m0s``, ``1.5s``, ``500ms``): the runner's
    words for a job's time limit."""
    if seconds <= 0:
        return "0s"
    if seconds < 1:
        return f"{round(seconds * 1000, 3):g}ms"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{round(secs, 9):g}s"
    if hours or minutes:
        text = f"{int(minutes)}m{text}"
    if hours:
        text = f"{int(hours)}h{text}"
    return text


def _format_minutes(minutes: float) -> str:
    return str(int(minutes)) if minutes == int(minutes) else f"{minutes:g}"


def _default_name(step: Step) -> str:
    if step.run is not None:
        if isinstance(step.run, StringToken):
            text = step.run.value
        else:
            text = getattr(step.run, "source", None) or str(step.run)
        first = text.strip().splitlines()[0] if text.strip() else ""
        return f"Run {first}"
    if step.uses:
        return f"Run {step.uses}"
    return step.id


def _safe(key: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in key)


def write_event_file(settings: RunSettings) -> None:
    """The event payload at ``GITHUB_EVENT_PATH`` (one file per run)."""
    path = settings.run_dir / "event.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(settings.event.payload, indent=2), encoding="utf-8")
