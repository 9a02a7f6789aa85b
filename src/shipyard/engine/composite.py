"""A composite action's steps, run inside the step that uses the action.

As GitHub's runner (``CompositeActionHandler``) runs them: in order, with their own
``steps`` context and outputs, each with its ``env`` context built as the runner builds it
(the job's exported variables, the action step's ``env`` context, the inner step's own
``env``); ``run:`` steps logged as a job's are; an inner ``uses:`` runs its action as a job
step would, keeping its own saved state. The actions a composite action uses (at any depth)
leave their post steps to the composite action's one post step, which runs them last first.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, cast

from shipyard.engine.contexts import RUNNER_OWNED, runner_owned
from shipyard.engine.evaluation import EvaluationFailed, mapping_of, string_of, value_of
from shipyard.engine.step import StepContext
from shipyard.engine.uses import Functions, run_uses
from shipyard.valueclass import dataclass, field
from shipyard.workflow.action import ActionDefinition
from shipyard.workflow.model import Step

if TYPE_CHECKING:
    from shipyard.engine.job import JobRunner, _Post

_FILE_COMMANDS = (
    "GITHUB_ENV",
    "GITHUB_OUTPUT",
    "GITHUB_PATH",
    "GITHUB_STATE",
    "GITHUB_STEP_SUMMARY",
)


@dataclass(slots=True)
class _Inner:
    """How one composite step ended: its outputs and whether it failed."""

    outputs: dict[str, str] = field(default_factory=dict)
    failed: bool = False


@contextlib.contextmanager
def _inner_step(ctx: StepContext) -> Iterator[_Inner]:
    """One composite step inside the action's step, with its own outputs and failure.

    Its environment files are read back and emptied after it, so the next inner step
    (and the action's step as a whole) does not read them again.
    """
    done = _Inner()
    before, failed_before = dict(ctx.outputs), ctx.failed
    ctx.outputs.clear()
    ctx.failed = False
    try:
        yield done
    finally:
        ctx.finish()
        for name in _FILE_COMMANDS:
            if ctx.env.get(name):
                Path(ctx.env[name]).write_bytes(b"")
        done.outputs = dict(ctx.outputs)
        ctx.outputs.clear()
        ctx.outputs.update(before)
        done.failed, ctx.failed = ctx.failed, failed_before


@contextlib.contextmanager
def _extra_env(ctx: StepContext, extra: Mapping[str, str]) -> Iterator[None]:
    """An inner ``uses:`` step's ``env`` context, for the action it runs (exports are kept)."""
    env = cast(dict[str, str], ctx.env)
    saved = {name: env.get(name) for name in extra}
    env.update(extra)
    try:
        yield
    finally:
        for name, value in saved.items():
            if env.get(name) != extra[name]:
                continue  # exported by the action meanwhile: keep it
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value


def run_composite(
    runner: JobRunner,
    number: int,
    ctx: StepContext,
    contexts: dict[str, object],
    functions: Functions,
    action: ActionDefinition,
    inputs: Mapping[str, str],
) -> list[_Post]:
    """Composite steps run in order inside this step, with their own ``steps`` context.

    Each inner step gets its own outputs and empty environment files, and its ``env``
    context as GitHub's runner builds it: the job's exported variables, then the action
    step's ``env`` context, then its own ``env`` (for its ``if``, ``with``, script, process
    and a nested action's ``outputs``). An inner ``uses:`` runs its action as a step would,
    with its own saved state; the post steps of the actions it ran are returned.
    """
    from shipyard.engine.evaluation import condition_holds
    from shipyard.plan.conditions import status_functions

    local_steps: dict[str, dict[str, object]] = {}
    posts: list[_Post] = []
    status = "success"
    github = contexts["github"]
    action_path = str(github.get("action_path", "")) if isinstance(github, dict) else ""
    outer_env = cast(Mapping[str, str], contexts["env"])
    for inner in action.steps:
        env_context = {**runner.state.env, **outer_env}
        scope = {**contexts, "inputs": dict(inputs), "steps": local_steps, "env": env_context}
        fns = {**functions, **status_functions(status=status)}
        produced: dict[str, str] = {}
        failed = env_failed = False
        try:
            env_context.update(mapping_of(inner.env, scope, fns, what="env"))
        except EvaluationFailed as error:  # as on GitHub: failed, unless its if: skips it
            ctx.error(error.message)
            env_failed = True
        try:
            if not condition_holds(inner.if_, scope, fns):
                local_steps[inner.id] = {
                    "outputs": {},
                    "outcome": "skipped",
                    "conclusion": "skipped",
                }
                continue
            if env_failed:
                failed = True
            elif inner.run is not None:
                produced, failed = _composite_run(ctx, inner, scope, fns, action_path)
            else:
                with ctx.as_step(f"{ctx.step_id}/{inner.id}"), _inner_step(ctx) as done:
                    with _extra_env(ctx, _overridable(env_context)):
                        post = run_uses(runner, inner, number, ctx, scope, fns)
                    if post is not None:
                        posts.append(post)
                produced, failed = done.outputs, done.failed
        except EvaluationFailed as error:
            ctx.error(error.message)
            produced, failed = {}, True
        outcome = "failure" if failed else "success"
        keep = value_of(inner.continue_on_error, scope, fns) if failed else False
        conclusion = "success" if failed and keep in (True, "true") else outcome
        local_steps[inner.id] = {"outputs": produced, "outcome": outcome, "conclusion": conclusion}
        if conclusion == "failure":
            status = "failure"
            ctx.failed = True
    scope = {**contexts, "inputs": dict(inputs), "steps": local_steps}
    for name, token in action.outputs:
        try:
            ctx.set_output(name, string_of(token, scope, functions, what="outputs") or "")
        except EvaluationFailed as error:
            ctx.error(error.message)
    return posts


def _composite_run(
    ctx: StepContext,
    inner: Step,
    scope: dict[str, object],
    functions: Functions,
    action_path: str,
) -> tuple[dict[str, str], bool]:
    """A composite action's ``run:`` step, logged as a job's is; returns (outputs, failed)."""
    from shipyard.engine.job import run_script

    script = string_of(inner.run, scope, functions, what="run") or ""
    shell_name = string_of(inner.shell, scope, functions, what="shell")
    workdir = string_of(inner.working_directory, scope, functions, what="working-directory")
    env = {
        **ctx.env,
        **cast(Mapping[str, str], scope["env"]),
        **runner_owned(ctx.env),
        "GITHUB_ACTION_PATH": action_path,
    }
    with _inner_step(ctx) as done:
        run_script(
            ctx,
            script,
            shell_name,
            name=inner.id,
            directory=workdir,
            env_context=cast(Mapping[str, str], scope["env"]),
            env=env,
        )
    return done.outputs, done.failed


def composite_post(
    runner: JobRunner, number: int, name: str, step_id: str, posts: list[_Post]
) -> _Post:
    """A composite action's one post step: the post steps of the actions it ran, last first.

    As GitHub's runner does, an action inside a composite action (at any depth) leaves its
    post step to the composite action's, which runs them in reverse order, each with its
    action's state; a ``post-if: success()`` one runs only while the job is successful.
    """
    from shipyard.engine.job import _Post

    def run(c: StepContext) -> None:
        for post in reversed(posts):
            if post.condition == "success" and runner.status != "success":
                continue
            with c.as_step(post.step_id):
                try:
                    post.run(c)
                except Exception as error:  # as a job's post step: fails the step, not the run
                    c.error(str(error))
                    c.failed = True

    return _Post(number, name, "always", run, step_id)


def _overridable(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` without the runner's own variables, which a step cannot override."""
    return {k: v for k, v in env.items() if k not in RUNNER_OWNED}
