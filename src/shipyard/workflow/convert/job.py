"""One job of ``jobs:``: a port of GitHub's ``job.js``.

A job either runs steps (``runs-on`` + ``steps``) or calls a reusable workflow (``uses``,
with ``with`` and ``secrets``). This module checks the job id and each field GitHub's
converter checks (``if``, ``needs``, ``runs-on``, ``concurrency``, ``environment``,
``container``, ``services``, ``env``, ``outputs``) and keeps the rest as tokens for the
planner. ``needs`` comes back with its tokens, for :mod:`.jobs` to check the graph.

Beyond the TypeScript, as GitHub's service does: an empty matrix vector is an error, and a
whole job ``env:`` may be an expression. Shipyard adds a warning for fractional timeouts.
"""

from __future__ import annotations

from functools import partial

from shipyard import valueclass
from shipyard.valueclass import dataclass
from shipyard.workflow.convert.concurrency import check_concurrency
from shipyard.workflow.convert.conditions import (
    JOB_IF_CONTEXTS,
    JOB_IF_FUNCTIONS,
    convert_if,
    default_condition,
)
from shipyard.workflow.convert.containers import check_container, check_services
from shipyard.workflow.convert.context import (
    ConvertContext,
    assert_mapping,
    assert_scalar,
    assert_string,
)
from shipyard.workflow.convert.environment import check_environment
from shipyard.workflow.convert.ids import IdBuilder, suggest_id
from shipyard.workflow.convert.runs_on import convert_runs_on
from shipyard.workflow.convert.steps import convert_steps
from shipyard.workflow.convert.strategy import check_strategy
from shipyard.workflow.convert.timeouts import check_timeout
from shipyard.workflow.model import Job, Step
from shipyard.workflow.tokens import (
    BasicExpressionToken,
    MappingToken,
    SequenceToken,
    StringToken,
    Token,
)

_JOB_IF_HINT = (
    "a job's `if` can use github, inputs, vars and needs: env, matrix, steps and secrets "
    "do not exist yet when GitHub decides whether to run the job"
)
# Fields kept as they are, for the planner to evaluate.
_KEPT = (
    "name",
    "runs-on",
    "environment",
    "outputs",
    "env",
    "defaults",
    "permissions",
    "concurrency",
    "timeout-minutes",
    "cancel-timeout-minutes",
    "continue-on-error",
    "strategy",
    "container",
    "services",
    "with",
    "secrets",
)


@dataclass(frozen=True, slots=True)
class ConvertedJob:
    """A job, the tokens of its ``needs`` (positions for the graph's errors), its mapping."""

    job: Job
    needs: tuple[StringToken, ...]
    token: MappingToken


def convert_job(ctx: ConvertContext, key: StringToken, token: MappingToken) -> ConvertedJob:
    """Convert one job (raises :class:`~.context.TokenTypeError` where GitHub throws)."""
    error = IdBuilder().try_add_known_id(key.value)
    if error is not None:
        suggestion = suggest_id(key.value)
        hint = f"for example '{suggestion}'" if suggestion and suggestion != key.value else None
        ctx.error(key, error, hint=hint)
    fields: dict[str, Token] = {}
    needs: list[StringToken] = []
    if_: BasicExpressionToken | None = None
    steps: tuple[Step, ...] = ()
    uses: StringToken | None = None
    inherit = False
    for item_key, value in token:
        name = assert_string(item_key, "job property name").value
        if name == "concurrency":
            ctx.guard(None, partial(check_concurrency, ctx, value))
        elif name == "container":
            check_container(ctx, value)
        elif name == "services":
            check_services(ctx, value)
        elif name == "env":
            if not ctx.guard(False, partial(_is_env, value)):
                continue
        elif name == "environment":
            ctx.guard(None, partial(check_environment, ctx, value))
        elif name == "if":
            if_ = convert_if(
                ctx, value, contexts=JOB_IF_CONTEXTS, functions=JOB_IF_FUNCTIONS, hint=_JOB_IF_HINT
            )
        elif name == "name":
            assert_scalar(value, "job name")
        elif name == "needs":
            needs = _needs(value)
        elif name in ("outputs", "with"):
            what = "job outputs" if name == "outputs" else "uses-with value"
            if not ctx.guard(False, partial(_is_mapping, value, what)):
                continue
        elif name == "runs-on":
            ctx.guard(None, partial(convert_runs_on, ctx, value))
        elif name == "steps":
            steps = convert_steps(ctx, value)
        elif name == "strategy":
            check_strategy(ctx, value)
        elif name == "uses":
            uses = assert_string(value, "job uses value")
        elif name == "secrets":
            if isinstance(value, StringToken) and value.value == "inherit":
                inherit = True
                continue
            if not ctx.guard(False, partial(_is_mapping, value, "uses-secrets value")):
                continue
        elif name in ("timeout-minutes", "cancel-timeout-minutes"):
            check_timeout(ctx, name, value)
        if name in _KEPT:
            fields[name] = value
    job = _build(key, fields, needs, if_, steps, uses, inherit)
    return ConvertedJob(job, tuple(needs), token)


def _build(
    key: StringToken,
    fields: dict[str, Token],
    needs: list[StringToken],
    if_: BasicExpressionToken | None,
    steps: tuple[Step, ...],
    uses: StringToken | None,
    inherit: bool,
) -> Job:
    name = fields.get("name")
    if isinstance(name, StringToken) and not name.value:
        name = None
    job = Job(
        id=key.value,
        name=name,
        needs=tuple(n.value for n in needs),
        if_=if_ or default_condition(),
        concurrency=fields.get("concurrency"),
        strategy=fields.get("strategy"),
        permissions=fields.get("permissions"),
        span=key.span,
    )
    if uses is not None:
        return valueclass.replace(
            job,
            uses=uses.value,
            uses_span=uses.span,
            with_=_mapping(fields.get("with")),
            secrets=_mapping(fields.get("secrets")),
            secrets_inherit=inherit,
        )
    return valueclass.replace(
        job,
        runs_on=fields.get("runs-on"),
        environment=fields.get("environment"),
        outputs=_mapping(fields.get("outputs")),
        env=fields.get("env"),
        defaults=fields.get("defaults"),
        timeout_minutes=fields.get("timeout-minutes"),
        cancel_timeout_minutes=fields.get("cancel-timeout-minutes"),
        continue_on_error=fields.get("continue-on-error"),
        container=fields.get("container"),
        services=fields.get("services"),
        steps=steps,
    )


def _mapping(token: Token | None) -> MappingToken | None:
    return token if isinstance(token, MappingToken) else None


def _needs(token: Token) -> list[StringToken]:
    if isinstance(token, StringToken):
        return [token]
    if isinstance(token, SequenceToken):
        return [assert_string(item, "job needs id") for item in token]
    return []


def _is_mapping(token: Token, what: str) -> bool:
    assert_mapping(token, what)
    return True


def _is_env(token: Token) -> bool:
    """A job ``env`` is a mapping, or an expression GitHub evaluates to one."""
    return token.is_expression or _is_mapping(token, "job env")
