"""The gate file of a run: where report commands append their verdicts.

``$SHIPYARD_GATES_FILE`` names it (``shipyard run`` sets it for every step); on GitHub it
is unset and recording is a no-op.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from shipyard.reports.gates import GATES_FILE_ENV, GateResult, gate_line, parse_gate_lines


def record_gate(result: GateResult, environ: Mapping[str, str] | None = None) -> None:
    """Append the verdict to ``$SHIPYARD_GATES_FILE`` when that variable is set."""
    environ = os.environ if environ is None else environ
    target = environ.get(GATES_FILE_ENV)
    if not target:
        return
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(gate_line(result) + "\n")


def read_gates(path: Path) -> list[GateResult]:
    """The verdicts in a gate file (empty when it does not exist)."""
    try:
        return parse_gate_lines(path.read_text(encoding="utf-8"))
    except OSError:
        return []
