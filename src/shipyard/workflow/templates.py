"""The template reader: YAML text checked against GitHub's schema, as positioned tokens.

A port of ``templates/template-reader.js`` and the error collection of
``template-context.js`` from GitHub's ``actions/languageservices`` (MIT licence, Copyright
GitHub, Inc.), with the limits of GitHub's server parser: file size, object depth and
result size abort the read with one file-level error, at most 10 errors are kept and a
message longer than 500 characters (with its ``path (Line: N, Col: M): `` prefix) is cut
to 500 plus ``[...]``.

:func:`read_template` returns a :class:`~shipyard.workflow.tokens.MappingToken` tree and
the diagnostics, in GitHub's order and words (``Unexpected value 'foo'``, ``'x' is already
defined``, ``Required property is missing: runs-on`` ...). YAML errors stop the read (as
GitHub does: schema errors on broken YAML would mislead). Converting the tokens to the
workflow model is a later stage, skipped by GitHub when this one reported errors.
"""

from __future__ import annotations

from shipyard import valueclass
from shipyard.diagnostics import Diagnostic, Span
from shipyard.source import (
    DEPTH_MESSAGE,
    YamlMapping,
    YamlNode,
    YamlScalar,
    YamlSequence,
    parse_yaml,
)
from shipyard.valueclass import dataclass
from shipyard.workflow.schema import (
    ANY,
    DefinitionInfo,
    MappingDefinition,
    TemplateSchema,
    action_schema,
    workflow_schema,
)
from shipyard.workflow.template_scalars import literal_token, parse_scalar
from shipyard.workflow.tokens import (
    BasicExpressionToken,
    BooleanToken,
    MappingToken,
    NullToken,
    NumberToken,
    SequenceToken,
    StringToken,
    Token,
)

WORKFLOW_ROOT = "workflow-root"
WORKFLOW_ROOT_STRICT = "workflow-root-strict"  # the TypeScript parser's root: checks events
ACTION_ROOT = "action-root"

_BACKGROUND = frozenset(("background", "wait", "wait-all", "cancel"))
_BACKGROUND_ONLY = frozenset(("wait", "wait-all", "cancel"))
_MIN_OBJECT_SIZE = 24  # GitHub's byte estimate of a token, for the result-size limit
_STRING_OVERHEAD = 26
_STRING_SIZE = _MIN_OBJECT_SIZE + _STRING_OVERHEAD  # plus 2 bytes a character


@dataclass(frozen=True, slots=True)
class TemplateLimits:
    """GitHub's server limits (its defaults; the conformance corpus overrides some)."""

    max_file_size: int = 1024 * 1024  # characters
    max_depth: int = 50  # nested mappings/sequences
    max_result_size: int = 10 * 1024 * 1024  # estimated bytes of the token tree
    max_errors: int = 10
    max_message_length: int = 500


DEFAULT_LIMITS = TemplateLimits()


class TemplateErrors:
    """Collects diagnostics the way GitHub does: capped in number and length."""

    def __init__(self, max_errors: int = 10, max_message_length: int = 500) -> None:
        self.items: list[Diagnostic] = []
        self.max_errors = max_errors
        self.max_message_length = max_message_length

    def add(self, message: str, span: Span | None) -> None:
        """Record an error (dropped once ``max_errors`` are kept)."""
        self.add_diagnostic(Diagnostic(message, span))

    def add_diagnostic(self, diagnostic: Diagnostic) -> None:
        """Record a diagnostic, cut to ``max_message_length`` with its position prefix."""
        if 0 < self.max_errors <= len(self.items):
            return
        limit = self.max_message_length
        if limit > 0:
            prefix = diagnostic.span.prefix() if diagnostic.span else ""
            if len(prefix) + len(diagnostic.message) > limit:
                kept = max(limit - len(prefix), 0)
                message = diagnostic.message[:kept] + "[...]"
                diagnostic = valueclass.replace(diagnostic, message=message)
        self.items.append(diagnostic)


class LimitExceeded(Exception):
    """A limit was exceeded: GitHub stops reading and reports one file-level error.

    :func:`read_template` turns it into that diagnostic; it escapes only from a direct
    :meth:`TemplateMemory.add`.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TemplateMemory:
    """GitHub's estimate of the bytes a read produced, checked against ``max_result_size``.

    Pass one instance to several reads to share the budget, as GitHub does for a workflow
    and the reusable workflows it calls; each file name is counted once.
    """

    def __init__(self, max_bytes: int = DEFAULT_LIMITS.max_result_size) -> None:
        self.max_bytes = max_bytes
        self.used = 0
        self.files: set[str] = set()

    def add_file(self, path: str) -> None:
        """Count a file name in GitHub's file table (once per name, case-insensitively)."""
        if path.upper() not in self.files:
            self.files.add(path.upper())
            self.add(_STRING_OVERHEAD + 2 * len(path))

    def add(self, count: int) -> None:
        """Count ``count`` bytes; raises :class:`LimitExceeded` when over budget."""
        self.used += count
        if self.used > self.max_bytes:
            raise LimitExceeded("Maximum object size exceeded")


@dataclass(frozen=True, slots=True)
class TemplateResult:
    """The token tree (``None`` when the file could not be read) and the diagnostics."""

    value: Token | None
    diagnostics: list[Diagnostic]


def _size(token: Token) -> int:
    if isinstance(token, StringToken):
        return _STRING_SIZE + 2 * len(token.value)
    if isinstance(token, BasicExpressionToken):
        return _STRING_SIZE + 2 * len(token.expression)
    return _MIN_OBJECT_SIZE


_NOT_ALLOWED = "A template expression is not allowed in this context"


class _Reader:
    """Reads one document against the schema (one instance per read).

    The hot path (plain strings without ``${{``) is written out inline: a workflow has
    hundreds of values and this is most of them.
    """

    __slots__ = ("background", "depth", "max_depth", "memory", "report", "schema")

    def __init__(
        self, schema: TemplateSchema, errors: TemplateErrors, memory: TemplateMemory, depth: int
    ) -> None:
        self.schema = schema
        self.report = errors.add
        self.memory = memory
        self.max_depth = depth
        self.background = False
        self.depth = 0

    def read_value(self, node: YamlNode, info: DefinitionInfo) -> Token:
        if isinstance(node, YamlScalar):
            value = node.value
            token: Token
            memory = self.memory
            if isinstance(value, str) and "${{" not in value and info.any_string:
                token = StringToken(node.span, value, node.block_header)  # the usual value
                memory.used += _STRING_SIZE + 2 * len(value)
            else:
                token = self.scalar(node, info)
                memory.used += _size(token)
            if memory.used > memory.max_bytes:
                raise LimitExceeded("Maximum object size exceeded")
            return token
        if self.depth >= self.max_depth:
            raise LimitExceeded(DEPTH_MESSAGE)
        self.depth += 1
        self.memory.add(_MIN_OBJECT_SIZE)
        result: Token
        if isinstance(node, YamlSequence):
            result = self.read_sequence(node, info)
        elif info.mappings:
            result = self.read_mapping(node, info, info.mappings)
        else:
            self.report("A mapping was not expected", node.span)
            result = MappingToken(node.span)
        self.depth -= 1
        return result

    def scalar(self, node: YamlScalar, info: DefinitionInfo) -> Token:
        """The validated token for a scalar value."""
        value = node.value
        if isinstance(value, str):
            token: Token = StringToken(node.span, value, node.block_header)
            if "${{" in value:
                token = parse_scalar(token, info.allowed_context, self.report)
            return self.validate(token, info)
        return self.validate(literal_token(node), info)

    def read_sequence(self, node: YamlSequence, info: DefinitionInfo) -> SequenceToken:
        if not info.sequences:
            self.report("A sequence was not expected", node.span)
            return SequenceToken(node.span)
        item_info = info.child(info.sequences[0].item_type)
        read = self.read_value
        return SequenceToken(node.span, tuple([read(item, item_info) for item in node.items]))

    def read_mapping(
        self, node: YamlMapping, info: DefinitionInfo, mappings: tuple[MappingDefinition, ...]
    ) -> MappingToken:
        first = mappings[0]
        if len(mappings) == 1 and not first.properties and first.loose_key_type:
            return self.read_loose(node, info, first)
        definitions = list(mappings)
        loose_key: DefinitionInfo | None = None
        loose_value: DefinitionInfo | None = None
        pairs: list[tuple[Token, Token]] = []
        seen: set[str] = set()
        has_expression_key = False
        memory, report, child = self.memory, self.report, info.child
        for raw_key, raw_value in node.pairs:
            name = raw_key.value if isinstance(raw_key, YamlScalar) else None
            key: Token | None
            if isinstance(name, str) and "${{" not in name:
                key = StringToken(raw_key.span, name)  # the usual key: a plain string
            else:
                key = self.key_token(raw_key, info)
            if key is None:
                continue
            if not isinstance(key, StringToken):
                has_expression_key = True
                if info.allowed_context:
                    memory.add(_size(key))
                    pairs.append((key, self.read_value(raw_value, info.child(ANY))))
                else:
                    report(_NOT_ALLOWED, key.span)
                continue
            name = key.value
            if name:
                upper = name.upper()
                if upper in seen:
                    report(f"'{name}' is already defined", key.span)
                    continue
                seen.add(upper)
            if len(definitions) == 1:
                prop = definitions[0].properties.get(name)
            else:
                prop = self.schema.match_property_and_filter(definitions, name)
            if prop is not None:
                if name in _BACKGROUND and not self.background:
                    report(f"Unexpected value '{name}'", key.span)
                    continue
                memory.add(_STRING_SIZE + 2 * len(name))
                pairs.append((key, self.read_value(raw_value, child(prop.type))))
                continue
            if definitions[0].loose_key_type:
                if loose_key is None or loose_value is None:
                    loose_key = info.child(definitions[0].loose_key_type)
                    loose_value = info.child(definitions[0].loose_value_type)
                self.validate(key, loose_key)
                memory.add(_size(key))
                pairs.append((key, self.read_value(raw_value, loose_value)))
                continue
            report(f"Unexpected value '{name}'", key.span)
        if len(definitions) > 1:
            report(_ambiguous(definitions, self.background), node.span)
        elif not has_expression_key:
            for prop_name, prop_def in definitions[0].properties.items():
                if prop_def.required and prop_name.upper() not in seen:
                    report(f"Required property is missing: {prop_name}", node.span)
        return MappingToken(node.span, tuple(pairs))

    def read_loose(
        self, node: YamlMapping, info: DefinitionInfo, definition: MappingDefinition
    ) -> MappingToken:
        """A mapping whose keys are all loose (``loose-key-type``/``loose-value-type``)."""
        key_info = info.child(definition.loose_key_type)
        value_info = info.child(definition.loose_value_type)
        pairs: list[tuple[Token, Token]] = []
        seen: set[str] = set()
        memory, report = self.memory, self.report
        for raw_key, raw_value in node.pairs:
            key = self.key_token(raw_key, info)
            if key is None:
                continue
            if not isinstance(key, StringToken):
                if info.allowed_context:
                    memory.add(_size(key))
                    pairs.append((key, self.read_value(raw_value, value_info)))
                else:
                    report(_NOT_ALLOWED, key.span)
                continue
            if key.value:
                upper = key.value.upper()
                if upper in seen:
                    report(f"'{key.value}' is already defined", key.span)
                    continue
                seen.add(upper)
            self.validate(key, key_info)
            memory.add(_size(key))
            pairs.append((key, self.read_value(raw_value, value_info)))
        return MappingToken(node.span, tuple(pairs))

    def key_token(self, key: YamlNode, info: DefinitionInfo) -> Token | None:
        """The key as a string or expression token; None (reported) for a collection key."""
        if isinstance(key, YamlScalar):
            value = key.value
            if isinstance(value, str):
                token: Token = StringToken(key.span, value)
                if "${{" in value:
                    token = parse_scalar(token, info.allowed_context, self.report)
                return token
            return StringToken(key.span, str(literal_token(key)))
        kind = "sequence" if isinstance(key, YamlSequence) else "mapping"
        self.report(f"A {kind} was not expected", key.span)
        return None

    def validate(self, token: Token, info: DefinitionInfo) -> Token:
        """Check a scalar against the definition; a non-string may become a string."""
        if isinstance(token, (NullToken, BooleanToken, NumberToken, StringToken)):
            definitions = info.scalars
            for definition in definitions:
                if definition.is_match(token):
                    return token
            if not isinstance(token, StringToken):
                text = StringToken(token.span, str(token))
                for definition in definitions:
                    if definition.is_match(text):
                        return text
            self.report(f"Unexpected value '{token}'", token.span)
            return token
        if isinstance(token, BasicExpressionToken):
            if not info.allowed_context:
                self.report(_NOT_ALLOWED, token.span)
            return token
        self.report(f"Unexpected value '{token}'", token.span)
        return token


def _ambiguous(definitions: list[MappingDefinition], background: bool) -> str:
    counts: dict[str, int] = {}
    for definition in definitions:
        for name in definition.properties:
            counts[name] = counts.get(name, 0) + 1
    names = [n for n, c in counts.items() if c == 1]
    if not background:
        names = [n for n in names if n not in _BACKGROUND_ONLY]
    return (
        "There's not enough info to determine what you meant. "
        f"Add one of these properties: {', '.join(sorted(names))}"
    )


def _utf16_length(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-16-le")) // 2


def read_template(
    text: str,
    path: str,
    *,
    root: str = WORKFLOW_ROOT,
    schema: TemplateSchema | None = None,
    limits: TemplateLimits = DEFAULT_LIMITS,
    memory: TemplateMemory | None = None,
    allow_background_steps: bool = False,
) -> TemplateResult:
    """Read a workflow (or another template) and check it against GitHub's schema.

    ``path`` appears in the diagnostics exactly as given. ``root`` is the schema definition
    of the whole document; ``workflow-root`` is what GitHub's server uses. ``memory``
    shares the result-size budget with other reads (default: a new one of
    ``limits.max_result_size``). ``allow_background_steps`` is GitHub's feature flag for
    the ``background``/``wait``/``wait-all``/``cancel`` step keys.
    """
    errors = TemplateErrors(limits.max_errors, limits.max_message_length)
    if _utf16_length(text) > limits.max_file_size:
        message = f"The maximum file size of {limits.max_file_size} characters has been exceeded"
        errors.add(message, Span(path))
        return TemplateResult(None, errors.items)
    document = parse_yaml(text, path)
    if document.diagnostics:
        for diagnostic in document.diagnostics:
            errors.add_diagnostic(diagnostic)
        return TemplateResult(None, errors.items)
    if document.root is None:
        errors.add("Expected a scalar value, a sequence, or a mapping", Span(path))
        return TemplateResult(None, errors.items)
    schema = schema or workflow_schema()
    memory = memory or TemplateMemory(limits.max_result_size)
    reader = _Reader(schema, errors, memory, limits.max_depth)
    reader.background = allow_background_steps
    value: Token | None
    try:
        memory.add_file(path)
        value = reader.read_value(document.root, schema.info(root))
    except LimitExceeded as abort:
        errors.add(abort.message, Span(path))
        value = None
    except RecursionError:
        errors.add(DEPTH_MESSAGE, Span(path))
        value = None
    return TemplateResult(value, errors.items)


def read_action_template(text: str, path: str, *, root: str = ACTION_ROOT) -> TemplateResult:
    """Read an action's metadata file (``action.yml``) against GitHub's action schema."""
    return read_template(text, path, root=root, schema=action_schema())


__all__ = [
    "ACTION_ROOT",
    "DEFAULT_LIMITS",
    "WORKFLOW_ROOT",
    "WORKFLOW_ROOT_STRICT",
    "LimitExceeded",
    "TemplateErrors",
    "TemplateLimits",
    "TemplateMemory",
    "TemplateResult",
    "read_action_template",
    "read_template",
]
