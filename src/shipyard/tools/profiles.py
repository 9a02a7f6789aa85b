"""cProfile profiles of the slowest benchmarks: a ``.prof`` file and a readable top 20.

For each chosen benchmark, :mod:`shipyard.tools.bench_worker` runs the function under
cProfile for about ``seconds`` (1) in its own process (``--profile``) and saves
``DIR/<name>.prof`` (open it with ``python -m pstats`` or snakeviz); this module then writes
``DIR/<name>.txt``: the 20 entries with the largest cumulative time, directories stripped.
"""

from __future__ import annotations

import io
import json
import pstats
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from shipyard.reports.benchmarks import BenchRun
from shipyard.tools.bench_runner import WORKER, worker_env
from shipyard.valueclass import dataclass

TOP = 20


@dataclass(frozen=True, slots=True)
class ProfileFiles:
    """Where one benchmark's profile went."""

    name: str
    prof: Path
    text: Path

    def to_json(self) -> dict[str, str]:
        """``{"name", "prof", "text"}`` with string paths."""
        return {"name": self.name, "prof": str(self.prof), "text": str(self.text)}


def slowest(runs: Sequence[BenchRun], count: int) -> list[BenchRun]:
    """The ``count`` successful runs with the largest median, slowest first."""
    timed = [(run.stats.median, run) for run in runs if run.stats is not None]
    timed.sort(key=lambda item: item[0], reverse=True)
    return [run for _, run in timed[:count]]


def render_top(prof: Path, top: int = TOP) -> str:
    """The ``top`` entries of a saved profile by cumulative time, as pstats prints them."""
    stream = io.StringIO()
    stats = pstats.Stats(str(prof), stream=stream)
    stats.strip_dirs().sort_stats(pstats.SortKey.CUMULATIVE).print_stats(top)
    return stream.getvalue()


def save_profile(
    root: Path, folder: str, name: str, directory: Path, seconds: float = 1.0
) -> ProfileFiles:
    """Profile one benchmark of ``root`` into ``directory``; raises RuntimeError on failure."""
    directory.mkdir(parents=True, exist_ok=True)
    prof = (directory / f"{name}.prof").resolve()
    command = [
        sys.executable, "-m", WORKER, "--root", str(root), "--folder", folder,
        "--bench", name, "--profile", str(prof), "--profile-time", str(seconds),
    ]  # fmt: skip
    proc = subprocess.run(
        command, cwd=root, capture_output=True, env=worker_env(root), text=True, check=False
    )
    lines = proc.stdout.strip().splitlines()
    message = json.loads(lines[-1]) if lines else {"error": proc.stderr.strip() or "no output"}
    if "error" in message:
        raise RuntimeError(f"cannot profile {name}: {message['error']}")
    text = directory / f"{name}.txt"
    text.write_text(render_top(prof), encoding="utf-8")
    return ProfileFiles(name, prof, text)


def save_profiles(
    root: Path,
    folder: str,
    runs: Sequence[BenchRun],
    directory: Path,
    count: int,
    seconds: float = 1.0,
) -> list[ProfileFiles]:
    """Profiles of the ``count`` slowest benchmarks of ``runs``."""
    chosen = slowest(runs, count)
    return [save_profile(root, folder, run.name, directory, seconds) for run in chosen]
