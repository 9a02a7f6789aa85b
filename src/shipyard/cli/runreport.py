"""``--report-json``: the run's result in a stable, documented JSON shape.

``{"conclusion", "workflows": [{"path", "name", "conclusion", "jobs": [{"id", "name",
"matrix", "result", "outputs", "steps": [{"id", "name", "outcome", "conclusion"}]}]}]}``
— a workflow the event did not fire is absent; a matrix job appears once per combination.
When steps recorded quality-gate verdicts (``shipyard report …`` under ``shipyard run``),
``"gates": [{"name", "passed", "summary"}]`` lists them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def build_report(result: Any, gates: list[Any] | None = None) -> dict[str, object]:
    """The report as plain data; ``gates`` are the verdicts the run's steps recorded."""
    workflows = []
    for run in result.workflows:
        jobs = []
        ids = [j.id for j in run.workflow.jobs]
        ordered = sorted(
            run.reports,
            key=lambda r: (
                ids.index(r.job_id.split("/")[0]) if r.job_id.split("/")[0] in ids else 99,
                r.key,
            ),
        )
        for report in ordered:
            jobs.append(
                {
                    "id": report.job_id,
                    "name": report.name,
                    "matrix": report.matrix,
                    "result": report.result,
                    "outputs": dict(report.outputs),
                    "steps": [
                        {
                            "id": s.id,
                            "name": s.name,
                            "outcome": s.outcome,
                            "conclusion": s.conclusion,
                        }
                        for s in report.steps
                    ],
                }
            )
        workflows.append(
            {
                "path": run.workflow.path,
                "name": run.workflow.display_name,
                "conclusion": run.conclusion,
                "jobs": jobs,
            }
        )
    out: dict[str, object] = {"conclusion": result.conclusion, "workflows": workflows}
    if gates:
        out["gates"] = [gate.to_json() for gate in gates]
    return out


def write_report(path: Path, result: Any, gates: list[Any] | None = None) -> None:
    """Write the report (parent folders created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    from shipyard.expr.values import plain_json

    text = json.dumps(plain_json(build_report(result, gates)), indent=2, default=str)
    path.write_text(text + "\n", encoding="utf-8")
