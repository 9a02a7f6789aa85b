"""``steps:`` of a job: each step's fields, its ``if``, and the step ids.

A port of ``steps.js``. A step runs a command (``run``) or an action (``uses``); a step
without either is an error. User ids are checked by :class:`~.ids.IdBuilder`; a step
without one gets a generated id from what it runs: ``__run``, ``__actions_checkout``,
``__alpine_3_8`` for ``docker://alpine:3.8``, ``__self`` for a local action, numbered
``_2``, ``_3`` ... on repeats.

Beyond the TypeScript, as GitHub's service does: ``uses`` must be ``owner/repo[/path]@ref``,
a local ``./path`` or ``docker://image``; and a whole step ``env:`` may be an expression
(``env: ${{ matrix.env }}``), which GitHub runs.
"""

from __future__ import annotations

import re
from functools import partial

from shipyard import valueclass
from shipyard.workflow.convert.background import (
    ParallelItem,
    check_parallel,
    check_target,
    missing_kind_message,
    wait_all,
    wait_targets,
)
from shipyard.workflow.convert.conditions import (
    STEP_IF_CONTEXTS,
    STEP_IF_FUNCTIONS,
    convert_if,
    default_condition,
)
from shipyard.workflow.convert.context import (
    ConvertContext,
    assert_boolean,
    assert_mapping,
    assert_scalar,
    assert_string,
)
from shipyard.workflow.convert.ids import IdBuilder, suggest_id
from shipyard.workflow.convert.timeouts import check_timeout
from shipyard.workflow.model import Step
from shipyard.workflow.tokens import (
    BasicExpressionToken,
    MappingToken,
    SequenceToken,
    StringToken,
    Token,
)

_PATH_SEPARATORS = re.compile(r"[\\/]")
_USES_HINT = (
    "use owner/repo@ref (e.g. actions/checkout@v4), owner/repo/path@ref, "
    "./path/to/local/action or docker://image"
)
_SYNTHETIC_NAMES = {
    "wait": "Wait",
    "wait_all": "Wait for all",
    "cancel": "Cancel",
    "parallel": "Parallel group",
}
_STEP_IF_HINT = (
    "a step's `if` can use github, inputs, vars, needs, strategy, matrix, steps, job, "
    "runner and env (secrets are not available in `if`)"
)


def convert_steps(ctx: ConvertContext, token: Token) -> tuple[Step, ...]:
    """The steps of a job, each with its user or generated id."""
    return tuple(step for step, _ in _convert_steps(ctx, token))


def _convert_steps(ctx: ConvertContext, token: Token) -> list[ParallelItem]:
    if not isinstance(token, SequenceToken):
        ctx.error(token, "Invalid format for steps")
        return []
    ids = IdBuilder()
    known: set[str] = set()
    pending: list[tuple[_Pending, bool]] = []
    for item in token:
        converted = ctx.guard(None, partial(_convert_step, ctx, ids, known, item))
        if converted is not None:
            pending.append(converted)
    result: list[ParallelItem] = []
    for make, background_set in pending:  # ids are generated once all user ids are known
        step_id = make.user_id
        if not step_id:
            ids.append_segment(f"__{make.generated_name()}")
            step_id = ids.build()
        result.append((make.build(step_id), background_set))
    return result


@valueclass.dataclass(slots=True)
class _Pending:
    """A converted step waiting for its id."""

    user_id: str | None
    fields: dict[str, object]

    def generated_name(self) -> str:
        """The base of a generated step id (GitHub's ``createActionStepId``)."""
        for kind in ("wait", "wait_all", "cancel", "parallel"):
            if kind in self.fields:
                return kind.replace("_", "-")
        uses = self.fields.get("uses")
        return _action_name(uses) if isinstance(uses, str) else "run"

    def build(self, step_id: str) -> Step:
        return Step(id=step_id, user_id=self.user_id, **self.fields)  # type: ignore[arg-type]


def _convert_step(
    ctx: ConvertContext, ids: IdBuilder, known: set[str], token: Token
) -> tuple[_Pending, bool] | None:
    mapping = assert_mapping(token, "steps item")
    tokens: dict[str, Token] = {}
    own_id: StringToken | None = None
    uses: str | None = None
    if_: BasicExpressionToken | None = None
    background: bool | None = None
    control: dict[str, object] = {}
    for key, value in mapping:
        name = assert_string(key, "steps item key").value
        if name == "id":
            own_id = assert_string(value, "steps item id")
            if _check_id(ctx, ids, own_id):
                known.add(own_id.value)
        elif name in ("name", "run"):
            tokens[name] = assert_scalar(value, f"steps item {name}")
        elif name == "uses":
            uses_token = assert_string(value, "steps item uses")
            uses = uses_token.value
            _check_uses(ctx, uses_token)
        elif name == "env":
            tokens[name] = value if value.is_expression else assert_mapping(value, "step env")
        elif name == "if":
            if_ = convert_if(
                ctx,
                value,
                contexts=STEP_IF_CONTEXTS,
                functions=STEP_IF_FUNCTIONS,
                hint=_STEP_IF_HINT,
            )
        elif name == "continue-on-error":
            if value.is_expression:
                tokens[name] = assert_scalar(value, "steps item continue-on-error")
            else:
                tokens[name] = assert_boolean(value, "steps item continue-on-error")
        elif name == "timeout-minutes":
            check_timeout(ctx, name, value)
            tokens[name] = value
        elif name in ("with", "shell", "working-directory", "parallel"):
            tokens[name] = value
        elif name == "background":
            background = assert_boolean(value, "steps item background").value
        elif name == "wait":
            control["wait"] = wait_targets(ctx, known, value, own_id)
        elif name == "wait-all":
            control["wait_all"] = wait_all(ctx, value)
        elif name == "cancel":
            target = assert_string(value, "steps item cancel")
            check_target(ctx, known, target, own_id)
            control["cancel"] = target.value
    fields: dict[str, object] = {"name": tokens.get("name"), "span": mapping.span}
    if "run" in tokens or uses is not None:
        with_ = tokens.get("with")
        fields.update(
            if_=if_ or default_condition(),
            run=tokens.get("run"),
            uses=None if "run" in tokens else uses,
            with_=with_ if isinstance(with_, MappingToken) else None,
            env=tokens.get("env"),
            shell=tokens.get("shell"),
            working_directory=tokens.get("working-directory"),
            continue_on_error=tokens.get("continue-on-error"),
            timeout_minutes=tokens.get("timeout-minutes"),
            background=bool(background),
        )
    else:
        kind: str | None = next((k for k in ("wait", "wait_all", "cancel") if k in control), None)
        if kind is not None:
            fields[kind] = control[kind]
            fields["continue_on_error"] = tokens.get("continue-on-error")
        elif "parallel" in tokens:
            kind = "parallel"
            items = _convert_steps(ctx, tokens["parallel"])
            check_parallel(ctx, token, items)
            fields["parallel"] = tuple(step for step, _ in items)
        else:
            ctx.error(mapping, missing_kind_message(ctx))
            return None
        fields["if_"] = default_condition()
        fields["name"] = fields["name"] or StringToken(value=_SYNTHETIC_NAMES[str(kind)])
    return _Pending(own_id.value if own_id else None, fields), background is not None


def _check_id(ctx: ConvertContext, ids: IdBuilder, token: Token) -> bool:
    """Register a user's step id; report it and return false when it is not valid."""
    value = str(token)
    error = ids.try_add_known_id(value)
    if error is None:
        return True
    hint: str | None
    if "more than once" in error:
        hint = "step ids must be unique within a job, without regard to case"
    elif value.startswith("__"):
        hint = "ids starting with '__' are kept for the ids GitHub generates"
    else:
        suggestion = suggest_id(value)
        hint = f"for example '{suggestion}'" if suggestion else None
    ctx.error(token, error, hint=hint)
    return False


def _check_uses(ctx: ConvertContext, token: Token) -> None:
    """GitHub's service check of a step's ``uses`` (the TypeScript does not make it)."""
    uses = str(token)
    if uses.startswith(("docker://", "./", ".\\", "$/")):
        return
    segments = uses.split("@")
    path = [s for s in _PATH_SEPARATORS.split(segments[0]) if s]
    git_ref = segments[1] if len(segments) == 2 else ""
    if len(segments) != 2 or len(path) < 2 or not git_ref:
        ctx.error(
            token, f"Expected format {{org}}/{{repo}}[/path]@ref. Actual '{uses}'", hint=_USES_HINT
        )


def _action_name(uses: str) -> str:
    """GitHub's ``createActionStepId``: ``owner/repo``, a docker image, ``self`` or ``run``."""
    if uses.startswith("docker://"):
        return uses[len("docker://") :] or "run"
    if uses.startswith(("./", ".\\", "$/")):
        return "self"
    segments = uses.split("@")
    if len(segments) != 2:
        return "run"
    path = [s for s in _PATH_SEPARATORS.split(segments[0]) if s]
    if len(path) >= 2 and segments[1]:
        return f"{path[0]}/{path[1]}"
    return "run"
