"""Matrix expansion: ``strategy.matrix`` to the list of job configurations, as GitHub does it.

Owns the cross product, ``exclude`` and ``include`` rules, the 256-configuration limit and
the ``name (v1, v2)`` display-name suffix. Input is plain JSON-like data (the caller has
already evaluated ``${{ }}``); numbers may be ``int`` or ``float``.

The rules follow GitHub's own ``MatrixBuilder`` (actions/runner, ``src/Sdk/WorkflowParser``):

- The cross product varies the first key slowest.
- ``exclude`` entries drop every cross-product combination they match.
- Each ``include`` entry splits into a *filter* (its keys that name a matrix vector) and
  *extras* (the other keys). It is added to every remaining cross-product combination its
  filter matches — so it never overwrites an original value — and extras of later entries
  overwrite extras of earlier ones. An entry that matches no combination becomes a
  configuration of its own, appended after the cross product; such configurations are
  never targets of later entries.
- Filters compare leaf by leaf with GitHub's expression ``==`` (strings case-insensitive,
  ``'1' == 1``); a nested object or array in a filter is a partial match on its leaves.
- Keys are case-insensitive, keeping the first spelling.
- The display-name suffix lists the cross-product values only (extras are not shown);
  an appended include configuration shows all its values. Nested values are flattened,
  nulls and empty strings skipped, numbers printed like .NET's ``G15`` (``3.10`` → ``3.1``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TypeGuard

from shipyard.diagnostics import Span
from shipyard.errors import UserError
from shipyard.expr.values import (
    MISSING,
    loose_equals,
    number_to_string_g15,
    object_get,
    string_to_number,
)
from shipyard.valueclass import dataclass, field

MAX_CONFIGURATIONS = 256
"""GitHub: "A matrix can generate a maximum of 256 jobs per workflow run"."""

MAX_NAME_LENGTH = 100
_CROSS_PRODUCT_BOUND = 1_000_000  # beyond this, report the size without enumerating

Path = tuple[str | int, ...]


class MatrixError(UserError):
    """A matrix or strategy GitHub would reject; ``problems`` lists every message found."""

    def __init__(
        self,
        message: str,
        *,
        problems: Sequence[str] = (),
        span: Span | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, span=span, hint=hint)
        self.problems: tuple[str, ...] = tuple(problems) or (message,)


class MatrixLimitError(MatrixError):
    """The matrix produced more than :data:`MAX_CONFIGURATIONS` configurations."""


@dataclass(frozen=True, slots=True)
class MatrixConfiguration:
    """One job configuration: the ``matrix`` context and the keys its display name shows."""

    values: dict[str, object] = field(hash=False)
    name_keys: tuple[str, ...] = ()

    def name(self, base_name: str) -> str:
        """GitHub's display name, ``base (v1, v2)``."""
        return matrix_job_name(base_name, self.values, self.name_keys)


def type_name(value: object) -> str:
    """The template-token type GitHub names in ``Unexpected type`` messages."""
    if value is None:
        return "NullToken"
    if isinstance(value, bool):
        return "BooleanToken"
    if isinstance(value, (int, float)):
        return "NumberToken"
    if isinstance(value, str):
        return "StringToken"
    if isinstance(value, Mapping):
        return "MappingToken"
    return "SequenceToken"


def unexpected_type(value: object, description: str, expected: str) -> str:
    """GitHub's message for a value of the wrong shape."""
    return (
        f"Unexpected type '{type_name(value)}' encountered while reading '{description}'. "
        f"The type '{expected}' was expected."
    )


def _is_sequence(value: object) -> TypeGuard[list[object] | tuple[object, ...]]:
    return isinstance(value, (list, tuple))


# --- filters -------------------------------------------------------------------------


def _leaves(value: object, path: Path, out: list[tuple[Path, object]]) -> None:
    """Flatten a filter value to ``(path, literal)`` leaves; empty containers add none."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            _leaves(item, (*path, str(key)), out)
    elif _is_sequence(value):
        for index, item in enumerate(value):
            _leaves(item, (*path, index), out)
    else:
        out.append((path, value))


def _index(value: object, key: str | int) -> object:
    """GitHub's ``value[key]``: objects by string (any case), arrays by whole number."""
    if isinstance(value, Mapping):
        found = object_get(value, key if isinstance(key, str) else str(key))
        return None if found is MISSING else found
    if _is_sequence(value):
        number = float(key) if isinstance(key, int) else string_to_number(key)
        if math.isfinite(number) and number >= 0 and int(number) < len(value):
            return value[int(number)]
    return None


def _compile(entry: Mapping[str, object]) -> tuple[tuple[Path, object], ...]:
    out: list[tuple[Path, object]] = []
    _leaves(entry, (), out)
    return tuple(out)


def _matches(leaves: tuple[tuple[Path, object], ...], combination: dict[str, object]) -> bool:
    for path, literal in leaves:
        value: object = combination
        for key in path:
            value = _index(value, key)
        if not loose_equals(value, literal):
            return False
    return True


# --- expansion -----------------------------------------------------------------------


def _lookup_key(keys: Mapping[str, str], key: str) -> str | None:
    return keys.get(key.lower())


def _copy(value: object) -> object:
    """A deep copy of JSON-like data, so configurations never share containers."""
    if isinstance(value, Mapping):
        return {str(k): _copy(v) for k, v in value.items()}
    if _is_sequence(value):
        return [_copy(v) for v in value]
    return value


def _set(target: dict[str, object], key: str, value: object) -> None:
    """``target[key] = value`` ignoring case, keeping the first spelling of the key."""
    for existing in target:
        if existing.lower() == key.lower():
            target[existing] = value
            return
    target[key] = value


def _parse(
    matrix: Mapping[str, object],
) -> tuple[dict[str, list[object]], list[Mapping[str, object]], list[Mapping[str, object]]]:
    """Split a matrix into vectors, include entries and exclude entries, checking shapes."""
    problems: list[str] = []
    vectors: dict[str, list[object]] = {}
    include: list[Mapping[str, object]] = []
    exclude: list[Mapping[str, object]] = []
    has_include = has_vector = False
    for key, value in matrix.items():
        if key in ("include", "exclude"):
            description = "matrix includes" if key == "include" else "matrix excludes"
            if not _is_sequence(value):
                raise MatrixError(unexpected_type(value, description, "SequenceToken"))
            for item in value:
                if not isinstance(item, Mapping):
                    raise MatrixError(unexpected_type(item, f"{description} item", "MappingToken"))
                (include if key == "include" else exclude).append(item)
            has_include = has_include or (key == "include" and len(value) > 0)
            continue
        has_vector = True
        if not _is_sequence(value):
            raise MatrixError(unexpected_type(value, "matrix vector value", "SequenceToken"))
        if len(value) == 0:
            problems.append(f"Matrix vector '{key}' does not contain any values")
        elif any(existing.lower() == key.lower() for existing in vectors):
            problems.append(f"Matrix vector '{key}' is defined more than once")
        else:
            vectors[key] = list(value)
    if not has_vector and not has_include:
        problems.append("Matrix must define at least one vector")
    keys = {k.lower(): k for k in vectors}
    for entry in include:
        if len(entry) == 0:
            problems.append("Matrix include mapping does not contain any values")
    for entry in exclude:
        if len(entry) == 0:
            problems.append("Matrix exclude filter must not be empty")
        for key in entry:
            if _lookup_key(keys, key) is None:
                problems.append(
                    f"Matrix exclude key '{key}' does not match any key within the matrix"
                )
    if problems:
        raise MatrixError(problems[0], problems=problems)
    return vectors, include, exclude


def _too_many(count: int, job_id: str | None) -> MatrixLimitError:
    who = f"Strategy for job '{job_id}'" if job_id else "Strategy"
    return MatrixLimitError(
        f"{who} produced {count} configurations which exceeds the maximum of "
        f"{MAX_CONFIGURATIONS} configurations",
        hint="split the matrix across several jobs, or use exclude to drop combinations",
    )


def expand_matrix_configurations(
    matrix: Mapping[str, object] | None,
    *,
    job_id: str | None = None,
    limit: int | None = MAX_CONFIGURATIONS,
) -> tuple[MatrixConfiguration, ...]:
    """Expand a matrix into its configurations, in GitHub's order.

    ``None`` (no matrix) gives no configurations; so does a matrix whose combinations are
    all excluded (GitHub then runs the job once without a matrix). Raises
    :class:`MatrixError` for a matrix GitHub rejects, :class:`MatrixLimitError` past
    ``limit`` configurations.
    """
    if matrix is None:
        return ()
    if not isinstance(matrix, Mapping):
        raise MatrixError(unexpected_type(matrix, "matrix", "MappingToken"))
    vectors, include, exclude = _parse(matrix)
    keys = {k.lower(): k for k in vectors}
    names = tuple(vectors)
    size = math.prod(len(v) for v in vectors.values()) if vectors else 0
    if limit is not None and size > _CROSS_PRODUCT_BOUND:
        raise _too_many(size, job_id)

    excludes = [_compile(entry) for entry in exclude]
    includes: list[tuple[tuple[tuple[Path, object], ...], dict[str, object], dict[str, object]]]
    includes = []
    for entry in include:
        filter_: dict[str, object] = {}
        extra: dict[str, object] = {}
        for key, value in entry.items():
            name = _lookup_key(keys, key)
            if name is not None:
                filter_[key] = value
            else:
                _set(extra, key, value)
        includes.append((_compile(filter_), filter_, extra))
    matched = [False] * len(includes)

    out: list[MatrixConfiguration] = []
    lengths = [len(v) for v in vectors.values()]
    columns = list(vectors.values())
    for product_index in range(size):
        combination: dict[str, object] = {}
        block = size
        for name, column, length in zip(names, columns, lengths, strict=True):
            block //= length
            combination[name] = column[(product_index // block) % length]
        if any(_matches(leaves, combination) for leaves in excludes):
            continue
        extras: dict[str, object] = {}
        for i, (leaves, _, extra) in enumerate(includes):
            if _matches(leaves, combination):
                matched[i] = True
                for key, value in extra.items():
                    _set(extras, key, value)
        values = {k: _copy(v) for k, v in combination.items()}
        for key, value in extras.items():
            values[key] = _copy(value)
        out.append(MatrixConfiguration(values, names))
    for (_, filter_, extra), was_matched in zip(includes, matched, strict=True):
        if not was_matched:
            values = {k: _copy(v) for k, v in filter_.items()}
            values.update((k, _copy(v)) for k, v in extra.items())
            out.append(MatrixConfiguration(values, tuple(values)))
    if limit is not None and len(out) > limit:
        raise _too_many(len(out), job_id)
    return tuple(out)


def expand_matrix(
    matrix: Mapping[str, object] | None, *, job_id: str | None = None
) -> tuple[dict[str, object], ...]:
    """The ``matrix`` context of each configuration (see :func:`expand_matrix_configurations`)."""
    return tuple(c.values for c in expand_matrix_configurations(matrix, job_id=job_id))


# --- display names -------------------------------------------------------------------


def _segments(value: object, out: list[str]) -> None:
    if isinstance(value, bool):
        out.append("true" if value else "false")
    elif isinstance(value, (int, float)):
        out.append(number_to_string_g15(float(value)))
    elif isinstance(value, str):
        if value:
            out.append(value)
    elif isinstance(value, Mapping):
        for item in value.values():
            _segments(item, out)
    elif _is_sequence(value):
        for item in value:
            _segments(item, out)


def matrix_job_name(
    base_name: str, combination: Mapping[str, object], keys: Sequence[str] | None = None
) -> str:
    """``base (v1, v2, ...)``: the values of ``keys`` (default: all), flattened depth-first.

    Nested objects and arrays contribute their leaf values (``{os: ubuntu, py: {v: 3}}``
    gives ``test (ubuntu, 3)``); nulls and empty strings are skipped. Names longer than
    100 characters are cut to 97 plus ``...``, as GitHub does.
    """
    segments: list[str] = []
    for key in combination if keys is None else keys:
        _segments(combination.get(key), segments)
    name = f"{base_name} ({', '.join(segments)})" if segments else base_name
    if len(name) > MAX_NAME_LENGTH:
        name = name[: MAX_NAME_LENGTH - 3] + "..."
    return name
