"""Reusable workflow calls: a caller job's ``with``/``secrets`` against the called file.

A port of ``referencedWorkflow.js``, ``job/inputs.js`` and ``job/secrets.js``. Given the
token tree of the workflow a job calls, it checks that the called file declares
``on: workflow_call``, that every required input and secret is passed, that nothing
undeclared is passed, and (as GitHub's service does) that literal boolean and number
inputs have the declared type. Errors point at the caller's ``uses`` or ``with`` values.
The called workflow is converted too and attached to the job (``Job.called``).
"""

from __future__ import annotations

from shipyard import valueclass
from shipyard.diagnostics import Diagnostic
from shipyard.workflow.convert.context import (
    ConvertContext,
    TokenTypeError,
    assert_boolean,
    assert_mapping,
    assert_string,
)
from shipyard.workflow.convert.workflow import convert_workflow
from shipyard.workflow.model import Job
from shipyard.workflow.tokens import (
    BooleanToken,
    MappingToken,
    NullToken,
    NumberToken,
    SequenceToken,
    StringToken,
    Token,
)

_NO_WORKFLOW_CALL = "workflow_call key is not defined in the referenced workflow."
_Entries = dict[str, tuple[str, Token]]


def link_called_workflow(
    job: Job,
    root: Token,
    path: str,
    caller_path: str,
    *,
    allow_background_steps: bool = False,
) -> tuple[Job, list[Diagnostic]]:
    """``job`` with the called workflow attached, and the problems of the call.

    ``root`` is the called file's token tree and ``path`` its name in messages;
    ``caller_path`` is the file of ``job``.
    """
    called = convert_workflow(root, path, allow_background_steps=allow_background_steps)
    ctx = ConvertContext(caller_path)
    ref = StringToken(span=job.uses_span, value=job.uses or "")
    try:
        _check_call(ctx, job, ref, root)
    except TokenTypeError as err:
        ctx.error(err.token, err.message)
    return valueclass.replace(job, called=called), [*ctx.diagnostics, *called.diagnostics]


def _check_call(ctx: ConvertContext, job: Job, ref: StringToken, root: Token) -> None:
    on = assert_mapping(root, "root").get("on")
    definitions: MappingToken | None = None
    found = False
    if isinstance(on, StringToken):
        found = on.value == "workflow_call"
    elif isinstance(on, SequenceToken):
        found = any(
            assert_string(item, f"Reference workflow on value {item}").value == "workflow_call"
            for item in on
        )
    elif isinstance(on, MappingToken):
        for key, value in on:
            if assert_string(key, f"Reference workflow on value {key}").value == "workflow_call":
                found = True
                if not isinstance(value, NullToken):
                    definitions = assert_mapping(value, f"Reference workflow on value {key}")
                break
    if not found:
        ctx.error(ref, _NO_WORKFLOW_CALL, hint="add `on: workflow_call` to the called workflow")
        return
    sections = {str(k): v for k, v in definitions or ()}
    _check_inputs(ctx, job, ref, _entries(sections.get("inputs"), "inputs"))
    if not job.secrets_inherit:
        _check_secrets(ctx, job, ref, _entries(sections.get("secrets"), "secrets"))


def _entries(token: Token | None, what: str) -> _Entries | None:
    """GitHub's ``createTokenMap``: lower-cased name → (name, value)."""
    if token is None:
        return None
    result: _Entries = {}
    for key, value in assert_mapping(token, f"on-workflow_call-{what}"):
        name = assert_string(key, f"{what} key").value
        result[name.lower()] = (name, value)
    return result


def _check_inputs(
    ctx: ConvertContext, job: Job, ref: StringToken, defined: _Entries | None
) -> None:
    given = _entries(job.with_, "with")
    types: dict[str, str] = {}
    for lowered, (name, value) in (defined or {}).items():
        spec = _entries(assert_mapping(value, f"input {name}"), f"input {name} key") or {}
        type_token = spec.get("type")
        if type_token is None:
            continue
        types[lowered] = str(type_token[1])
        required = spec.get("required")
        is_required = (
            required is not None and assert_boolean(required[1], f"input {name} required").value
        )
        if is_required and (given is None or lowered not in given):
            ctx.error(ref, f"Input {name} is required, but not provided while calling.")
    for lowered, (name, value) in (given or {}).items():
        if defined is None or lowered not in defined:
            ctx.error(
                value,
                f"Invalid input, {name} is not defined in the referenced workflow.",
                hint=_declared("inputs", defined),
            )
        elif not _fits(types.get(lowered), value):
            ctx.error(value, f"Unexpected value '{value}'", hint=f"'{name}' is a {types[lowered]}")


def _check_secrets(
    ctx: ConvertContext, job: Job, ref: StringToken, defined: _Entries | None
) -> None:
    given = _entries(job.secrets, "secrets")
    for lowered, (name, value) in (defined or {}).items():
        if isinstance(value, NullToken):
            continue
        spec = _entries(assert_mapping(value, f"secret {name}"), f"secret {name} key") or {}
        required = spec.get("required")
        is_required = (
            required is not None and assert_boolean(required[1], f"secret {name} required").value
        )
        if is_required and (given is None or lowered not in given):
            ctx.error(ref, f"Secret {name} is required, but not provided while calling.")
    for lowered, (name, value) in (given or {}).items():
        if defined is None or lowered not in defined:
            ctx.error(
                value,
                f"Invalid secret, {name} is not defined in the referenced workflow.",
                hint=_declared("secrets", defined),
            )


def _fits(type_: str | None, value: Token) -> bool:
    """GitHub's service check of a literal ``with`` value against the input's type."""
    if value.is_expression:
        return True
    if type_ == "boolean":
        return isinstance(value, BooleanToken)
    if type_ == "number":
        return isinstance(value, NumberToken)
    return True


def _declared(what: str, defined: _Entries | None) -> str:
    if not defined:
        return f"the called workflow declares no {what}"
    return "the called workflow declares: " + ", ".join(name for name, _ in defined.values())
