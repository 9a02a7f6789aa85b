"""GitHub's workflow schema as definitions: what each key may hold, and which contexts and
functions the expressions inside it may use.

A port of ``templates/schema/*`` from GitHub's ``actions/languageservices`` workflow
parser (MIT licence, Copyright GitHub, Inc.). The schema itself is GitHub's
``workflow-v1.0.json`` (and ``action-v1.0.json``), shipped as package data in
``shipyard/workflow/data`` with its licence. Each schema is parsed once and cached; the
data is static, like code, so reading it is not the kind of I/O the pure core avoids.

:class:`DefinitionInfo` is a definition seen from a place in a document: it carries the
contexts allowed there, inherited from the enclosing definitions.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from shipyard.valueclass import dataclass, field
from shipyard.workflow.tokens import BooleanToken, NullToken, NumberToken, StringToken, Token

ANY = "any"
_MAX = 2**53 - 1  # "MAX" in a function's parameter count (JavaScript's MAX_SAFE_INTEGER)
_FUNCTION = re.compile(r"([a-zA-Z0-9_]+)\(([0-9]+),([0-9]+|MAX)\)")
_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_-]*")


class SchemaError(Exception):
    """The schema data itself is malformed (a bug in the shipped data, not user input)."""


@dataclass(frozen=True, slots=True)
class PropertyDefinition:
    """One well-known key of a mapping definition."""

    type: str
    required: bool = False
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Definition:
    """Base of all definitions; ``reader_context`` lists contexts and ``fn(min,max)``."""

    key: str
    description: str | None = None
    reader_context: tuple[str, ...] = ()
    evaluator_context: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ScalarDefinition(Definition):
    """A definition a literal can match."""

    def is_match(self, token: Token) -> bool:
        """Whether the literal ``token`` fits this definition."""
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class NullDefinition(ScalarDefinition):
    def is_match(self, token: Token) -> bool:
        return isinstance(token, NullToken)


@dataclass(frozen=True, slots=True)
class BooleanDefinition(ScalarDefinition):
    def is_match(self, token: Token) -> bool:
        return isinstance(token, BooleanToken)


@dataclass(frozen=True, slots=True)
class NumberDefinition(ScalarDefinition):
    def is_match(self, token: Token) -> bool:
        return isinstance(token, NumberToken)


@dataclass(frozen=True, slots=True)
class StringDefinition(ScalarDefinition):
    """A string, optionally a constant (``ignore_case``) or required to be non-empty."""

    constant: str = ""
    ignore_case: bool = False
    require_non_empty: bool = False
    is_expression: bool = False

    def is_match(self, token: Token) -> bool:
        if not isinstance(token, StringToken):
            return False
        if self.constant:
            if self.ignore_case:
                return self.constant.upper() == token.value.upper()
            return self.constant == token.value
        return bool(token.value) if self.require_non_empty else True


@dataclass(frozen=True, slots=True)
class SequenceDefinition(Definition):
    item_type: str = ""


@dataclass(frozen=True, slots=True)
class MappingDefinition(Definition):
    """Well-known ``properties`` and/or loose keys of ``loose_key_type``."""

    properties: Mapping[str, PropertyDefinition] = field(
        default_factory=lambda: MappingProxyType({})
    )
    loose_key_type: str = ""
    loose_value_type: str = ""


@dataclass(frozen=True, slots=True)
class OneOfDefinition(Definition):
    one_of: tuple[str, ...] = ()


def _context(raw: dict[str, Any], key: str) -> dict[str, Any]:
    """``description``, ``reader_context`` and ``evaluator_context`` of a definition."""
    reader: list[str] = []
    evaluator: list[str] = []
    seen: set[str] = set()
    seen_evaluator: set[str] = set()
    for item in raw.get("context", ()):
        if item.upper() in seen:
            raise SchemaError(f"Duplicate context item '{item}'")
        seen.add(item.upper())
        reader.append(item)
        paren = item.find("(")
        short = item[: paren + 1] + ")" if paren > 0 else item
        if short.upper() in seen_evaluator:
            raise SchemaError(f"Duplicate context item '{short}'")
        seen_evaluator.add(short.upper())
        evaluator.append(short)
    return {
        "key": key,
        "description": raw.get("description"),
        "reader_context": tuple(reader),
        "evaluator_context": tuple(evaluator),
    }


def _property(raw: str | dict[str, Any]) -> PropertyDefinition:
    if isinstance(raw, str):
        return PropertyDefinition(raw)
    unknown = set(raw) - {"type", "required", "description"}
    if unknown:
        raise SchemaError(f"Unexpected property value key '{sorted(unknown)[0]}'")
    return PropertyDefinition(
        raw.get("type", ""), bool(raw.get("required", False)), raw.get("description")
    )


def _definition(key: str, raw: dict[str, Any], extra: dict[str, Definition]) -> Definition:
    """Build one definition from its JSON; ``allowed-values`` also adds string constants."""
    base = _context(raw, key)
    kinds = [k for k in raw if k not in ("context", "description")]
    if not kinds:
        raise SchemaError(f"Not enough information to construct definition '{key}'")
    kind, body = kinds[0], raw[kinds[0]]
    if kind == "null":
        return NullDefinition(**base)
    if kind == "boolean":
        return BooleanDefinition(**base)
    if kind == "number":
        return NumberDefinition(**base)
    if kind == "string":
        return StringDefinition(
            **base,
            constant=body.get("constant", ""),
            ignore_case=bool(body.get("ignore-case", False)),
            require_non_empty=bool(body.get("require-non-empty", False)),
            is_expression=bool(body.get("is-expression", False)),
        )
    if kind == "sequence":
        return SequenceDefinition(**base, item_type=body.get("item-type", ""))
    if kind == "mapping":
        properties = {name: _property(p) for name, p in body.get("properties", {}).items()}
        return MappingDefinition(
            **base,
            properties=MappingProxyType(properties),
            loose_key_type=body.get("loose-key-type", ""),
            loose_value_type=body.get("loose-value-type", ""),
        )
    if kind == "one-of":
        return OneOfDefinition(**base, one_of=tuple(body))
    if kind == "allowed-values":
        names = []
        for value in body:
            name = f"{key}-{value}"
            extra[name] = StringDefinition(name, constant=value)
            names.append(name)
        return OneOfDefinition(**base, one_of=tuple(names))
    raise SchemaError(f"Unexpected definition key '{kind}' in '{key}'")


def _builtins() -> dict[str, Definition]:
    return {
        "null": NullDefinition("null"),
        "boolean": BooleanDefinition("boolean"),
        "number": NumberDefinition("number"),
        "string": StringDefinition("string"),
        "sequence": SequenceDefinition("sequence", item_type=ANY),
        "mapping": MappingDefinition("mapping", loose_key_type="string", loose_value_type=ANY),
        ANY: OneOfDefinition(
            ANY, one_of=("null", "boolean", "number", "string", "sequence", "mapping")
        ),
    }


class TemplateSchema:
    """All definitions of one schema, with the lookups the template reader needs."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.version: str = data.get("version", "")
        self.definitions: dict[str, Definition] = _builtins()
        for key, raw in data.get("definitions", {}).items():
            extra: dict[str, Definition] = {}
            definition = _definition(key, raw, extra)
            self.definitions.update(extra)
            self.definitions[key] = definition
        self._scalars: dict[str, tuple[ScalarDefinition, ...]] = {}
        self._of_type: dict[tuple[str, type[Definition]], tuple[Definition, ...]] = {}
        self._infos: dict[tuple[tuple[str, ...], str], DefinitionInfo] = {}

    def get_definition(self, name: str) -> Definition:
        try:
            return self.definitions[name]
        except KeyError:
            raise SchemaError(f"Schema definition '{name}' not found") from None

    def scalar_definitions(self, definition: Definition) -> tuple[ScalarDefinition, ...]:
        """The scalar definitions reachable from ``definition`` (one-of expanded)."""
        found = self._scalars.get(definition.key)
        if found is None:
            found = self._scalars[definition.key] = tuple(self._expand_scalars(definition))
        return found

    def _expand_scalars(self, definition: Definition) -> list[ScalarDefinition]:
        if isinstance(definition, ScalarDefinition):
            return [definition]
        if isinstance(definition, OneOfDefinition):
            out: list[ScalarDefinition] = []
            for name in definition.one_of:
                out.extend(self._expand_scalars(self.get_definition(name)))
            return out
        return []

    def definitions_of_type(
        self, definition: Definition, kind: type[Definition]
    ) -> tuple[Definition, ...]:
        """``definition`` itself if of ``kind``, else its direct one-of members of ``kind``."""
        cache_key = (definition.key, kind)
        found = self._of_type.get(cache_key)
        if found is None:
            if type(definition) is kind:
                found = (definition,)
            elif isinstance(definition, OneOfDefinition):
                nested = (self.get_definition(name) for name in definition.one_of)
                found = tuple(d for d in nested if type(d) is kind)
            else:
                found = ()
            self._of_type[cache_key] = found
        return found

    @staticmethod
    def match_property_and_filter(
        definitions: list[MappingDefinition], name: str
    ) -> PropertyDefinition | None:
        """The property ``name`` of any of ``definitions``; drops those that lack it."""
        result: PropertyDefinition | None = None
        missing = False
        for definition in definitions:
            found = definition.properties.get(name)
            if found is not None:
                result = found
            else:
                missing = True
        if result is not None and missing:
            definitions[:] = [d for d in definitions if name in d.properties]
        return result

    def info(self, name: str) -> DefinitionInfo:
        """The root :class:`DefinitionInfo` for the definition ``name``."""
        return DefinitionInfo.of(self, (), self.get_definition(name))

    def validate(self) -> None:
        """Check the schema's internal consistency (raises :class:`SchemaError`)."""
        for name, definition in self.definitions.items():
            if not _NAME.fullmatch(name):
                raise SchemaError(f"Invalid definition name '{name}'")
            if isinstance(definition, SequenceDefinition):
                if not definition.item_type:
                    raise SchemaError(f"'{name}' does not defined 'item-type'")
                self.get_definition(definition.item_type)
            elif isinstance(definition, MappingDefinition):
                _validate_mapping(self, name, definition)
            elif (
                isinstance(definition, StringDefinition)
                and definition.constant
                and definition.require_non_empty
            ):
                raise SchemaError(f"'{name}' sets both 'constant' and 'require-non-empty'")
        for name, definition in self.definitions.items():
            if isinstance(definition, OneOfDefinition):
                _validate_one_of(self, name, definition)


def _validate_mapping(schema: TemplateSchema, name: str, definition: MappingDefinition) -> None:
    if definition.loose_key_type:
        schema.get_definition(definition.loose_key_type)
        if not definition.loose_value_type:
            raise SchemaError(f"'loose-key-type' is defined but not 'loose-value-type' on '{name}'")
        schema.get_definition(definition.loose_value_type)
    elif definition.loose_value_type:
        raise SchemaError(f"'loose-value-type' is defined but not 'loose-key-type' on '{name}'")
    for property_name, prop in definition.properties.items():
        if not prop.type:
            raise SchemaError(f"Type not specified for the property '{property_name}' on '{name}'")
        schema.get_definition(prop.type)


def _validate_one_of(schema: TemplateSchema, name: str, definition: OneOfDefinition) -> None:
    if not definition.one_of:
        raise SchemaError(f"'{name}' does not contain any references")
    if len(set(definition.one_of)) != len(definition.one_of):
        raise SchemaError(f"'{name}' contains duplicate nested types")
    counts: dict[type[Definition], int] = {}
    mappings: list[MappingDefinition] = []
    strings: list[StringDefinition] = []
    for nested_name in definition.one_of:
        nested = schema.get_definition(nested_name)
        if nested.reader_context:
            raise SchemaError(f"'{name}' references '{nested_name}', which defines context")
        kind = type(nested)
        counts[kind] = counts.get(kind, 0) + 1
        if isinstance(nested, MappingDefinition):
            mappings.append(nested)
        elif isinstance(nested, StringDefinition):
            strings.append(nested)
    for kind in (SequenceDefinition, NullDefinition, BooleanDefinition, NumberDefinition):
        if counts.get(kind, 0) > 1:
            raise SchemaError(f"'{name}' refers to more than one definition of one type")
    if counts.get(OneOfDefinition, 0) > 1:
        raise SchemaError(f"'{name}' contains multiple allowed-values definitions")
    if len(strings) > 1 and not all(s.constant for s in strings):
        raise SchemaError(f"'{name}' refers to more than one 'scalar', but some are not constant")
    if len(mappings) > 1:
        if any(m.loose_key_type for m in mappings):
            raise SchemaError(f"'{name}' refers to two mappings and one sets 'loose-key-type'")
        seen: dict[str, str] = {}
        for mapping in mappings:
            for property_name, prop in mapping.properties.items():
                if seen.setdefault(property_name, prop.type) != prop.type:
                    raise SchemaError(f"'{name}' has two mappings typing '{property_name}' apart")


class DefinitionInfo:
    """A definition at a place in a document, with the contexts allowed there.

    Infos are cached per (inherited contexts, definition), so the lookups the reader does
    for every value (``scalars``, ``mappings``, ``sequences``, ``child``) are computed once.
    """

    __slots__ = (
        "_children",
        "allowed_context",
        "any_string",
        "definition",
        "mappings",
        "scalars",
        "schema",
        "sequences",
    )

    def __init__(
        self, schema: TemplateSchema, definition: Definition, allowed_context: tuple[str, ...]
    ) -> None:
        self.schema = schema
        self.definition = definition
        self.allowed_context = allowed_context
        self.scalars = schema.scalar_definitions(definition)
        # Whether every string matches (the common case, checked without a loop).
        self.any_string = any(
            isinstance(d, StringDefinition) and not d.constant and not d.require_non_empty
            for d in self.scalars
        )
        self.mappings: tuple[MappingDefinition, ...] = tuple(
            d
            for d in schema.definitions_of_type(definition, MappingDefinition)
            if isinstance(d, MappingDefinition)
        )
        self.sequences: tuple[SequenceDefinition, ...] = tuple(
            d
            for d in schema.definitions_of_type(definition, SequenceDefinition)
            if isinstance(d, SequenceDefinition)
        )
        self._children: dict[str, DefinitionInfo] = {}

    @staticmethod
    def of(
        schema: TemplateSchema, parent_context: tuple[str, ...], definition: Definition
    ) -> DefinitionInfo:
        key = (parent_context, definition.key)
        info = schema._infos.get(key)
        if info is None:
            allowed = parent_context
            if definition.reader_context:
                seen = {c.upper() for c in parent_context}
                extra = []
                for item in definition.reader_context:
                    if item.upper() not in seen:
                        seen.add(item.upper())
                        extra.append(item)
                allowed = parent_context + tuple(extra)
            info = schema._infos[key] = DefinitionInfo(schema, definition, allowed)
        return info

    def child(self, name: str) -> DefinitionInfo:
        """The info for the nested definition ``name``, inheriting the allowed contexts."""
        info = self._children.get(name)
        if info is None:
            definition = self.schema.get_definition(name)
            info = self._children[name] = DefinitionInfo.of(
                self.schema, self.allowed_context, definition
            )
        return info

    def __repr__(self) -> str:
        return f"DefinitionInfo({self.definition.key!r}, {self.allowed_context!r})"


def split_allowed_context(
    allowed: tuple[str, ...],
) -> tuple[tuple[str, ...], tuple[tuple[str, int, int], ...]]:
    """Named contexts and ``(name, min_args, max_args)`` functions of an allowed context."""
    names: list[str] = []
    functions: list[tuple[str, int, int]] = []
    for item in allowed:
        match = _FUNCTION.fullmatch(item)
        if match:
            high = match.group(3)
            functions.append(
                (match.group(1), int(match.group(2)), _MAX if high == "MAX" else int(high))
            )
        else:
            names.append(item)
    return tuple(names), tuple(functions)


def _load(resource: str) -> TemplateSchema:
    data = importlib.resources.files("shipyard.workflow").joinpath("data").joinpath(resource)
    return TemplateSchema(json.loads(data.read_text(encoding="utf-8")))


@functools.cache
def workflow_schema() -> TemplateSchema:
    """GitHub's workflow schema (``workflow-v1.0.json``), parsed once."""
    return _load("workflow-v1.0.json")


@functools.cache
def action_schema() -> TemplateSchema:
    """GitHub's action metadata schema (``action-v1.0.json``), parsed once."""
    return _load("action-v1.0.json")
