"""Measuring benchmarks: worker processes and interleaved rounds.

Each measurement runs :mod:`shipyard.tools.bench_worker` in a subprocess whose working
directory and first ``sys.path`` entries are one checkout, so head and base code never
share a process. For one benchmark, ``bench compare`` starts a worker per side and
alternates their rounds (base, head, head, base, ...), after one discarded warm-up round
each, both calling the function equally often a round (the larger of their calibrations),
so that a load that comes and goes slows both sides alike. A pass spreads its rounds over
two such pairs of fresh processes, so that one process running slow for its whole life
(seen on a loaded machine) cannot make a side look slow. A suspected change is measured
again by fresh workers (:func:`compare_benchmarks`), and the pure rule in
:mod:`shipyard.reports.benchmarks` decides on both passes. The base's files come from
:mod:`shipyard.tools.base_tree`.

Workers time by CPU time unless told ``timer="wall"`` and get ``PYTHONHASHSEED=0`` unless
it is set, so both sides lay out their dicts and sets alike.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from shipyard.reports.benchmarks import (
    BenchComparison,
    BenchRun,
    DecisionRule,
    decide,
    evaluate_change,
    format_ratio,
)
from shipyard.reports.benchmarks_render import format_seconds
from shipyard.tools.bench_discovery import Benchmark

WORKER = "shipyard.tools.bench_worker"
START_TIMEOUT = 600.0  # import, setup and calibration
ROUND_TIMEOUT = 600.0
MIN_TIME = 0.02
PROCESSES = 2  # worker pairs per pass

Progress = Callable[[str], None]


class WorkerFailed(Exception):
    """A worker could not run its benchmark; ``side`` is ``base`` or ``head``."""

    def __init__(self, side: str, message: str) -> None:
        super().__init__(message)
        self.side = side
        self.message = message


def worker_env(root: Path, *, pythonpath: bool = False) -> dict[str, str]:
    """The environment of a process measuring ``root``.

    With ``pythonpath`` (pytest runs), the checkout's ``src/`` leads ``PYTHONPATH``; workers
    order ``sys.path`` themselves, after Shipyard's own worker module is imported.
    """
    env = dict(os.environ)
    env.setdefault("PYTHONHASHSEED", "0")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if pythonpath and (root / "src").is_dir():
        rest = env.get("PYTHONPATH", "")
        env["PYTHONPATH"] = str(root / "src") + (os.pathsep + rest if rest else "")
    return env


def _worker_command(root: Path, folder: str, bench: str, timer: str, *mode: str) -> list[str]:
    return [
        sys.executable, "-m", WORKER, "--root", str(root), "--folder", folder,
        "--bench", bench, "--min-time", str(MIN_TIME), "--timer", timer, *mode,
    ]  # fmt: skip


class Worker:
    """A serving worker (``--serve``) for one benchmark in one checkout."""

    def __init__(self, side: str, root: Path, folder: str, bench: str, timer: str) -> None:
        self.side = side
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        self._buffer = b""
        self._proc = subprocess.Popen(
            _worker_command(root, folder, bench, timer, "--serve"),
            cwd=root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=worker_env(root),
        )

    def _receive(self, timeout: float) -> dict[str, Any]:
        assert self._proc.stdout is not None
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WorkerFailed(self.side, f"no answer within {timeout:g} s")
            ready, _, _ = select.select([self._proc.stdout], [], [], remaining)
            if ready:
                chunk = os.read(self._proc.stdout.fileno(), 65536)
                if not chunk:
                    raise WorkerFailed(self.side, self._death())
                self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        message: dict[str, Any] = json.loads(line)
        if "error" in message:
            raise WorkerFailed(self.side, str(message["error"]))
        return message

    def _death(self) -> str:
        code = self._proc.wait()
        self._stderr.seek(0)
        lines = self._stderr.read().decode("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines else f"the worker exited with code {code}"

    def start(self) -> int:
        """Wait until the worker is ready; the calls per round it chose."""
        return int(self._receive(START_TIMEOUT)["number"])

    def _ask(self, command: str) -> dict[str, Any]:
        assert self._proc.stdin is not None
        try:
            self._proc.stdin.write(command.encode() + b"\n")
            self._proc.stdin.flush()
        except BrokenPipeError:
            raise WorkerFailed(self.side, self._death()) from None
        return self._receive(ROUND_TIMEOUT)

    def use_number(self, number: int) -> None:
        """Call the function ``number`` times a round from now on."""
        self._ask(f"number {number}")

    def round(self) -> float:
        """Time one round; seconds per call."""
        return float(self._ask("round")["seconds"])

    def close(self) -> None:
        """Stop the worker (politely, then by force)."""
        try:
            assert self._proc.stdin is not None
            self._proc.stdin.close()
            self._proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self._proc.kill()
            self._proc.wait()
        self._stderr.close()


def _measure_pair(
    base: Path, head: Path, folder: str, bench: str, rounds: int, timer: str
) -> tuple[list[float], list[float]]:
    workers = (
        Worker("base", base, folder, bench, timer),
        Worker("head", head, folder, bench, timer),
    )
    try:
        # A failing head is the news, whatever the base does: hear the head first.
        number = max(worker.start() for worker in reversed(workers))
        for worker in workers:
            worker.use_number(number)  # equal rounds: the larger calibration, for both
            worker.round()  # warm-up, discarded
        samples: tuple[list[float], list[float]] = ([], [])
        for index in range(rounds):
            order = (0, 1) if index % 2 == 0 else (1, 0)
            for side in order:
                samples[side].append(workers[side].round())
        return samples
    finally:
        for worker in workers:
            worker.close()


def measure_interleaved(
    base: Path,
    head: Path,
    folder: str,
    bench: str,
    rounds: int,
    *,
    processes: int = PROCESSES,
    timer: str = "cpu",
) -> tuple[list[float], list[float]]:
    """Samples of ``bench`` (base, head): ``rounds`` a side, alternated between two workers.

    The rounds are spread over ``processes`` successive pairs of fresh workers, so that a
    process that happens to run slow for its whole life (placed on a busy core, an unlucky
    memory layout) moves only part of one side's samples.
    """
    base_samples: list[float] = []
    head_samples: list[float] = []
    chunks = [rounds // processes + (1 if i < rounds % processes else 0) for i in range(processes)]
    for chunk in (c for c in chunks if c):
        got_base, got_head = _measure_pair(base, head, folder, bench, chunk, timer)
        base_samples += got_base
        head_samples += got_head
    return base_samples, head_samples


def compare_benchmarks(
    base: Path,
    head: Path,
    folder: str,
    benchmarks: list[Benchmark],
    base_names: set[str],
    *,
    rule: DecisionRule,
    rounds: int,
    progress: Progress,
    timer: str = "cpu",
) -> list[BenchComparison]:
    """Measure every head benchmark against the base, re-measure suspected changes, decide."""
    results: list[BenchComparison] = []
    for bench in benchmarks:
        if bench.name not in base_names:
            progress(f"timing {bench.name} (new): {rounds} rounds")
            alone = run_benchmark(head, folder, bench.name, rounds, timer)
            if alone.stats is None:
                failure = f"head: {alone.error}"
                results.append(BenchComparison(bench.name, "failed", message=failure))
            else:
                median = format_seconds(alone.stats.median)
                results.append(BenchComparison(bench.name, "new", message=f"head {median}"))
            continue
        try:
            progress(f"measuring {bench.name}: base and head interleaved, {rounds} rounds each")
            first = evaluate_change(
                *measure_interleaved(base, head, folder, bench.name, rounds, timer=timer), rule
            )
            confirm = None
            if first.suspected:
                progress(
                    f"re-measuring {bench.name}: {format_ratio(first.ratio)} in the first pass"
                )
                confirm = evaluate_change(
                    *measure_interleaved(base, head, folder, bench.name, rounds, timer=timer), rule
                )
        except WorkerFailed as err:
            status = "failed" if err.side == "head" else "new"
            results.append(BenchComparison(bench.name, status, message=f"{err.side}: {err}"))
            continue
        results.append(decide(bench.name, first, confirm, rule))
    head_names = {b.name for b in benchmarks}
    for name in sorted(base_names - head_names):
        results.append(BenchComparison(name, "removed", message="not in the head"))
    return results


def run_benchmark(root: Path, folder: str, bench: str, rounds: int, timer: str = "cpu") -> BenchRun:
    """Time one benchmark ``rounds`` times in one worker (``bench run``)."""
    try:
        proc = subprocess.run(
            _worker_command(root, folder, bench, timer, "--rounds", str(rounds)),
            cwd=root,
            capture_output=True,
            env=worker_env(root),
            check=False,
            timeout=START_TIMEOUT + ROUND_TIMEOUT,
        )
    except subprocess.TimeoutExpired as err:
        return BenchRun(bench, error=f"no result within {err.timeout:g} s")
    lines = proc.stdout.decode("utf-8", "replace").strip().splitlines()
    try:
        message = json.loads(lines[-1])
    except (IndexError, ValueError):
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        return BenchRun(bench, error=tail[-1] if tail else f"exit code {proc.returncode}")
    if "error" in message:
        return BenchRun(bench, error=str(message["error"]))
    return BenchRun(bench, tuple(message["samples"]), int(message["number"]))
