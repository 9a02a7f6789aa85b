"""Action metadata (``action.yml``): what a local action takes, gives and runs.

Reads the file against GitHub's action schema (:func:`read_action_template`) and converts
it into an :class:`ActionDefinition`: inputs with defaults, outputs (expressions over the
composite steps), and how it runs — ``composite`` steps, a JavaScript entry point
(``node20``/``node24``… with ``pre``/``main``/``post``), or ``docker``.
"""

from __future__ import annotations

from shipyard.diagnostics import Diagnostic, Severity, Span
from shipyard.valueclass import dataclass, field
from shipyard.workflow.convert.context import ConvertContext
from shipyard.workflow.convert.steps import convert_steps
from shipyard.workflow.model import Step
from shipyard.workflow.templates import read_action_template
from shipyard.workflow.tokens import MappingToken, StringToken, Token


@dataclass(frozen=True, slots=True)
class ActionInput:
    """One ``inputs.<name>``; ``default`` may hold an expression."""

    name: str
    default: Token | None = None
    required: bool = False


@dataclass(frozen=True, slots=True)
class ActionDefinition:
    """A converted ``action.yml`` (see the module docstring)."""

    path: str
    name: str
    using: str  # composite | node20 | node16 | node12 | node24 | docker
    inputs: tuple[ActionInput, ...] = ()
    outputs: tuple[tuple[str, Token | None], ...] = ()
    steps: tuple[Step, ...] = ()
    main: str | None = None
    pre: str | None = None
    post: str | None = None
    pre_if: str | None = None
    post_if: str | None = None
    image: str | None = None
    diagnostics: tuple[Diagnostic, ...] = field(default=(), compare=False)

    @property
    def valid(self) -> bool:
        """No error-level diagnostic."""
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)


def _text(token: Token | None) -> str | None:
    return token.value if isinstance(token, StringToken) else None


def parse_action(text: str, path: str) -> ActionDefinition:
    """Read and convert an ``action.yml``; problems are in ``diagnostics``."""
    result = read_action_template(text, path)
    diagnostics = list(result.diagnostics)
    root = result.value
    if not isinstance(root, MappingToken):
        return ActionDefinition(path, "", "", diagnostics=tuple(diagnostics))
    name = _text(root.get("name")) or path
    inputs: list[ActionInput] = []
    if isinstance(inputs_token := root.get("inputs"), MappingToken):
        for key, value in inputs_token.pairs:
            spec = value if isinstance(value, MappingToken) else MappingToken()
            required = spec.get("required")
            inputs.append(
                ActionInput(
                    str(key),
                    spec.get("default"),
                    bool(getattr(required, "value", False)) if required else False,
                )
            )
    outputs: list[tuple[str, Token | None]] = []
    if isinstance(outputs_token := root.get("outputs"), MappingToken):
        for key, value in outputs_token.pairs:
            spec = value if isinstance(value, MappingToken) else MappingToken()
            outputs.append((str(key), spec.get("value")))
    runs = root.get("runs")
    if runs is None:  # the schema's required property (GitHub's words)
        diagnostics.append(Diagnostic("Required property is missing: runs", Span(path)))
    elif isinstance(runs, MappingToken) and runs.get("using") is None:
        diagnostics.append(Diagnostic("Required property is missing: using", runs.span))
    runs = runs if isinstance(runs, MappingToken) else MappingToken()
    using = (_text(runs.get("using")) or "").lower()
    steps: tuple[Step, ...] = ()
    if using == "composite" and runs.get("steps") is not None:
        ctx = ConvertContext(path)
        steps = convert_steps(ctx, runs.get("steps"))  # type: ignore[arg-type]
        diagnostics.extend(ctx.diagnostics)
    return ActionDefinition(
        path=path,
        name=name,
        using=using,
        inputs=tuple(inputs),
        outputs=tuple(outputs),
        steps=steps,
        main=_text(runs.get("main")),
        pre=_text(runs.get("pre")),
        post=_text(runs.get("post")),
        pre_if=_text(runs.get("pre-if")),
        post_if=_text(runs.get("post-if")),
        image=_text(runs.get("image")),
        diagnostics=tuple(diagnostics),
    )
