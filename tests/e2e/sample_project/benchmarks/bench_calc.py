"""Timeit-style benchmarks of calc: ``shipyard bench run`` times each ``bench_*`` function."""

from __future__ import annotations

import calc

VALUES = [float((i * 7919) % 1000) for i in range(2000)]


def bench_primes_below() -> None:
    calc.primes_below(20_000)


def bench_median() -> None:
    calc.median(VALUES)


def bench_factorial() -> None:
    calc.factorial(300)
