"""Benchmark of the shipped pull-request pipeline on the e2e sample project, cold and warm.

Run: ``.venv/bin/python bench/bench_pipeline.py`` (``--record`` stores the numbers as the new
``bench/pipeline_baseline.json``; ``--vulndb DIR`` passes ``--var SHIPYARD_VULNDB=DIR``).

The sample project (``tests/e2e/sample_project``, package ``calc``) is copied into a temporary
folder, made a git repository (``initial``), initialised with ``shipyard init --yes``
(committed), and a branch with a documentation change is checked out. Then
``python -m shipyard run --event pull_request --base main --no-live`` runs twice, timed from
the parent as whole processes (wall time):

- **cold**: an empty ``SHIPYARD_HOME`` and an empty pip cache (``XDG_CACHE_HOME`` in the
  temporary folder, which pip's default cache follows; ``setup-python``'s ``cache: pip``
  folder lives in ``SHIPYARD_HOME``);
- **warm**: the same command again, same ``SHIPYARD_HOME`` and pip cache.

Both runs must pass all five gates, else the script says so and exits 1. Targets from issue 4
(2-core machine): under 60 s cold, under 20 s warm; GitHub takes 15–25 minutes. Beside the
wall time it prints the CPU seconds (user + system) of each run's whole process tree: on a
machine others share, the wall time moves with their load, the CPU time much less.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SAMPLE = ROOT / "tests" / "e2e" / "sample_project"
BASELINE = HERE / "pipeline_baseline.json"
TARGETS = {"cold": 60.0, "warm": 20.0}
GATES = {"tests", "coverage", "quality", "security", "performance"}


def _env(tmp: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GITHUB_", "RUNNER_", "SHIPYARD")) and k not in ("CI", "PIP_CACHE_DIR")
    }
    env.update(
        GIT_CONFIG_GLOBAL="/dev/null",
        GIT_CONFIG_NOSYSTEM="1",
        SHIPYARD_HOME=str(tmp / "home"),
        XDG_CACHE_HOME=str(tmp / "cache"),
    )
    return env


def _check(args: list[str], cwd: Path, env: dict[str, str]) -> None:
    subprocess.run(args, cwd=cwd, env=env, check=True, capture_output=True)


def prepare(tmp: Path) -> Path:
    """The initialised sample project on a change branch, in ``tmp/repo``."""
    repo = tmp / "repo"
    shutil.copytree(SAMPLE, repo, ignore=shutil.ignore_patterns(".ruff_cache", "__pycache__"))
    env = _env(tmp)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    _check([*git, "init", "-q", "-b", "main"], repo, env)
    _check([*git, "add", "-A"], repo, env)
    _check([*git, "commit", "-qm", "initial"], repo, env)
    _check([sys.executable, "-m", "shipyard", "init", "--yes"], repo, env)
    _check([*git, "add", "-A"], repo, env)
    _check([*git, "commit", "-qm", "shipyard init"], repo, env)
    _check([*git, "checkout", "-q", "-b", "change/docs"], repo, env)
    with (repo / "README.md").open("a", encoding="utf-8") as handle:
        handle.write("\nA documentation-only change.\n")
    _check([*git, "commit", "-qam", "docs"], repo, env)
    return repo


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_run(repo: Path, tmp: Path, label: str, extra: list[str]) -> tuple[float, float]:
    """One pull-request run: (wall seconds, CPU seconds of its process tree); exits when it
    fails or a gate is missing or failed."""
    report = tmp / f"report-{label}.json"
    args = [sys.executable, "-m", "shipyard", "run", "--event", "pull_request", "--base", "main"]
    args += ["--no-live", "--report-json", str(report), *extra]
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(args, cwd=repo, env=_env(tmp), capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    cpu = _children_cpu() - cpu
    gates = json.loads(report.read_text(encoding="utf-8"))["gates"] if report.is_file() else []
    verdicts = {g["name"]: g["passed"] for g in gates}
    if done.returncode != 0 or verdicts != {name: True for name in GATES}:
        sys.stderr.write(done.stderr[-4000:])
        sys.exit(f"{label} run did not pass all five gates (exit {done.returncode}): {verdicts}")
    return elapsed, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", action="store_true", help="store as the new baseline")
    parser.add_argument("--vulndb", metavar="DIR", help="an OSV database for the security scan")
    args = parser.parse_args(argv)
    extra = ["--var", f"SHIPYARD_VULNDB={args.vulndb}"] if args.vulndb else []
    baseline: dict[str, float] = {}
    if BASELINE.is_file():
        baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="shipyard-bench-pipeline-") as name:
        tmp = Path(name)
        repo = prepare(tmp)
        measured = {
            "cold": timed_run(repo, tmp, "cold", extra),
            "warm": timed_run(repo, tmp, "warm", extra),
        }
    numbers = {label: wall for label, (wall, _cpu) in measured.items()}
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"pull-request pipeline on the sample project ({os.cpu_count()} CPUs, load {load})")
    print(f"{'run':<6}{'seconds':>9}{'baseline':>10}{'target':>9}{'cpu s':>8}")
    for label, (seconds, cpu) in measured.items():
        base = f"{baseline[label]:.1f}" if label in baseline else "-"
        mark = "" if seconds < TARGETS[label] else "  (over target)"
        target = "<" + str(int(TARGETS[label]))
        print(f"{label:<6}{seconds:>9.1f}{base:>10}{target:>9}{cpu:>8.1f}{mark}")
    if args.record:
        rounded = {label: round(seconds, 1) for label, seconds in numbers.items()}
        BASELINE.write_text(json.dumps(rounded, indent=2) + "\n", encoding="utf-8")
        print(f"recorded {BASELINE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
