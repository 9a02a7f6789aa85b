"""Quality gates: a gate's verdict as a value, and the file that collects a run's verdicts.

A report command decides its gate (``tests``, ``coverage``, ``quality``, ``security``,
``performance``) and records it with :func:`shipyard.tools.gatefile.record_gate`: one JSON
line (:func:`gate_line`) appended to the file named by ``$SHIPYARD_GATES_FILE`` (set by
``shipyard run`` for every step; unset on GitHub). :func:`parse_gate_lines` reads such a
file back. Several steps may decide the same gate (the pipeline's security-scan,
dependency-review and codeql jobs all decide ``security``, in parallel, in any order): a
gate passes only when every verdict on it passed; a failed verdict is kept over any passing
one (the last failed verdict, else the last passing one).
"""

from __future__ import annotations

import json

from shipyard.valueclass import dataclass

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
    """Gate verdicts from JSON lines, one per gate in first-seen order; a failure sticks."""
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
        result = GateResult(
            str(data["name"]), bool(data.get("passed")), str(data.get("summary", ""))
        )
        earlier = found.get(result.name)
        if earlier is None or earlier.passed or not result.passed:
            found[result.name] = result
    return list(found.values())


def gate_line(result: GateResult) -> str:
    """The JSON line recorded for a verdict (see :mod:`shipyard.tools.gatefile`)."""
    return json.dumps(result.to_json())
