"""The evaluator: runs a parsed expression against contexts and host functions.

A port of ``evaluator.ts``. For speed a tree is compiled once into nested Python closures
(cached per tree), so evaluating a parsed expression again costs only the closure calls.
Semantics follow GitHub: ``&&``/``||`` short-circuit and yield the deciding operand, an
index is evaluated before its target, a missing property is null, and ``.*``/``[*]``
produce a filtered array that later indexes map over.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache

from shipyard.expr.ast import (
    Binary,
    ContextAccess,
    Expr,
    FunctionCall,
    Grouping,
    IndexAccess,
    Literal,
    Logical,
    Star,
    Unary,
)
from shipyard.expr.errors import EvaluationError
from shipyard.expr.functions import BUILTIN_IMPLEMENTATIONS, HOST_FUNCTIONS, FunctionInfo
from shipyard.expr.indexing import access, index_key, star
from shipyard.expr.parser import parse_expression
from shipyard.expr.values import (
    MISSING,
    FilteredArray,
    greater_than,
    is_truthy,
    less_than,
    loose_equals,
    object_get,
    upper_special,
)

HostFunctions = Mapping[str, Callable[..., object]]


class Scope:
    """What one evaluation reads: the contexts and the lower-cased host functions."""

    __slots__ = ("contexts", "functions")

    def __init__(self, contexts: Mapping[str, object], functions: HostFunctions) -> None:
        self.contexts = contexts
        self.functions = functions


Code = Callable[[Scope], object]


# --- operators -------------------------------------------------------------------------


def _eq(left: object, right: object) -> bool:
    t = type(left)
    if t is type(right):
        if t is str:
            return left == right or upper_special(left) == upper_special(right)  # type: ignore[arg-type]
        if t is float:
            return left == right
    return loose_equals(left, right)


def _ne(left: object, right: object) -> bool:
    return not _eq(left, right)


def _ge(left: object, right: object) -> bool:
    return _eq(left, right) or greater_than(left, right)


def _le(left: object, right: object) -> bool:
    return _eq(left, right) or less_than(left, right)


_BINARY: dict[str, Callable[[object, object], bool]] = {
    "==": _eq,
    "!=": _ne,
    ">": greater_than,
    ">=": _ge,
    "<": less_than,
    "<=": _le,
}


# --- compilation -----------------------------------------------------------------------


def _compile_literal(node: Literal) -> Code:
    value = node.value
    return lambda scope: value


def _compile_context(node: ContextAccess) -> Code:
    name = node.name

    def context(scope: Scope) -> object:
        value = scope.contexts.get(name, MISSING)
        if value is MISSING:
            value = object_get(scope.contexts, name)
            return None if value is MISSING else value
        return value

    return context


def _compile_index(node: IndexAccess) -> Code:
    target = compile_expr(node.target)
    index = node.index
    if isinstance(index, Star):
        return lambda scope: star(target(scope))
    if isinstance(index, Literal):
        key, position = index_key(index.value)

        def constant_index(scope: Scope) -> object:
            obj = target(scope)
            if type(obj) is dict and key is not None:
                value = obj.get(key, MISSING)
                if value is MISSING:
                    value = object_get(obj, key)
                    return None if value is MISSING else value
                return value
            return access(obj, key, position)

        return constant_index
    index_code = compile_expr(index)

    def dynamic_index(scope: Scope) -> object:
        try:
            idx = index_code(scope)
        except EvaluationError as error:
            message = f"could not evaluate index for index access: {error.message}"
            raise EvaluationError(message) from error
        key, position = index_key(idx)
        return access(target(scope), key, position)

    return dynamic_index


def _compile_call(node: FunctionCall) -> Code:
    name = node.name.lower()
    arg_codes = tuple(compile_expr(a) for a in node.args)
    builtin = BUILTIN_IMPLEMENTATIONS.get(name)
    spelled = node.name

    def call(scope: Scope) -> object:
        args = [code(scope) for code in arg_codes]
        function = scope.functions.get(name) if scope.functions else None
        if function is None:
            function = builtin
            if function is None:
                raise EvaluationError(f"Unrecognized function: '{spelled}'")
        return function(*args)

    return call


def _compile_binary(node: Binary) -> Code:
    # Comparison chains nest to the left without limit: compile and run them as a loop.
    chain: list[Binary] = []
    current: Expr = node
    while isinstance(current, Binary):
        chain.append(current)
        current = current.left
    first = compile_expr(current)
    steps = tuple((_BINARY[b.operator], compile_expr(b.right)) for b in reversed(chain))
    if len(steps) == 1:
        ((op, right),) = steps
        return lambda scope: op(first(scope), right(scope))

    def binary_chain(scope: Scope) -> object:
        value: object = first(scope)
        for op, right in steps:
            value = op(value, right(scope))
        return value

    return binary_chain


def _compile_logical(node: Logical) -> Code:
    codes = tuple(compile_expr(a) for a in node.args)
    stop_when = node.operator == "||"  # "&&" stops at a falsy value, "||" at a truthy one
    if len(codes) == 2:
        left, right = codes

        def pair(scope: Scope) -> object:
            value = left(scope)
            if is_truthy(value) is stop_when:
                return value
            return right(scope)

        return pair

    def many(scope: Scope) -> object:
        value: object = None
        for code in codes:
            value = code(scope)
            if is_truthy(value) is stop_when:
                break
        return value

    return many


def _compile_unary(node: Unary) -> Code:
    operand = compile_expr(node.operand)
    return lambda scope: not is_truthy(operand(scope))


def compile_expr(node: Expr) -> Code:
    """Compile a tree into a closure taking a :class:`Scope` (use :func:`compiled`)."""
    if isinstance(node, IndexAccess):
        return _compile_index(node)
    if isinstance(node, ContextAccess):
        return _compile_context(node)
    if isinstance(node, Literal):
        return _compile_literal(node)
    if isinstance(node, Binary):
        return _compile_binary(node)
    if isinstance(node, Logical):
        return _compile_logical(node)
    if isinstance(node, FunctionCall):
        return _compile_call(node)
    if isinstance(node, Unary):
        return _compile_unary(node)
    if isinstance(node, Grouping):
        return compile_expr(node.inner)
    raise TypeError(f"cannot evaluate {type(node).__name__}")


_CACHE: dict[int, tuple[Expr, Code]] = {}
_CACHE_LIMIT = 4096


def compiled(expr: Expr) -> Code:
    """The compiled form of ``expr``, cached by identity (the cache holds the tree)."""
    entry = _CACHE.get(id(expr))
    if entry is not None and entry[0] is expr:
        return entry[1]
    code = compile_expr(expr)
    if len(_CACHE) >= _CACHE_LIMIT:
        _CACHE.clear()
    _CACHE[id(expr)] = (expr, code)
    return code


def run(expr: Expr, contexts: Mapping[str, object], functions: HostFunctions) -> object:
    """Evaluate a tree; ``functions`` must already be keyed by lower-cased name.

    The result is a plain value: a filtered array becomes a ``list`` and an ``int`` taken
    from the contexts becomes a ``float`` (values nested in containers are left as given).
    """
    result = compiled(expr)(Scope(contexts, functions))
    t = type(result)
    if t is FilteredArray:
        return list(result)  # type: ignore[call-overload]
    if t is int:
        return float(result)  # type: ignore[arg-type]
    return result


def lowered_functions(functions: HostFunctions | None) -> dict[str, Callable[..., object]]:
    """``functions`` keyed by lower-cased name."""
    return {k.lower(): v for k, v in functions.items()} if functions else {}


@lru_cache(maxsize=1024)
def parse_for_host(text: str, supplied: frozenset[str] = frozenset()) -> Expr:
    """Parse with any named value allowed, plus the host functions and ``supplied`` ones."""
    infos: list[FunctionInfo] = list(HOST_FUNCTIONS)
    known = {f.name.lower() for f in HOST_FUNCTIONS}
    infos.extend(FunctionInfo(name, 0, 255) for name in supplied if name not in known)
    return parse_expression(text, contexts=None, functions=infos)


def evaluate(
    expr: Expr | str,
    contexts: Mapping[str, object] | None = None,
    functions: HostFunctions | None = None,
) -> object:
    """Evaluate a parsed expression, or expression text (without ``${{ }}``).

    ``contexts`` are JSON-like values; ``functions`` are host functions matched
    case-insensitively (they take precedence over built-ins of the same name). Text is
    parsed with any named value allowed and the host functions known. Returns ``None``,
    ``bool``, ``float``, ``str``, ``list`` or ``dict``: numbers computed here are floats,
    an ``int`` read from the contexts is returned as a ``float``, but values inside a
    returned container are returned as given (an ``int`` there stays an ``int``).
    """
    host = lowered_functions(functions)
    if isinstance(expr, str):
        expr = parse_for_host(expr, frozenset(host))
    return run(expr, contexts if contexts is not None else {}, host)


__all__ = [
    "Code",
    "HostFunctions",
    "Scope",
    "compile_expr",
    "compiled",
    "evaluate",
    "lowered_functions",
    "parse_for_host",
    "run",
]
