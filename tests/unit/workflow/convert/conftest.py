"""A small YAML → token builder for the converter's unit tests.

It stands in for the template reader (no schema): plain scalars are typed the YAML 1.2
way (``on`` stays a string), and a scalar that is one whole ``${{ }}`` becomes an
expression token. Spans are GitHub's 1-based line and column.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
import yaml

from shipyard.diagnostics import Span
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

PATH = ".github/workflows/test.yml"
_NUMBER = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")


def build_tokens(text: str, path: str = PATH) -> Token:
    """The token tree of ``text``."""
    node = yaml.compose(text, Loader=yaml.BaseLoader)
    assert node is not None, "empty document"
    return _token(node, path)


def _token(node: yaml.Node, path: str) -> Token:
    span = Span(path, node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        pairs = tuple((_token(k, path), _token(v, path)) for k, v in node.value)
        return MappingToken(span=span, pairs=pairs)
    if isinstance(node, yaml.SequenceNode):
        return SequenceToken(span=span, items=tuple(_token(i, path) for i in node.value))
    assert isinstance(node, yaml.ScalarNode)
    value = str(node.value)
    if node.style is None:
        if value in ("", "~", "null", "Null", "NULL"):
            return NullToken(span=span)
        if value in ("true", "True", "TRUE", "false", "False", "FALSE"):
            return BooleanToken(span=span, value=value.lower() == "true")
        if _NUMBER.fullmatch(value):
            return NumberToken(span=span, value=float(value))
    if value.startswith("${{") and value.endswith("}}") and value.count("${{") == 1:
        return BasicExpressionToken(span=span, expression=value[3:-2].strip(), source=value)
    return StringToken(span=span, value=value)


@pytest.fixture
def tokens() -> Callable[..., Token]:
    """``tokens(text)``: the token tree of a YAML text."""
    return build_tokens
