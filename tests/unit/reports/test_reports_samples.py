"""Sample statistics and the Mann–Whitney U test, against values computed by hand.

The expected p-values are SciPy's (``scipy.stats.mannwhitneyu``, documented example and
a tied sample); each is re-derived by hand in the comments.
"""

from __future__ import annotations

import math
from itertools import combinations

import pytest

from shipyard.reports.samples import mann_whitney_u, quantile, summarise, u_distribution

# SciPy's documented example (mannwhitneyu docstring): ages of male and female faculty.
MALES = [19, 22, 16, 29, 24]
FEMALES = [20, 11, 17, 12]


def test_summary_uses_linear_quartiles() -> None:
    stats = summarise([4.0, 1.0, 3.0, 2.0])
    assert (stats.n, stats.median, stats.q1, stats.q3) == (4, 2.5, 1.75, 3.25)
    assert (stats.minimum, stats.maximum, stats.mean, stats.iqr) == (1.0, 4.0, 2.5, 1.5)
    assert stats.to_json()["iqr"] == 1.5


def test_summary_of_one_value_and_of_none() -> None:
    assert summarise([7.0]).median == 7.0
    with pytest.raises(ValueError, match="summary of an empty sample"):
        summarise([])
    assert quantile([1.0, 2.0, 3.0], 1.0) == 3.0


def test_u_distribution_counts_arrangements() -> None:
    # m = n = 2: the six orders of xxyy give U = 0, 1, 2, 2, 3, 4.
    assert u_distribution(2, 2) == [1, 1, 2, 1, 1]
    for m, n in [(1, 5), (3, 4), (5, 4), (8, 8)]:
        counts = u_distribution(m, n)
        assert sum(counts) == math.comb(m + n, m)
        assert counts == counts[::-1]


def test_u_distribution_matches_brute_force() -> None:
    m, n = 4, 5
    brute = [0] * (m * n + 1)
    for xs in combinations(range(m + n), m):
        ys = [v for v in range(m + n) if v not in xs]
        brute[sum(1 for x in xs for y in ys if x > y)] += 1
    assert u_distribution(m, n) == brute


def test_scipy_documented_example_exact() -> None:
    # U1 = 17 of 20. P(U >= 17) = P(U <= 3) = (1 + 1 + 2 + 3) / C(9, 4) = 7 / 126;
    # two-sided: 14 / 126 = 1 / 9 (SciPy: pvalue=0.1111111111111111).
    result = mann_whitney_u(MALES, FEMALES, method="exact")
    assert (result.u, result.method) == (17.0, "exact")
    assert result.p_value == pytest.approx(1 / 9, abs=1e-15)
    assert mann_whitney_u(MALES, FEMALES).method == "exact"  # auto: n <= 8, no ties
    assert mann_whitney_u(MALES, FEMALES, alternative="greater").p_value == pytest.approx(7 / 126)
    assert mann_whitney_u(MALES, FEMALES, alternative="less").p_value == pytest.approx(
        1 - 4 / 126  # P(U2 >= 3) = 1 - P(U2 <= 2)
    )


def test_scipy_documented_example_asymptotic() -> None:
    # mu = 10, sigma = sqrt(5 * 4 * 10 / 12), z = (17 - 10 - 0.5) / sigma = 1.5922,
    # p = 2 * sf(z) (SciPy: pvalue=0.11134688653314041).
    result = mann_whitney_u(MALES, FEMALES, method="asymptotic")
    assert result.p_value == pytest.approx(0.11134688653314041, rel=1e-12)


def test_ties_use_the_corrected_variance() -> None:
    x = [1, 2, 2, 3, 3, 3, 4, 5, 9, 9]
    y = [3, 4, 4, 5, 6, 6, 7, 8, 8, 10, 11]
    # Tie groups of sizes 2, 4, 3, 2, 2, 2, 2: sum(t^3 - t) = 6 + 60 + 24 + 4 * 6 = 114.
    # sigma^2 = 10 * 11 / 12 * (22 - 114 / (21 * 20)) = 199.18; U1 = 25, U2 = 85, mu = 55;
    # z = (85 - 55 - 0.5) / 14.113 = 2.0903; two-sided p = 0.0366 (SciPy:
    # 0.03659427769893652; "less": 0.01829713884946826).
    result = mann_whitney_u(x, y)
    assert (result.u, result.method) == (25.0, "asymptotic")
    assert result.p_value == pytest.approx(0.03659427769893652, rel=1e-12)
    less = mann_whitney_u(x, y, alternative="less")
    assert less.p_value == pytest.approx(0.01829713884946826, rel=1e-12)


def test_auto_method_choice() -> None:
    assert mann_whitney_u([1, 2, 2], [3, 4]).method == "asymptotic"  # a tie
    assert mann_whitney_u(list(range(9)), [v + 0.5 for v in range(9)]).method == "asymptotic"
    assert mann_whitney_u(list(range(20)), [v + 0.5 for v in range(8)]).method == "exact"


def test_complete_separation_and_all_ties() -> None:
    exact = mann_whitney_u([10.0, 11, 12, 13, 14, 15], [1.0, 2, 3, 4, 5, 6])
    assert exact.p_value == pytest.approx(2 / math.comb(12, 6))
    assert mann_whitney_u([1.0, 1.0], [1.0, 1.0, 1.0]).p_value == 1.0


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="alternative must be one of two-sided, greater, less"):
        mann_whitney_u([1], [2], alternative="bigger")
    with pytest.raises(ValueError, match="method must be"):
        mann_whitney_u([1], [2], method="fast")
    with pytest.raises(ValueError, match="two non-empty samples"):
        mann_whitney_u([], [2])
