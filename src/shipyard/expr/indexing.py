"""Indexing: ``a[i]``, ``a.name`` and the ``.*``/``[*]`` filters, on plain values.

A port of ``idxHelper.ts`` and the access helpers of ``evaluator.ts``. An index denotes
a string key (when it is a primitive) and an array position (when it is a finite number
>= 0 after coercion, floored), so ``a[true]`` is ``a[1]`` and ``a['2']`` is ``a[2]``.
Indexing a filtered array maps over its items and flattens one level.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import cast

from shipyard.expr.values import (
    ARRAY,
    MISSING,
    OBJECT,
    FilteredArray,
    kind_of,
    object_get,
    to_number,
    to_string,
)


def index_key(index: object) -> tuple[str | None, int | None]:
    """GitHub's ``idxHelper``: the string key and the array position an index denotes."""
    key = None if kind_of(index) in (ARRAY, OBJECT) else to_string(index)
    number = to_number(index)
    position = math.floor(number) if number >= 0 and number != math.inf else None
    return key, position


def star(target: object) -> FilteredArray:
    """``target.*`` / ``target[*]``."""
    kind = kind_of(target)
    if isinstance(target, FilteredArray):
        result = FilteredArray()
        for item in target:
            item_kind = kind_of(item)
            if item_kind == OBJECT:
                result.extend(cast("Mapping[str, object]", item).values())
            elif item_kind == ARRAY:
                result.extend(cast("Sequence[object]", item))
        return result
    if kind == ARRAY:
        return FilteredArray(cast("Sequence[object]", target))
    if kind == OBJECT:
        return FilteredArray(cast("Mapping[str, object]", target).values())
    return FilteredArray()


def access(target: object, key: str | None, position: int | None) -> object:
    """``target[index]`` for an index already reduced to (key, position)."""
    kind = kind_of(target)
    if kind == OBJECT:
        if key is None:
            return None
        value = object_get(cast("Mapping[str, object]", target), key)
        return None if value is MISSING else value
    if kind != ARRAY:
        return None
    if not isinstance(target, FilteredArray):
        items = cast("Sequence[object]", target)
        return items[position] if position is not None and position < len(items) else None
    result = FilteredArray()
    for item in target:
        item_kind = kind_of(item)
        if item_kind == OBJECT:
            if key is not None:
                value = object_get(cast("Mapping[str, object]", item), key)
                if value is not MISSING:
                    result.append(value)
        elif item_kind == ARRAY and position is not None:
            inner = cast("Sequence[object]", item)
            if position < len(inner):
                result.append(inner[position])
    return result
