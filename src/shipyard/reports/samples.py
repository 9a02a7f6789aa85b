"""Statistics of timing samples: a summary (median, IQR, min) and the Mann–Whitney U test.

Pure: takes sequences of floats, returns frozen dataclasses. The U test follows SciPy's
``scipy.stats.mannwhitneyu`` (same statistic, same p-values) so that its results can be
checked against SciPy's documentation without depending on SciPy:

- the statistic is ``U1``, the number of pairs ``(x_i, y_j)`` with ``x_i > y_j`` (ties
  count one half), computed from mid-ranks of the pooled sample;
- ``method="auto"`` is ``"exact"`` when one sample has at most 8 values and there are no
  ties, ``"asymptotic"`` otherwise;
- exact p-values come from the null distribution of U (counts of arrangements, the
  coefficients of the Gaussian binomial coefficient), computed with integers;
- asymptotic p-values use the normal approximation with the tie correction of the
  variance and a continuity correction of 0.5;
- ``alternative``: ``"two-sided"``, ``"greater"`` (x tends to be larger than y) or
  ``"less"``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from shipyard.valueclass import dataclass

EXACT_MAX_SIZE = 8
ALTERNATIVES = ("two-sided", "greater", "less")


@dataclass(frozen=True, slots=True)
class SampleStats:
    """A sample's summary; quartiles interpolate linearly (NumPy's default)."""

    n: int
    median: float
    q1: float
    q3: float
    minimum: float
    maximum: float
    mean: float

    @property
    def iqr(self) -> float:
        """The inter-quartile range ``q3 - q1``."""
        return self.q3 - self.q1

    def to_json(self) -> dict[str, float | int]:
        """The summary as a JSON object (``iqr`` included)."""
        return {
            "n": self.n,
            "median": self.median,
            "q1": self.q1,
            "q3": self.q3,
            "iqr": self.iqr,
            "min": self.minimum,
            "max": self.maximum,
            "mean": self.mean,
        }


@dataclass(frozen=True, slots=True)
class UTest:
    """A Mann–Whitney U test's result: ``u`` is U1, the statistic of the first sample."""

    u: float
    p_value: float
    method: str


def quantile(ordered: Sequence[float], fraction: float) -> float:
    """The ``fraction`` quantile of sorted values, interpolating linearly between ranks."""
    if not ordered:
        raise ValueError("quantile of an empty sample")
    position = (len(ordered) - 1) * fraction
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summarise(samples: Sequence[float]) -> SampleStats:
    """Median, quartiles, extremes and mean of a non-empty sample."""
    ordered = sorted(samples)
    if not ordered:
        raise ValueError("summary of an empty sample")
    return SampleStats(
        n=len(ordered),
        median=quantile(ordered, 0.5),
        q1=quantile(ordered, 0.25),
        q3=quantile(ordered, 0.75),
        minimum=ordered[0],
        maximum=ordered[-1],
        mean=math.fsum(ordered) / len(ordered),
    )


def _midranks(values: Sequence[float]) -> tuple[list[float], list[int]]:
    """Ranks (1-based, ties share their mean rank) and the sizes of the groups of ties."""
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    ties: list[int] = []
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        rank = (start + end) / 2 + 1
        for index in order[start : end + 1]:
            ranks[index] = rank
        ties.append(end - start + 1)
        start = end + 1
    return ranks, ties


def u_distribution(m: int, n: int) -> list[int]:
    """How many of the ``C(m+n, m)`` arrangements give U = 0, 1, ..., m*n (exact null)."""
    counts = [1] + [0] * (m * n)
    # The generating function is prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i).
    for i in range(1, m + 1):
        for k in range(m * n, n + i - 1, -1):
            counts[k] -= counts[k - n - i]
        for k in range(i, m * n + 1):
            counts[k] += counts[k - i]
    return counts


def _exact_sf(u: float, m: int, n: int) -> float:
    """P(U >= u) under the null hypothesis, for an integer ``u``."""
    counts = u_distribution(m, n)
    total = sum(counts)
    start = max(0, math.ceil(u))
    return sum(counts[start:]) / total if start <= m * n else 0.0


def _normal_sf(z: float) -> float:
    return 0.5 * math.erfc(z / math.sqrt(2))


def mann_whitney_u(
    x: Sequence[float],
    y: Sequence[float],
    *,
    alternative: str = "two-sided",
    method: str = "auto",
) -> UTest:
    """The Mann–Whitney U test of ``x`` against ``y`` (see the module docstring)."""
    if alternative not in ALTERNATIVES:
        raise ValueError(f"alternative must be one of {', '.join(ALTERNATIVES)}")
    if method not in ("auto", "exact", "asymptotic"):
        raise ValueError("method must be 'auto', 'exact' or 'asymptotic'")
    m, n = len(x), len(y)
    if m == 0 or n == 0:
        raise ValueError("the U test needs two non-empty samples")
    ranks, ties = _midranks([*x, *y])
    u1 = math.fsum(ranks[:m]) - m * (m + 1) / 2
    u2 = m * n - u1
    has_ties = any(size > 1 for size in ties)
    if method == "auto":
        method = "exact" if min(m, n) <= EXACT_MAX_SIZE and not has_ties else "asymptotic"
    # The statistic whose upper tail is tested.
    if alternative == "greater":
        upper = u1
    elif alternative == "less":
        upper = u2
    else:
        upper = max(u1, u2)
    if method == "exact":
        p = _exact_sf(upper, m, n)
    else:
        total = m + n
        tie_term = sum(t**3 - t for t in ties) / (total * (total - 1))
        sigma = math.sqrt(m * n / 12 * ((total + 1) - tie_term))
        z = (upper - m * n / 2 - 0.5) / sigma if sigma > 0 else math.inf
        p = _normal_sf(z) if sigma > 0 else 1.0
    if alternative == "two-sided":
        p *= 2
    return UTest(u=u1, p_value=min(max(p, 0.0), 1.0), method=method)
