"""``shipyard gate [RUN]``: the quality gates a run evaluated, each PASS or FAIL, and the verdict.

The report commands record their verdicts as JSON lines (see
:mod:`shipyard.reports.gates`); ``shipyard run`` points them at
``<SHIPYARD_HOME>/runs/<run id>/gates.jsonl``. This command reads that file for RUN (a run
number from ``shipyard runs``, or ``latest``, the default) or the file given by
``--file``, prints one line per gate, in the order tests, coverage, quality, security,
performance, then the verdict.

Exit 0 when every gate recorded passed and every ``--require``d gate was recorded; 1 when
a gate failed, a required gate is missing, or no gate was recorded at all; 2 for a bad
command line. ``--json`` prints::

    {"run": 7, "file": ".../runs/12/gates.jsonl", "passed": false,
     "gates": [{"name": "tests", "passed": true, "summary": "..."}],
     "required": ["tests", "coverage"], "missing": ["coverage"]}

(``run`` is null with ``--file``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from shipyard.cli.runs import add_repo_option, current_repo, find_run
from shipyard.errors import UserError
from shipyard.reports.gates import GATE_NAMES, GateResult
from shipyard.store import open_store
from shipyard.store.paths import data_home, run_dir
from shipyard.tools.gatefile import read_gates

GATES_FILE_NAME = "gates.jsonl"


def _gate_list(text: str) -> tuple[str, ...]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    if names == ["all"]:
        return GATE_NAMES
    unknown = [name for name in names if name not in GATE_NAMES]
    if unknown or not names:
        problem = f"unknown gate {unknown[0]!r}" if unknown else "no gate named"
        raise argparse.ArgumentTypeError(f"{problem} (gates: {', '.join(GATE_NAMES)}, or all)")
    return tuple(dict.fromkeys(names))


def add_parser(sub: Any, name: str, help_text: str) -> None:
    """Define the command's options."""
    parser = sub.add_parser(name, help=help_text, description=help_text)
    parser.add_argument(
        "run", nargs="?", metavar="RUN", help="a run number from `shipyard runs`, or latest"
    )
    parser.add_argument("--file", metavar="GATES_FILE", help="read the verdicts from this file")
    parser.add_argument(
        "--require",
        type=_gate_list,
        default=(),
        metavar="GATES",
        help=f"gates that must have been recorded, comma-separated ({', '.join(GATE_NAMES)}) "
        "or all",
    )
    parser.add_argument("--json", action="store_true", help="print the verdict as JSON")
    add_repo_option(parser)


def _source(args: argparse.Namespace) -> tuple[int | None, Path]:
    """The run number (None for ``--file``) and the gate file to read."""
    if args.file is not None:
        path = Path(args.file)
        if not path.is_file():
            raise UserError(f"no such file: {args.file}", hint="--file takes a gates file")
        return None, path
    repo = current_repo(args)
    home = data_home()
    store = open_store(home)
    try:
        detail = find_run(store, repo, args.run or "latest")
    finally:
        store.close()
    return detail.run.number, run_dir(home, detail.run.id) / GATES_FILE_NAME


def run(args: argparse.Namespace) -> int:
    """Print each gate and the verdict; exit 1 unless every gate passed."""
    if args.file is not None and args.run is not None:
        print("error: give a RUN or --file, not both", file=sys.stderr)
        return 2
    number, path = _source(args)
    order = {name: index for index, name in enumerate(GATE_NAMES)}
    gates = sorted(read_gates(path), key=lambda gate: order[gate.name])
    recorded = {gate.name for gate in gates}
    missing = [name for name in args.require if name not in recorded]
    passed = bool(gates) and not missing and all(gate.passed for gate in gates)
    if args.json:
        document = {
            "run": number,
            "file": str(path),
            "passed": passed,
            "gates": [gate.to_json() for gate in gates],
            "required": list(args.require),
            "missing": missing,
        }
        print(json.dumps(document, indent=2))
        return 0 if passed else 1
    where = f"run {number}" if number is not None else str(path)
    if not gates and not missing:
        print(
            f"error: no gate recorded for {where}\n\nhint: report commands (`shipyard report "
            "tests`, …) record their gate when they run in a step of `shipyard run`",
            file=sys.stderr,
        )
        return 1
    for line in render_gates(where, gates, missing):
        print(line)
    return 0 if passed else 1


def render_gates(where: str, gates: list[GateResult], missing: list[str]) -> list[str]:
    """One line per gate (``PASS  tests     412 passed, …``), then the verdict."""
    rows = [("PASS" if g.passed else "FAIL", g.name, g.summary) for g in gates]
    rows += [("MISSING", name, "required, not recorded") for name in missing]
    status_width = max(len(row[0]) for row in rows)
    name_width = max(len(row[1]) for row in rows)
    lines = [f"gates of {where}:"]
    lines += [
        f"  {status.ljust(status_width)}  {name.ljust(name_width)}  {summary}".rstrip()
        for status, name, summary in rows
    ]
    failed = [gate.name for gate in gates if not gate.passed]
    problems = [f"{', '.join(failed)} failed"] if failed else []
    problems += [f"{', '.join(missing)} missing"] if missing else []
    if problems:
        lines.append(f"verdict: FAIL ({'; '.join(problems)})")
    else:
        count = len(gates)
        lines.append(f"verdict: PASS ({count} gate{'' if count == 1 else 's'} passed)")
    return lines
