"""The expression syntax tree: frozen dataclass nodes, plus read-only walks over them.

Every node records ``offset``, the 0-based index in the expression text of the token that
introduced it. Property access ``a.b`` is an :class:`IndexAccess` whose index is the
string :class:`Literal` ``'b'``; ``a.*`` and ``a[*]`` have a :class:`Star` index.
Comparison chains (``a == b == c``) nest to the left without a depth limit, so the walks
here are iterative.
"""

from __future__ import annotations

from collections.abc import Iterator

from shipyard.valueclass import dataclass


class Expr:
    """Base class of all expression nodes."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Literal(Expr):
    """``null``, ``true``/``false``, a number (float) or a string."""

    value: bool | float | str | None
    offset: int = 0


@dataclass(frozen=True, slots=True)
class ContextAccess(Expr):
    """A named value such as ``github``; ``name`` is spelled as written."""

    name: str
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Star(Expr):
    """The ``*`` of ``a.*`` or ``a[*]`` (only ever an :class:`IndexAccess` index)."""

    offset: int = 0


@dataclass(frozen=True, slots=True)
class IndexAccess(Expr):
    """``target[index]``, ``target.name`` or a ``.*``/``[*]`` filter."""

    target: Expr
    index: Expr
    offset: int = 0


@dataclass(frozen=True, slots=True)
class FunctionCall(Expr):
    """``name(args...)``; ``name`` is spelled as written (matched case-insensitively)."""

    name: str
    args: tuple[Expr, ...]
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Unary(Expr):
    """``!operand`` (the only unary operator)."""

    operator: str
    operand: Expr
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Binary(Expr):
    """A comparison: ``==``, ``!=``, ``<``, ``<=``, ``>`` or ``>=``."""

    left: Expr
    operator: str
    right: Expr
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Logical(Expr):
    """``a && b && ...`` or ``a || b || ...``: short-circuits, yields the deciding value."""

    operator: str
    args: tuple[Expr, ...]
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Grouping(Expr):
    """A parenthesised expression."""

    inner: Expr
    offset: int = 0


def children(node: Expr) -> tuple[Expr, ...]:
    """The direct sub-expressions of ``node``, in evaluation order of the source."""
    if isinstance(node, IndexAccess):
        return (node.target, node.index)
    if isinstance(node, Binary):
        return (node.left, node.right)
    if isinstance(node, (FunctionCall, Logical)):
        return node.args
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, Grouping):
        return (node.inner,)
    return ()


def walk(node: Expr) -> Iterator[Expr]:
    """Every node of the tree, parents before children (iterative, any depth)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(children(current)))


def referenced_contexts(expr: Expr) -> frozenset[str]:
    """The lower-cased named values (``github``, ``matrix``, ...) the expression reads."""
    return frozenset(n.name.lower() for n in walk(expr) if isinstance(n, ContextAccess))


def referenced_functions(expr: Expr) -> frozenset[str]:
    """The lower-cased names of the functions the expression calls."""
    return frozenset(n.name.lower() for n in walk(expr) if isinstance(n, FunctionCall))
