"""Tests of the calc package."""

from __future__ import annotations

import pytest

import calc


def test_add() -> None:
    assert calc.add(2, 3) == 5


def test_divide() -> None:
    assert calc.divide(7, 2) == 3.5


def test_divide_by_zero() -> None:
    with pytest.raises(ValueError, match="cannot divide by zero"):
        calc.divide(1, 0)


def test_factorial() -> None:
    assert [calc.factorial(n) for n in range(6)] == [1, 1, 2, 6, 24, 120]


def test_factorial_negative() -> None:
    with pytest.raises(ValueError, match="negative"):
        calc.factorial(-1)


def test_mean_and_median() -> None:
    assert calc.mean([1, 2, 3, 4]) == 2.5
    assert calc.median([3, 1, 2]) == 2
    assert calc.median([4, 1, 3, 2]) == 2.5


def test_empty_sequences() -> None:
    with pytest.raises(ValueError, match="mean of an empty sequence"):
        calc.mean([])
    with pytest.raises(ValueError, match="median of an empty sequence"):
        calc.median([])


def test_primes_below() -> None:
    assert calc.primes_below(2) == []
    assert calc.primes_below(30) == [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]
