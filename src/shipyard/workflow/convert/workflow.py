"""The root of a workflow file: a port of GitHub's ``convertWorkflowTemplate``.

Reads the root mapping's keys: ``on`` and ``jobs`` are converted (each in its own error
guard, so a problem in one still lets the other be read), ``concurrency`` is checked, and
``name``, ``run-name``, ``env``, ``defaults`` and ``permissions`` are kept for later stages.
"""

from __future__ import annotations

from functools import partial

from shipyard.workflow.convert.concurrency import check_concurrency
from shipyard.workflow.convert.context import (
    ConvertContext,
    TokenTypeError,
    assert_mapping,
    assert_string,
)
from shipyard.workflow.convert.events import convert_on
from shipyard.workflow.convert.jobs import convert_jobs
from shipyard.workflow.model import EventConfig, Job, Workflow
from shipyard.workflow.tokens import StringToken, Token


def convert_workflow(root: Token, path: str, *, allow_background_steps: bool = False) -> Workflow:
    """Convert a workflow's token tree (as read against the schema) to the model.

    Never raises for bad input: problems are in ``Workflow.diagnostics``, in the order
    GitHub reports them. ``allow_background_steps`` is GitHub's feature flag (as given to
    the reader).
    """
    ctx = ConvertContext(path, allow_background_steps=allow_background_steps)
    events: tuple[EventConfig, ...] = ()
    jobs: tuple[Job, ...] = ()
    kept: dict[str, Token] = {}
    try:
        for key, value in assert_mapping(root, "root"):
            name = assert_string(key, "root key").value
            if name == "on":
                events = ctx.guard((), partial(convert_on, ctx, value))
            elif name == "jobs":
                jobs = ctx.guard((), partial(convert_jobs, ctx, value))
            elif name == "concurrency":
                ctx.guard(None, partial(check_concurrency, ctx, value))
            kept[name] = value
    except TokenTypeError as err:
        ctx.error(err.token, err.message)
    name_token = kept.get("name")
    return Workflow(
        path=path,
        name=name_token.value if isinstance(name_token, StringToken) and name_token.value else None,
        run_name=kept.get("run-name"),
        events=events,
        jobs=jobs,
        env=kept.get("env"),
        defaults=kept.get("defaults"),
        permissions=kept.get("permissions"),
        concurrency=kept.get("concurrency"),
        diagnostics=tuple(ctx.diagnostics),
    )
