"""Positioned YAML: the only module that imports the YAML library (PyYAML).

:func:`parse_yaml` reads YAML text into a small tree of positioned, immutable nodes
(:class:`YamlScalar`, :class:`YamlSequence`, :class:`YamlMapping`) the way GitHub's
workflow parser sees YAML:

- plain scalars are typed with the YAML 1.2 *core* schema (as the npm ``yaml`` package
  and GitHub's server do): ``on``/``yes``/``no``/``off`` stay strings, booleans are
  ``true``/``True``/``TRUE`` (and ``false``...), null is ``~``/``null``/``Null``/``NULL``
  or nothing, numbers are decimal, ``0o`` octal, ``0x`` hex and floats (kept as ``float``),
  and there are no timestamps; quoted and block scalars are always strings;
- explicit tags follow GitHub's server reader: ``!!str`` always works, ``!!bool``,
  ``!!int``, ``!!float`` and ``!!null`` only on plain scalars whose text fits the type,
  any other tag is an error;
- aliases resolve to the anchored node (a node is shared, not copied); an alias inside
  the node it refers to is an error rather than an endless tree;
- every YAML problem becomes a :class:`~shipyard.diagnostics.Diagnostic` positioned with
  GitHub's 1-based line and column (columns count UTF-16 units, as GitHub's do).

Pure: text in, values out; nothing here reads files.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import NamedTuple

import yaml
from yaml.composer import Composer
from yaml.nodes import MappingNode, Node, ScalarNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.scanner import Scanner

from shipyard import valueclass
from shipyard.diagnostics import Diagnostic, Span
from shipyard.valueclass import dataclass

ScalarValue = None | bool | float | str


# The nodes are named tuples rather than frozen dataclasses: just as immutable, and
# several times cheaper to create, which matters at one node per YAML value.


class YamlScalar(NamedTuple):
    """A scalar; ``style`` is ``""`` (plain), ``'``, ``"``, ``|`` or ``>``."""

    value: ScalarValue
    span: Span
    style: str = ""
    # The block scalar header (``|``, ``>-``, ``|+2`` ...) for block scalars.
    block_header: str | None = None


class YamlSequence(NamedTuple):
    """A sequence (block or flow)."""

    items: tuple[YamlNode, ...]
    span: Span


class YamlMapping(NamedTuple):
    """A mapping, pairs in file order; duplicate keys are kept (the reader reports them)."""

    pairs: tuple[tuple[YamlNode, YamlNode], ...]
    span: Span


YamlNode = YamlScalar | YamlSequence | YamlMapping


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """The result of :func:`parse_yaml`: the root node (``None`` when empty or invalid)."""

    root: YamlNode | None
    diagnostics: tuple[Diagnostic, ...] = ()


# --- YAML 1.2 core schema -------------------------------------------------------------

_DECIMAL = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_INTEGER = re.compile(r"[-+]?[0-9]+")
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_OCTAL = re.compile(r"0o[0-7]+")
_INFINITY = frozenset(f"{s}.{w}" for s in ("", "+", "-") for w in ("inf", "Inf", "INF"))
_NAN = frozenset((".nan", ".NaN", ".NAN"))
_NULL = frozenset(("", "~", "null", "Null", "NULL"))
_TRUE = frozenset(("true", "True", "TRUE"))
_FALSE = frozenset(("false", "False", "FALSE"))
_NUMBER_START = frozenset("0123456789+-.")

_TAG = "tag:yaml.org,2002:"
_STR_TAG = _TAG + "str"
_STYLE_NAMES = {"'": "SingleQuoted", '"': "DoubleQuoted", "|": "Literal", ">": "Folded"}

# Marker "tags" the composer gives untagged scalars; real typing happens in _Builder.
_PLAIN = "?plain"
_STRING = "?string"


def _to_float(digits: str, base: int) -> float:
    try:
        return float(int(digits, base))
    except OverflowError:
        return math.inf


def _number(text: str) -> float | None:
    """The value of a core-schema number, or None when ``text`` is not one."""
    if _DECIMAL.fullmatch(text):
        return float(text)  # huge values round to +/-inf, as in JavaScript
    if _HEX.fullmatch(text):
        return _to_float(text[2:], 16)
    if _OCTAL.fullmatch(text):
        return _to_float(text[2:], 8)
    if text in _INFINITY:
        return -math.inf if text[0] == "-" else math.inf
    if text in _NAN:
        return math.nan
    return None


def resolve_plain(text: str) -> ScalarValue:
    """Type an untagged plain scalar with the YAML 1.2 core schema."""
    if not text:
        return None
    first = text[0]
    if first in _NUMBER_START:
        number = _number(text)
        return text if number is None else number
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return text


def _resolve_tagged(text: str, tag: str) -> tuple[bool, ScalarValue]:
    """``(fits, value)`` for a plain scalar with an explicit core tag."""
    if tag == _TAG + "bool":
        return (text in _TRUE or text in _FALSE), text in _TRUE
    if tag == _TAG + "null":
        return text in _NULL, None
    if tag == _TAG + "int" and not (
        _INTEGER.fullmatch(text) or _HEX.fullmatch(text) or _OCTAL.fullmatch(text)
    ):
        return False, None
    number = _number(text)  # !!int or !!float
    return number is not None, number


# --- the loader ----------------------------------------------------------------------


class _ResolverMixin:
    """Leaves scalars untyped (marker tags); :func:`_build` applies the core schema."""

    def resolve(self, kind: type[Node], value: object, implicit: tuple[bool, bool]) -> str:
        return _PLAIN if kind is ScalarNode and implicit[0] else _STRING

    def descend_resolver(self, current_node: object, current_index: object) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


class _PyLoader(Reader, Scanner, Parser, Composer, _ResolverMixin):
    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)

    def dispose(self) -> None:
        Parser.dispose(self)


try:
    from yaml._yaml import CParser

    class _CLoader(CParser, _ResolverMixin):
        pass

    _Loader: type = _CLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = _PyLoader


# --- positions -----------------------------------------------------------------------

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_ANCHOR = re.compile(r"&(?<![^\s\[{,]&)[^\s&\[\]{},]")  # may over-match; never misses one
_BLOCK_HEADER = re.compile(r"(?<![^\s])[|>][0-9+-]*(?![^\s])")


def _span_factory() -> Callable[[str, int, int, int, int], Span]:
    """A constructor for :class:`Span` that is about twice as fast as calling the class.

    ``Span`` is a frozen slotted dataclass; its ``__init__`` sets each field through
    ``object.__setattr__``, and one span per YAML value makes that a third of the cost of
    building a tree. Setting the slots directly makes the same object. If ``Span`` ever
    grows fields or a ``__post_init__``, this falls back to the class itself.
    """
    names = tuple(f.name for f in valueclass.fields(Span))
    if names != ("file", "line", "column", "end_line", "end_column") or hasattr(
        Span, "__post_init__"
    ):
        return Span  # pragma: no cover - only if Span changes
    new = object.__new__
    set_file, set_line, set_column, set_end_line, set_end_column = (
        getattr(Span, name).__set__ for name in names
    )

    def make(file: str, line: int, column: int, end_line: int, end_column: int) -> Span:
        span = new(Span)
        set_file(span, file)
        set_line(span, line)
        set_column(span, column)
        set_end_line(span, end_line)
        set_end_column(span, end_column)
        return span

    return make


_new_span = _span_factory()


class _Positions:
    """Turns library marks into GitHub's 1-based line/column (UTF-16 columns)."""

    __slots__ = ("astral", "path", "text")

    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path
        self.astral = not text.isascii() and _ASTRAL.search(text) is not None

    def column(self, index: int, column: int) -> int:
        if self.astral:
            column += len(_ASTRAL.findall(self.text, index - column, index))
        return column + 1

    def span(self, node: Node) -> Span:
        start, end = node.start_mark, node.end_mark
        if self.astral:
            return _new_span(
                self.path,
                start.line + 1,
                self.column(start.index, start.column),
                end.line + 1,
                self.column(end.index, end.column),
            )
        return _new_span(self.path, start.line + 1, start.column + 1, end.line + 1, end.column + 1)


class _TagError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _CycleError(Exception):
    def __init__(self, span: Span) -> None:
        super().__init__("cycle")
        self.span = span


def _tagged(text: str, tag: str, style: str, span: Span) -> ScalarValue:
    where = f"on line {span.line} and column {span.column}"
    if tag not in (_TAG + "bool", _TAG + "int", _TAG + "float", _TAG + "null"):
        raise _TagError(f"Unexpected tag '{tag}'")
    if style:
        name = _STYLE_NAMES[style]
        raise _TagError(f"The scalar style '{name}' {where} is not valid with the tag '{tag}'")
    fits, value = _resolve_tagged(text, tag)
    if not fits:
        raise _TagError(f"The value '{text}' {where} is invalid for the type '{tag}'")
    return value


def _block_header(text: str, node: ScalarNode) -> str | None:
    start = node.start_mark.index
    end = text.find("\n", start)
    found = _BLOCK_HEADER.search(text, start, len(text) if end < 0 else end)
    return found.group() if found else None


def _build(root: Node, positions: _Positions, aliases: bool) -> YamlNode:
    """Convert composed library nodes into positioned nodes, applying the core schema.

    With ``aliases``, shared (aliased) nodes are converted once and an alias inside the
    node it names is reported; without, the walk skips that bookkeeping (the common case).
    """
    path, text, new_span = positions.path, positions.text, _new_span
    make_span = positions.span if positions.astral else None
    done: dict[int, YamlNode] = {}
    active: set[int] = set()

    def build(node: Node) -> YamlNode:
        if aliases:
            known = done.get(id(node))
            if known is not None:
                return known
            if id(node) in active:
                raise _CycleError(positions.span(node))
        if make_span is None:
            start, end = node.start_mark, node.end_mark
            span = new_span(path, start.line + 1, start.column + 1, end.line + 1, end.column + 1)
        else:
            span = make_span(node)
        result: YamlNode
        kind = node.__class__
        if isinstance(node, ScalarNode):
            tag, value, style = node.tag, node.value, node.style
            if tag == _PLAIN:
                return YamlScalar(resolve_plain(value), span)  # scalars need no bookkeeping
            if style is None:
                style = ""
            if tag != _STRING and tag != _STR_TAG:
                value = _tagged(value, tag, style, span)
            if style == "|" or style == ">":
                result = YamlScalar(value, span, style, _block_header(text, node))
            else:
                result = YamlScalar(value, span, style)
        else:
            if aliases:
                active.add(id(node))
            if kind is MappingNode:
                result = YamlMapping(tuple([(build(k), build(v)) for k, v in node.value]), span)
            else:
                result = YamlSequence(tuple([build(item) for item in node.value]), span)
            if aliases:
                active.discard(id(node))
        if aliases:
            done[id(node)] = result
        return result

    return build(root)


# --- errors --------------------------------------------------------------------------


def _sentence(*parts: str | None) -> str:
    text = ", ".join(p.strip() for p in parts if p)
    return text[:1].upper() + text[1:]


def _error_diagnostic(
    error: yaml.YAMLError, positions: _Positions, byte_offsets: bool
) -> Diagnostic:
    path, text = positions.path, positions.text
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        message = _sentence(error.context, error.problem)
        if "maximum nesting depth" in (error.problem or ""):  # libyaml's own depth limit
            message = DEPTH_MESSAGE
        if error.context and error.context.endswith("; first occurrence"):
            message = _sentence(error.context.removesuffix("; first occurrence"))
        if mark is None:
            return Diagnostic(message, Span(path))
        line, column = mark.line + 1, positions.column(mark.index, mark.column)
        return Diagnostic(message, Span(path, line, column, line, column))
    if isinstance(error, yaml.reader.ReaderError):
        position = error.position
        if byte_offsets and not text.isascii():  # libyaml reports a UTF-8 byte offset
            position = len(text.encode()[:position].decode(errors="ignore"))
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1)
        column = positions.column(position, column)
        character = error.character
        code = f"#x{character:04x}" if isinstance(character, int) else repr(character)
        message = _sentence(f"unacceptable character {code}: {error.reason}")
        return Diagnostic(message, Span(path, line, column, line, column))
    return Diagnostic(_sentence(str(error)), Span(path))  # pragma: no cover - defensive


DEPTH_MESSAGE = "Maximum object depth exceeded"
"""GitHub's message for a document nested too deeply, whichever YAML parser noticed."""


def parse_yaml(text: str, path: str) -> YamlDocument:
    """Read one YAML document into positioned nodes; problems become diagnostics.

    ``path`` is used in the diagnostics' spans exactly as given. An empty document (only
    comments or nothing) gives ``root=None`` and no diagnostics.
    """
    positions = _Positions(text, path)
    byte_offsets = _Loader is not _PyLoader  # libyaml reports reader errors in bytes
    try:
        loader = _Loader(text)  # the pure-Python reader checks characters right here
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        return YamlDocument(None, (_error_diagnostic(error, positions, byte_offsets),))
    except RecursionError:  # the pure-Python composer has no limit of its own
        return YamlDocument(None, (Diagnostic(DEPTH_MESSAGE, Span(path)),))
    if node is None:
        return YamlDocument(None)
    try:
        return YamlDocument(_build(node, positions, _ANCHOR.search(text) is not None))
    except _TagError as error:
        return YamlDocument(None, (Diagnostic(error.message, Span(path)),))
    except _CycleError as error:
        message = "An alias refers to the node that contains it, which would repeat forever"
        return YamlDocument(None, (Diagnostic(message, error.span),))
    except RecursionError:
        return YamlDocument(None, (Diagnostic(DEPTH_MESSAGE, Span(path)),))
