"""``uses:`` steps: finding the action and running it.

Resolution, in order: a ``--action OWNER/REPO@REF=PATH`` mapping; a local action
(``./path`` in the workspace, as on GitHub); a built-in local equivalent
(:mod:`shipyard.actions.registry`). Local actions run as GitHub runs them: ``composite``
steps in this job, JavaScript (``node20``…) with ``node`` from ``PATH`` and its
``pre``/``main``/``post`` entry points (``pre`` not for ``./`` actions, as on GitHub), inputs
as ``INPUT_<NAME>`` variables, saved state as ``STATE_<name>``. Any other
remote action, and ``docker`` actions, fail the step with a message saying what to do.
As on GitHub, the actions a composite action uses (at any depth) keep their own state, and
their post steps run inside the composite action's one post step, last first.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from shipyard.actions.base import ActionFailed, has_post
from shipyard.engine.evaluation import EvaluationFailed, mapping_of, string_of, value_of
from shipyard.engine.step import StepContext
from shipyard.valueclass import dataclass, field
from shipyard.workflow.action import ActionDefinition, parse_action
from shipyard.workflow.model import Step

if TYPE_CHECKING:
    from shipyard.engine.job import JobRunner, _Post

Functions = Mapping[str, Callable[..., object]]
_REMOTE = re.compile(r"^(?P<repo>[^/@\s]+/[^/@\s]+)(?P<path>/[^@\s]*)?@(?P<ref>\S+)$")


def run_uses(
    runner: JobRunner,
    step: Step,
    number: int,
    ctx: StepContext,
    contexts: dict[str, object],
    functions: Functions,
) -> _Post | None:
    """Run a ``uses:`` step's main part; returns its post step, if it has one."""
    uses = step.uses or ""
    inputs = mapping_of(step.with_, contexts, functions, what="with")
    local = _local_dir(runner, uses, Path(ctx.workspace))
    if local is not None:
        return _run_local(runner, step, number, ctx, contexts, functions, local, inputs)
    if uses.startswith("docker://"):
        _fail(
            ctx,
            f"'{uses}': docker actions need a container engine, which Shipyard does not have yet",
        )
        return None
    from shipyard.actions.registry import builtin_action

    action = builtin_action(uses, make_workspace=_make_workspace)
    if action is None:
        match = _REMOTE.match(uses)
        repo = match.group("repo") if match else uses
        _fail(
            ctx,
            f"the action '{uses}' is not available offline: Shipyard has no built-in "
            f"equivalent of {repo} and does not download actions",
            hint=f"map it to a local copy: shipyard run --action {uses}=PATH",
        )
        return None
    ctx.log_details(f"Run {uses}", inputs=inputs, env=cast(Mapping[str, str], contexts["env"]))
    try:
        action.main(ctx, inputs)
    except ActionFailed as error:
        _fail(ctx, str(error))
    if not has_post(action):
        return None
    from shipyard.engine.job import _Post

    post = cast(Any, action).post
    condition = _post_condition(getattr(action, "post_if", None))
    return _Post(number, _short(uses), condition, lambda c: post(c, inputs), ctx.step_id)


def _post_condition(post_if: str | None) -> str:
    """``always`` or ``success``: when a post step runs (``runs.post-if``, default always())."""
    return "always" if (post_if or "always()").strip() == "always()" else "success"


def _make_workspace(repo: Path, dest: Path, *, mode: str, sha: str) -> None:
    """The engine's workspace maker, handed to ``actions/checkout``."""
    from shipyard.engine.workspace import WorkspaceMode, create_workspace

    create_workspace(repo, dest, mode=cast(WorkspaceMode, mode), sha=sha)


def _fail(ctx: StepContext, message: str, *, hint: str | None = None) -> None:
    ctx.error(message + (f"\n  hint: {hint}" if hint else ""))
    ctx.failed = True


def _short(uses: str) -> str:
    return uses.split("@", 1)[0]


def _local_dir(runner: JobRunner, uses: str, workspace: Path) -> Path | None:
    mapped = runner.settings.local_actions.get(uses) or runner.settings.local_actions.get(
        uses.lower()
    )
    if mapped is not None:
        return mapped
    if uses.startswith("./") or uses == ".":
        return workspace / uses
    return None


def _load(directory: Path) -> ActionDefinition | str:
    for name in ("action.yml", "action.yaml"):
        path = directory / name
        if path.is_file():
            action = parse_action(path.read_text(encoding="utf-8-sig"), str(path))
            if not action.valid:
                return "; ".join(d.render(with_hint=False) for d in action.diagnostics)
            return action
    return (
        f"Can't find 'action.yml' or 'action.yaml' under '{directory}'. "
        "Did you forget to run actions/checkout before running your local action?"
    )


def _inputs_context(
    action: ActionDefinition, given: Mapping[str, str], contexts: dict[str, object]
) -> dict[str, str]:
    values: dict[str, str] = {}
    lowered = {k.lower(): v for k, v in given.items()}
    for spec in action.inputs:
        if spec.name.lower() in lowered:
            values[spec.name] = lowered[spec.name.lower()]
        else:
            values[spec.name] = string_of(spec.default, contexts, what="default") or ""
    for key, value in given.items():
        values.setdefault(key, value)
    return values


def _run_local(
    runner: JobRunner,
    step: Step,
    number: int,
    ctx: StepContext,
    contexts: dict[str, object],
    functions: Functions,
    directory: Path,
    given: Mapping[str, str],
) -> _Post | None:
    loaded = _load(directory)
    if isinstance(loaded, str):
        _fail(ctx, loaded)
        return None
    action = loaded
    inputs = _inputs_context(action, given, contexts)
    ctx.log_details(f"Run {step.uses}", inputs=inputs, env=cast(Mapping[str, str], contexts["env"]))
    github = {**contexts["github"], "action_path": str(directory)}  # type: ignore[dict-item]
    if action.using == "composite":
        scope = {**contexts, "github": github}
        posts = _run_composite(runner, number, ctx, scope, functions, action, inputs)
        return _composite_post(runner, number, action.name, ctx.step_id, posts) if posts else None
    if action.using.startswith("node"):
        return _run_node(step, number, ctx, action, directory, inputs)
    _fail(ctx, f"'{step.uses}' runs with '{action.using}', which Shipyard cannot run yet")
    return None


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


def _input_env(inputs: Mapping[str, str]) -> dict[str, str]:
    return {f"INPUT_{k.replace(' ', '_').upper()}": v for k, v in inputs.items()}


def _run_node(
    step: Step,
    number: int,
    ctx: StepContext,
    action: ActionDefinition,
    directory: Path,
    inputs: Mapping[str, str],
) -> _Post | None:
    env = {**ctx.env, **_input_env(inputs), "GITHUB_ACTION_PATH": str(directory)}

    def node(entry: str, c: StepContext) -> None:
        state = {f"STATE_{name}": value for name, value in c.state.items()}
        code = c.exec(
            ["node", str(directory / entry)], env={**env, **c.env, **_input_env(inputs), **state}
        )
        if code != 0:
            c.failed = True

    if action.pre and (step.uses or "").startswith("./"):
        ctx.warning(f"`pre` execution is not supported for local action from '{step.uses}'")
    elif action.pre:
        ctx.log(f"Pre {action.name}")
        node(action.pre, ctx)
    if action.main:
        node(action.main, ctx)
    if not action.post:
        return None
    from shipyard.engine.job import _Post

    condition = _post_condition(action.post_if)
    post_entry = action.post
    return _Post(number, action.name, condition, lambda c: node(post_entry, c), ctx.step_id)


def _run_composite(
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
                    with _extra_env(ctx, env_context):
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
    env = {**ctx.env, **cast(Mapping[str, str], scope["env"]), "GITHUB_ACTION_PATH": action_path}
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


def _composite_post(
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
