"""``workflow_dispatch`` and ``workflow_call``: input, secret and output definitions.

A port of ``workflow-dispatch.js`` and ``workflow-call.js`` with GitHub's checks: unknown
keys of an input, a ``default`` of the wrong type, ``choice`` without ``options`` and
``options`` on another type. Two differences, both as GitHub's service behaves: an input
written with no configuration (``name:`` alone) is a string input, and ``inputs:`` with
no value means no inputs (the reference parser rejects both). GitHub's converter leaves
``workflow_call`` outputs out; Shipyard keeps them.
"""

from __future__ import annotations

from typing import Literal, cast

from shipyard.diagnostics import Span
from shipyard.workflow.convert.context import (
    ConvertContext,
    TokenTypeError,
    assert_boolean,
    assert_mapping,
    assert_scalar,
    assert_sequence,
    assert_string,
)
from shipyard.workflow.model import (
    EventConfig,
    InputDefinition,
    OutputDefinition,
    SecretDefinition,
)
from shipyard.workflow.tokens import MappingToken, NullToken, NumberToken, Token

InputType = Literal["string", "boolean", "number", "choice", "environment"]
_TYPES = ("string", "boolean", "number", "choice", "environment")


def convert_workflow_dispatch(
    ctx: ConvertContext, token: MappingToken, span: Span | None
) -> EventConfig:
    """``on.workflow_dispatch``: its inputs (other keys are ignored, as on GitHub)."""
    inputs: tuple[InputDefinition, ...] = ()
    for key, value in token:
        if assert_string(key, "workflow dispatch input key").value == "inputs":
            inputs = _convert_inputs(ctx, value, dispatch=True)
    return EventConfig(name="workflow_dispatch", inputs=inputs, span=span)


def convert_workflow_call(
    ctx: ConvertContext, token: MappingToken, span: Span | None
) -> EventConfig:
    """``on.workflow_call``: its inputs, secrets and outputs."""
    inputs: tuple[InputDefinition, ...] = ()
    secrets: tuple[SecretDefinition, ...] = ()
    outputs: tuple[OutputDefinition, ...] = ()
    for key, value in token:
        name = assert_string(key, "workflow dispatch input key").value
        if name == "inputs":
            inputs = _convert_inputs(ctx, value, dispatch=False)
        elif name == "secrets":
            secrets = _convert_secrets(value)
        elif name == "outputs":
            outputs = _convert_outputs(value)
    return EventConfig(
        name="workflow_call", inputs=inputs, secrets=secrets, outputs=outputs, span=span
    )


def _convert_inputs(
    ctx: ConvertContext, token: Token, *, dispatch: bool
) -> tuple[InputDefinition, ...]:
    if isinstance(token, NullToken):
        return ()
    result: dict[str, InputDefinition] = {}
    for key, value in assert_mapping(token, "workflow dispatch inputs"):
        name = assert_string(key, "input name")
        if isinstance(value, NullToken):
            result[name.value] = InputDefinition(name=name.value, span=name.span)
            continue
        mapping = assert_mapping(value, "input configuration")
        result[name.value] = _convert_input(ctx, name.value, mapping, dispatch=dispatch)
    return tuple(result.values())


def _convert_input(
    ctx: ConvertContext, name: str, token: MappingToken, *, dispatch: bool
) -> InputDefinition:
    type_: InputType = "string"
    description: str | None = None
    required = False
    options: tuple[str, ...] | None = None
    default: Token | None = None
    for key, value in token:
        key_name = assert_string(key, "workflow dispatch input key").value
        if key_name == "description":
            description = assert_string(value, "input description").value
        elif key_name == "required":
            required = assert_boolean(value, "input required").value
        elif key_name == "default":
            default = assert_scalar(value, "input default")
        elif key_name == "type":
            written = assert_string(value, "input type").value
            type_ = cast(InputType, written) if written in _TYPES else "string"
        elif key_name == "options":
            items = assert_sequence(value, "input options")
            options = tuple(assert_string(i, "input options item").value for i in items)
        else:
            ctx.error(key, f"Invalid key '{key_name}'")
    default_value = _check_default(ctx, type_, default, dispatch=dispatch)
    if type_ == "choice":
        if not options:
            ctx.error(token, "Missing 'options' for choice input")
    elif options is not None:
        ctx.error(token, "Input type is not 'choice', but 'options' is defined")
    return InputDefinition(
        name=name,
        type=type_,
        description=description,
        required=required,
        default=default_value,
        options=options or (),
        span=token.span,
    )


def _check_default(
    ctx: ConvertContext, type_: InputType, default: Token | None, *, dispatch: bool
) -> str | bool | float | Token | None:
    """The default as a value, checked against the type (GitHub's rules per event).

    ``workflow_dispatch`` checks an expression default too (and rejects it where a
    literal is needed); ``workflow_call`` keeps an expression as it is.
    """
    if default is None:
        return None
    if default.is_expression and not dispatch:
        return default
    try:
        if type_ == "boolean":
            return assert_boolean(default, "input default").value
        if type_ in ("string", "choice", "environment"):
            return assert_string(default, "input default").value
    except TokenTypeError as err:
        ctx.error(default, err.message)
        return None
    if isinstance(default, NumberToken):
        return default.value
    return default if default.is_expression else str(default)


def _convert_secrets(token: Token) -> tuple[SecretDefinition, ...]:
    if isinstance(token, NullToken):
        return ()
    result: dict[str, SecretDefinition] = {}
    for key, value in assert_mapping(token, "workflow dispatch inputs"):
        name = assert_string(key, "secret name").value
        description: str | None = None
        required = False
        if isinstance(value, MappingToken):
            for item_key, item_value in value:
                item_name = assert_string(item_key, "workflow call secret key").value
                if item_name == "description":
                    description = assert_string(item_value, "secret description").value
                elif item_name == "required":
                    required = assert_boolean(item_value, "secret required").value
        result[name] = SecretDefinition(name=name, description=description, required=required)
    return tuple(result.values())


def _convert_outputs(token: Token) -> tuple[OutputDefinition, ...]:
    if isinstance(token, NullToken):
        return ()
    result: dict[str, OutputDefinition] = {}
    for key, value in assert_mapping(token, "workflow call outputs"):
        name = assert_string(key, "output name").value
        description: str | None = None
        output_value: Token = NullToken()
        if isinstance(value, MappingToken):
            for item_key, item_value in value:
                item_name = assert_string(item_key, "workflow call output key").value
                if item_name == "description":
                    description = assert_string(item_value, "output description").value
                elif item_name == "value":
                    output_value = item_value
        result[name] = OutputDefinition(name=name, value=output_value, description=description)
    return tuple(result.values())
