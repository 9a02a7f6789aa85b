"""``uses:`` steps: finding the action and running it.

Resolution, in order: a ``--action OWNER/REPO@REF=PATH`` mapping; a local action
(``./path`` in the workspace, as on GitHub); a built-in local equivalent
(:mod:`shipyard.actions.registry`). Local actions run as GitHub runs them: ``composite``
steps in this job, JavaScript (``node20``…) with ``node`` from ``PATH`` and its
``pre``/``main``/``post`` entry points (``pre`` not for ``./`` actions, as on GitHub), inputs
as ``INPUT_<NAME>`` variables, saved state as ``STATE_<name>``. Any other
remote action, and ``docker`` actions, fail the step with a message saying what to do.
Composite actions' own steps run in :mod:`shipyard.engine.composite`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from shipyard.actions.base import ActionFailed, has_post
from shipyard.engine.evaluation import mapping_of, string_of
from shipyard.engine.step import StepContext
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


_USING = ("composite", "docker", "node12", "node16", "node20", "node24")


def _load(directory: Path, workspace: Path) -> ActionDefinition | str:
    """The action in ``directory``, or what is wrong with it (files named as in the repository)."""
    for name in ("action.yml", "action.yaml"):
        path = directory / name
        if path.is_file():
            shown = path.relative_to(workspace) if path.is_relative_to(workspace) else path
            action = parse_action(path.read_text(encoding="utf-8-sig"), str(shown))
            if not action.valid:
                return "; ".join(d.render(with_hint=False) for d in action.diagnostics)
            if action.using not in _USING:  # the runner's words (ActionManifestManager)
                return (
                    f"{shown}: 'using: {action.using}' is not supported, use 'docker', "
                    "'node12', 'node16', 'node20' or 'node24' instead."
                )
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
    loaded = _load(directory, Path(ctx.workspace))
    if isinstance(loaded, str):
        _fail(ctx, loaded)
        return None
    action = loaded
    inputs = _inputs_context(action, given, contexts)
    ctx.log_details(f"Run {step.uses}", inputs=inputs, env=cast(Mapping[str, str], contexts["env"]))
    github = {**contexts["github"], "action_path": str(directory)}  # type: ignore[dict-item]
    if action.using == "composite":
        from shipyard.engine.composite import composite_post, run_composite

        scope = {**contexts, "github": github}
        posts = run_composite(runner, number, ctx, scope, functions, action, inputs)
        return composite_post(runner, number, action.name, ctx.step_id, posts) if posts else None
    if action.using.startswith("node"):
        return _run_node(step, number, ctx, action, directory, inputs)
    _fail(ctx, f"'{step.uses}' runs with '{action.using}', which Shipyard cannot run yet")
    return None


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
