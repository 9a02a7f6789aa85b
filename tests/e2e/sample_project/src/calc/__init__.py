"""A tiny calculator: arithmetic on numbers and lists of numbers."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["add", "divide", "factorial", "mean", "median", "primes_below"]


def add(a: float, b: float) -> float:
    """The sum of ``a`` and ``b``."""
    return a + b


def divide(a: float, b: float) -> float:
    """``a / b``; dividing by zero is a ``ValueError`` with a clear message."""
    if b == 0:
        raise ValueError("cannot divide by zero")
    return a / b


def factorial(n: int) -> int:
    """``n!`` for ``n >= 0``."""
    if n < 0:
        raise ValueError("factorial of a negative number")
    result = 1
    for k in range(2, n + 1):
        result *= k
    return result


def mean(values: Sequence[float]) -> float:
    """The arithmetic mean of a non-empty sequence."""
    if not values:
        raise ValueError("mean of an empty sequence")
    return sum(values) / len(values)


def median(values: Sequence[float]) -> float:
    """The median of a non-empty sequence."""
    if not values:
        raise ValueError("median of an empty sequence")
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def primes_below(limit: int) -> list[int]:
    """The primes smaller than ``limit`` (sieve of Eratosthenes)."""
    if limit < 3:
        return []
    sieve = bytearray([1]) * limit
    sieve[0] = sieve[1] = 0
    for n in range(2, int(limit**0.5) + 1):
        if sieve[n]:
            sieve[n * n :: n] = bytearray(len(range(n * n, limit, n)))
    return [n for n in range(limit) if sieve[n]]
