"""The benchmark worker: times one ``bench_*`` function of one checkout, in its own process.

Run as ``python -m shipyard.tools.bench_worker --root DIR --folder benchmarks
--bench MODULE.FUNCTION`` with one mode:

- ``--rounds N``: print ``{"number": n, "samples": [seconds per call, ...]}``;
- ``--serve``: print ``{"number": n}`` once ready, then answer each ``round`` line read
  from stdin with ``{"seconds": s}``, and ``number N`` (use N calls a round from now on)
  with ``{"number": N}``; ``quit`` or end of input stops. This lets
  :mod:`shipyard.tools.bench_runner` alternate rounds of two workers (base, head) that
  call the function equally often a round;
- ``--profile PATH``: run the function under cProfile for about ``--profile-time``
  seconds (1), save the stats to PATH and print ``{"profile": PATH, "calls": n}``.

``--timer cpu`` (the default) times rounds by the process's CPU time, which leaves out the
time the process waits for a core that other work keeps busy: on a loaded machine that
wait, not the code, dominates elapsed time. ``--timer wall`` uses elapsed time, for
benchmarks that sleep or wait on I/O.

Any failure prints ``{"error": "Type: message", "traceback": "..."}`` and exits 1.

The checkout comes first on ``sys.path`` (its ``src/`` when it has one, then the root), and
Shipyard's own modules are forgotten before the project is imported, so benchmarking
Shipyard itself measures the checkout's code, not the installed one's. This module imports
only the standard library. Each round calls the function ``number`` times, ``number``
chosen (1, 2, 5, 10, 20, ...) so that a round lasts at least ``--min-time`` seconds
(0.02); the garbage collector is off while timing, as in :mod:`timeit`. The function's
own output goes to stderr: stdout carries only the protocol.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import importlib
import json
import os
import sys
import time
import timeit
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

# "cpu": the process's CPU time, blind to the time the process waits for a busy core;
# "wall": elapsed time (what a benchmark that sleeps or waits for I/O needs).
TIMERS: dict[str, Callable[[], float]] = {"cpu": time.process_time, "wall": time.perf_counter}


def _forget_shipyard() -> None:
    for name in [n for n in sys.modules if n == "shipyard" or n.startswith("shipyard.")]:
        del sys.modules[name]


def _import_path(root: Path, folder: str) -> None:
    bench_dir = root / folder
    entries = [str(root / "src")] if (root / "src").is_dir() else []
    entries.append(str(root))
    if not (bench_dir / "__init__.py").is_file():
        entries.append(str(bench_dir))
    sys.path[:] = [*entries, *(p for p in sys.path if p not in entries and p not in ("", "."))]


def load_benchmark(root: Path, folder: str, bench: str) -> Callable[[], object]:
    """The benchmark as a no-argument callable, its ``setup_*`` function already run."""
    _forget_shipyard()
    _import_path(root, folder)
    module_name, _, function_name = bench.rpartition(".")
    if (root / folder / "__init__.py").is_file():
        module_name = f"{folder.replace('/', '.')}.{module_name}"
    module = importlib.import_module(module_name)
    function: Callable[..., object] = getattr(module, function_name)
    short = function_name.removeprefix("bench_")
    setup = getattr(module, f"setup_{function_name}", None) or getattr(
        module, f"setup_{short}", None
    )
    if setup is None:
        return function
    value = setup()
    if value is None:
        return function
    return functools.partial(function, value)


def calibrate(timer: timeit.Timer, min_time: float) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, ... calls that take at least ``min_time``."""
    number = 1
    while True:
        for factor in (1, 2, 5):
            if timer.timeit(number * factor) >= min_time:
                return number * factor
        number *= 10


def profile(function: Callable[[], object], path: Path, seconds: float = 1.0) -> int:
    """Run ``function`` under cProfile for about ``seconds``; save the stats; the call count."""
    started = timeit.default_timer()
    function()  # warm-up, and how long one call takes
    once = max(timeit.default_timer() - started, 1e-7)
    calls = max(1, min(1_000_000, int(seconds / once)))
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        function()
    profiler.disable()
    path.parent.mkdir(parents=True, exist_ok=True)
    profiler.dump_stats(str(path))
    return calls


def _send(out: IO[str], message: dict[str, Any]) -> None:
    out.write(json.dumps(message) + "\n")
    out.flush()


def serve(timer: timeit.Timer, number: int, out: IO[str]) -> None:
    """Answer ``round`` and ``number N`` lines from stdin until ``quit`` or end of input."""
    _send(out, {"number": number})
    for line in sys.stdin:
        command, _, argument = line.strip().partition(" ")
        if command == "quit":
            return
        if command == "round":
            _send(out, {"seconds": timer.timeit(number) / number})
        elif command == "number" and argument.isdigit() and int(argument) > 0:
            number = int(argument)
            _send(out, {"number": number})
        else:
            _send(out, {"error": f"unknown command {line.strip()!r}"})


def main(argv: list[str] | None = None) -> int:
    """Run the worker (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m shipyard.tools.bench_worker")
    parser.add_argument("--root", required=True, type=Path)
    parser.add_argument("--folder", default="benchmarks")
    parser.add_argument("--bench", required=True, help="MODULE.FUNCTION")
    parser.add_argument("--min-time", type=float, default=0.02)
    parser.add_argument("--timer", choices=sorted(TIMERS), default="cpu")
    parser.add_argument("--profile-time", type=float, default=1.0)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--rounds", type=int)
    mode.add_argument("--serve", action="store_true")
    mode.add_argument("--profile", type=Path)
    args = parser.parse_args(argv)
    # The protocol keeps the real stdout; anything the benchmark prints goes to stderr.
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    try:
        function = load_benchmark(args.root.resolve(), args.folder, args.bench)
        if args.profile:
            calls = profile(function, args.profile, args.profile_time)
            _send(out, {"profile": str(args.profile), "calls": calls})
            return 0
        timer = timeit.Timer(function, timer=TIMERS[args.timer])
        number = calibrate(timer, args.min_time)
        if args.serve:
            serve(timer, number, out)
            return 0
        samples = [timer.timeit(number) / number for _ in range(max(1, args.rounds))]
        _send(out, {"number": number, "samples": samples})
        return 0
    except Exception as err:
        text = f"{type(err).__name__}: {err}"
        _send(out, {"error": text, "traceback": traceback.format_exc()})
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
