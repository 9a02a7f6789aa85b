"""Quality gates: a gate's verdict as a value, and the file that collects a run's verdicts.

A report command decides its gate (``tests``, ``coverage``, ``quality``, ``security``,
``performance``) and records it with :func:`shipyard.tools.gatefile.record_gate`: one JSON
line (:func:`gate_line`) appended to the file named by ``$SHIPYARD_GATES_FILE`` (set by
``shipyard run`` for every step; unset on GitHub). :func:`parse_gate_lines` reads such a
file back; the last verdict of a gate wins.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

GATE_NAMES = ("tests", "coverage", "quality", "security", "performance")
GATES_FILE_ENV = "SHIPYARD_GATES_FILE"


@dataclass(frozen=True, slots=True)
class GateResult:
    """One gate's verdict; ``summary`` is one human line with the deciding number."""

    name: str
    passed: bool
    summary: str

    def to_json(self) -> dict[str, object]:
        """The ``{"name", "passed", "summary"}`` object of reports."""
        return {"name": self.name, "passed": self.passed, "summary": self.summary}


def parse_gate_lines(text: str) -> list[GateResult]:
    """Gate verdicts from JSON lines, one per gate in first-seen order, last verdict wins."""
    found: dict[str, GateResult] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            data = json.loads(line)
        except ValueError:
            continue
        if not isinstance(data, dict) or data.get("name") not in GATE_NAMES:
            continue
        found[str(data["name"])] = GateResult(
            str(data["name"]), bool(data.get("passed")), str(data.get("summary", ""))
        )
    return list(found.values())


def gate_line(result: GateResult) -> str:
    """The JSON line recorded for a verdict (see :mod:`shipyard.tools.gatefile`)."""
    return json.dumps(result.to_json())
