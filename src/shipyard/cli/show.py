"""``shipyard show RUN``: one recorded run, its workflows, jobs, steps and annotations.

Each job shows its result and duration, each step its conclusion (and its outcome when
``continue-on-error`` made them differ), and the paths of the job's log and of the step
summaries that were written. Jobs and steps left unfinished by a run whose process died
read ``interrupted``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from shipyard.cli.runs import (
    add_repo_option,
    current_repo,
    find_run,
    is_interrupted,
    render_duration,
    render_time,
    run_json,
    run_state,
    utc_text,
)
from shipyard.reports.gates import GateResult
from shipyard.store import Store, open_store
from shipyard.store.records import Annotation, JobRecord, RunDetail, StepRecord


def add_parser(sub: Any, name: str, help_text: str) -> None:
    """Define the command's options."""
    parser = sub.add_parser(name, help=help_text, description=help_text)
    parser.add_argument("run", metavar="RUN", help="a run number from `shipyard runs`, or latest")
    parser.add_argument("--json", action="store_true", help="print the run as JSON")
    add_repo_option(parser)


def run(args: argparse.Namespace) -> int:
    """Print one run."""
    repo = current_repo(args)
    store = open_store()
    try:
        detail = find_run(store, repo, args.run)
        files = _files(store, detail)
    finally:
        store.close()
    gates, comment = _run_results(detail)
    if args.json:
        data = detail_json(detail, files)
        data["statuses"] = [g.to_json() for g in gates]
        data["comment"] = str(comment) if comment else None
        print(json.dumps(data, indent=2))
    else:
        for line in render_detail(detail, files):
            print(line)
        if gates:
            print("\ncommit statuses (quality gates):")
            for gate in gates:
                state = "success" if gate.passed else "failure"
                print(f"  {state:<8} shipyard/{gate.name}: {gate.summary}")
        if comment:
            print(f"\npull-request comment: {comment}")
    return 0


def _run_results(detail: RunDetail) -> tuple[list[GateResult], Path | None]:
    """The gate verdicts (kept as commit statuses) and the comment file of a run."""
    from shipyard.store.paths import data_home, run_dir
    from shipyard.tools.gatefile import read_gates

    folder = run_dir(data_home(), detail.run.id)
    comment = folder / "comment.md"
    return read_gates(folder / "gates.jsonl"), comment if comment.is_file() else None


def _files(store: Store, detail: RunDetail) -> dict[tuple[int, int], Path]:
    """The log of each job (key ``(pk, 0)``) and summary of each step that has content."""
    found: dict[tuple[int, int], Path] = {}
    for job in detail.jobs:
        candidates = [(0, store.job_log_path(detail.run.id, job.pk))]
        for step in detail.steps_of(job.pk):
            path = store.summary_path(detail.run.id, job.pk, step.number)
            candidates.append((step.number, path))
        for number, path in candidates:
            if path.is_file() and path.stat().st_size:
                found[job.pk, number] = path
    return found


def _word(detail: RunDetail, status: str, conclusion: str | None) -> str:
    if status != "completed" and is_interrupted(detail.run):
        return "interrupted"
    return conclusion or status


def render_detail(detail: RunDetail, files: dict[tuple[int, int], Path]) -> list[str]:
    """The human view of a run, line by line."""
    run = detail.run
    lines = [
        f"run {run.number}: {run_state(run)}",
        f"  repo:     {run.repo}",
        f"  event:    {run.event} on {run.ref} at {run.sha[:12] or '-'}",
        f"  started:  {render_time(run.started_at)}",
        f"  duration: {render_duration(run.duration)}",
    ]
    for workflow in detail.workflows:
        word = _word(detail, workflow.status, workflow.conclusion)
        lines += ["", f"workflow {workflow.name} ({workflow.path}): {word}"]
        for job in detail.jobs_of(workflow.id):
            lines += _job_lines(detail, job, files)
    if detail.annotations:
        lines += ["", "annotations:"]
        lines += [_annotation_line(detail, a) for a in detail.annotations]
    return lines


def _job_lines(detail: RunDetail, job: JobRecord, files: dict[tuple[int, int], Path]) -> list[str]:
    word = _word(detail, job.status, job.conclusion)
    took = f" in {render_duration(job.duration)}" if job.duration is not None else ""
    why = f" ({job.skip_reason})" if job.skip_reason else ""
    key = f"  [key: {job.job_key}]" if job.job_key != job.name else ""
    lines = [f"  job {job.name}: {word}{why}{took}{key}"]
    if job.runner:
        lines.append(f"    runner: {job.runner}")
    if job.environment:
        url = f" ({job.environment_url})" if job.environment_url else ""
        lines.append(f"    environment: {job.environment}{url}")
    for step in detail.steps_of(job.pk):
        lines.append(f"    {_step_text(detail, step)}")
    if job.outputs:
        pairs = ", ".join(f"{k}={v}" for k, v in sorted(job.outputs.items()))
        lines.append(f"    outputs: {pairs}")
    for step in detail.steps_of(job.pk):
        if (job.pk, step.number) in files:
            lines.append(f"    summary of step {step.number}: {files[job.pk, step.number]}")
    if (job.pk, 0) in files:
        lines.append(f"    log: {files[job.pk, 0]}")
    return lines


def _step_text(detail: RunDetail, step: StepRecord) -> str:
    word = _word(detail, step.status, step.conclusion)
    if step.outcome is not None and step.outcome != step.conclusion:
        word += f" (outcome: {step.outcome})"
    took = f" in {render_duration(step.duration)}" if step.duration is not None else ""
    return f"{step.number}. {step.name}: {word}{took}"


def _annotation_line(detail: RunDetail, note: Annotation) -> str:
    job = next((j for j in detail.jobs if j.pk == note.job_pk), None)
    where = f" in job {job.name}" if job is not None else ""
    place = ""
    if note.file:
        position = [f"Line: {note.line}"] if note.line is not None else []
        position += [f"Col: {note.col}"] if note.col is not None else []
        place = f"{note.file} ({', '.join(position)}): " if position else f"{note.file}: "
    title = f"{note.title}: " if note.title else ""
    message = note.message.replace("\n", "\n    ")
    return f"  {note.level}{where}: {place}{title}{message}"


def detail_json(detail: RunDetail, files: dict[tuple[int, int], Path]) -> dict[str, object]:
    """The ``--json`` object: the run, workflows with jobs with steps, annotations."""

    def step_json(job: JobRecord, step: StepRecord) -> dict[str, object]:
        summary = files.get((job.pk, step.number))
        return {
            "number": step.number,
            "id": step.step_id,
            "name": step.name,
            "status": step.status,
            "outcome": step.outcome,
            "conclusion": step.conclusion,
            "result": _word(detail, step.status, step.conclusion),
            "started_at": utc_text(step.started_at),
            "completed_at": utc_text(step.completed_at),
            "duration": step.duration,
            "summary": None if summary is None else str(summary),
        }

    def job_json(job: JobRecord) -> dict[str, object]:
        log = files.get((job.pk, 0))
        return {
            "pk": job.pk,
            "key": job.job_key,
            "id": job.job_id,
            "name": job.name,
            "matrix": job.matrix,
            "status": job.status,
            "conclusion": job.conclusion,
            "result": _word(detail, job.status, job.conclusion),
            "skip_reason": job.skip_reason,
            "runner": job.runner,
            "environment": job.environment,
            "environment_url": job.environment_url,
            "outputs": job.outputs,
            "started_at": utc_text(job.started_at),
            "completed_at": utc_text(job.completed_at),
            "duration": job.duration,
            "log": None if log is None else str(log),
            "steps": [step_json(job, s) for s in detail.steps_of(job.pk)],
        }

    workflows = [
        {
            "id": w.id,
            "path": w.path,
            "name": w.name,
            "status": w.status,
            "conclusion": w.conclusion,
            "result": _word(detail, w.status, w.conclusion),
            "started_at": utc_text(w.started_at),
            "completed_at": utc_text(w.completed_at),
            "jobs": [job_json(j) for j in detail.jobs_of(w.id)],
        }
        for w in detail.workflows
    ]
    annotations = [
        {
            "level": a.level,
            "message": a.message,
            "file": a.file,
            "line": a.line,
            "col": a.col,
            "title": a.title,
            "job": a.job_pk,
        }
        for a in detail.annotations
    ]
    return {"run": run_json(detail.run), "workflows": workflows, "annotations": annotations}
