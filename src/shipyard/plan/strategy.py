"""A job's ``strategy`` once evaluated: ``fail-fast``, ``max-parallel`` and the matrix.

Owns reading the evaluated ``strategy`` value (plain data) with GitHub's checks and
messages (``ConvertToStrategy`` in GitHub's workflow parser), and the ``strategy`` context
each job instance sees. Matrix expansion itself lives in :mod:`shipyard.plan.matrix`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from shipyard.plan.matrix import MatrixError, unexpected_type
from shipyard.valueclass import dataclass, field


@dataclass(frozen=True, slots=True)
class Strategy:
    """``fail-fast`` (default true), ``max-parallel`` (``None``: unlimited) and the matrix."""

    fail_fast: bool = True
    max_parallel: int | None = None
    matrix: Mapping[str, object] | None = field(default=None, hash=False)


def parse_strategy(value: object) -> Strategy:
    """Read an evaluated ``strategy`` mapping; ``None`` is the default strategy.

    ``max-parallel`` is truncated to a whole number as GitHub does; zero, negative and
    non-finite values mean unlimited. Raises :class:`~shipyard.plan.matrix.MatrixError`.
    """
    if value is None:
        return Strategy()
    if not isinstance(value, Mapping):
        raise MatrixError(unexpected_type(value, "strategy", "MappingToken"))
    fail_fast = True
    max_parallel: int | None = None
    matrix: Mapping[str, object] | None = None
    for key, item in value.items():
        if key == "fail-fast":
            if not isinstance(item, bool):
                raise MatrixError(unexpected_type(item, "strategy fail-fast", "BooleanToken"))
            fail_fast = item
        elif key == "max-parallel":
            if isinstance(item, bool) or not isinstance(item, (int, float)):
                raise MatrixError(unexpected_type(item, "strategy max-parallel", "NumberToken"))
            number = float(item)
            max_parallel = int(number) if math.isfinite(number) and int(number) > 0 else None
        elif key == "matrix":
            if not isinstance(item, Mapping):
                raise MatrixError(unexpected_type(item, "matrix", "MappingToken"))
            matrix = item
        else:
            raise MatrixError(f"Error while reading 'strategy key'. Unexpected value '{key}'")
    return Strategy(fail_fast=fail_fast, max_parallel=max_parallel, matrix=matrix)


def strategy_context(
    strategy: Strategy, index: int = 0, total: int = 1, *, has_matrix: bool = True
) -> dict[str, object]:
    """The ``strategy`` context of one job instance (``max-parallel`` defaults to the total).

    A job that runs without a matrix configuration (no matrix, or every combination
    excluded) gets ``job-index`` 0, ``job-total`` 1 and ``max-parallel`` 1, as on GitHub.
    """
    parallel = (strategy.max_parallel or total) if has_matrix else 1
    return {
        "fail-fast": strategy.fail_fast,
        "job-index": float(index),
        "job-total": float(total),
        "max-parallel": float(parallel),
    }
