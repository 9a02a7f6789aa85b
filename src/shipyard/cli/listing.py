"""``shipyard list``: which workflows and jobs an event fires, and why the others don't."""

from __future__ import annotations

import argparse
import json
from typing import Any

from shipyard.errors import UserError
from shipyard.repository import current_ref, find_workflow_files, read_workflow_file


def add_parser(sub: Any, name: str, help_text: str) -> None:
    """Define the command's options."""
    parser = sub.add_parser(name, help=help_text, description=help_text)
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or folders (default: .github/workflows)"
    )
    parser.add_argument("--event", "-e", default="push", help="event name (default: push)")
    parser.add_argument(
        "--ref",
        help="full or short ref, e.g. refs/tags/v1 or main (default: the checked-out branch)",
    )
    parser.add_argument("--base", help="pull_request: the base branch (default: main)")
    parser.add_argument("--type", dest="activity", help="activity type, e.g. opened, labeled")
    parser.add_argument(
        "--path",
        dest="changed",
        action="append",
        metavar="FILE",
        help="a changed file, for paths filters (repeatable; default: filters not evaluated)",
    )
    parser.add_argument("--cron", help="schedule: the cron line that fired")
    parser.add_argument(
        "--input", action="append", default=[], metavar="K=V", help="workflow_dispatch input"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def _full_ref(ref: str) -> str:
    return ref if ref.startswith("refs/") else f"refs/heads/{ref}"


def _inputs(pairs: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UserError(f"bad --input {pair!r}", hint="write it as --input name=value")
        out[key] = value
    return out


def run(args: argparse.Namespace) -> int:
    """Print the decision for every workflow; exit 1 when a workflow cannot be read."""
    from shipyard.workflow.inputs import normalise_dispatch_inputs, raise_for_problems
    from shipyard.workflow.reader import parse_workflow
    from shipyard.workflow.triggers import Event, match_workflow

    ref = _full_ref(args.ref) if args.ref else (current_ref() or "refs/heads/main")
    given_inputs = _inputs(args.input)
    base = args.base or "main"
    event = Event(
        name=args.event,
        ref=ref,
        base_ref=base if args.event.startswith("pull_request") else None,
        head_ref=ref.removeprefix("refs/heads/") if args.event.startswith("pull_request") else None,
        changed_paths=tuple(args.changed) if args.changed else None,
        action=args.activity,
        schedule=args.cron,
        inputs=given_inputs,
    )
    rows: list[dict[str, object]] = []
    unreadable = 0
    for path in find_workflow_files(args.paths):
        source = read_workflow_file(path)
        workflow = parse_workflow(source.text, source.display_path)
        row: dict[str, object] = {"path": workflow.path, "name": workflow.display_name}
        if any(d.severity.value == "error" for d in workflow.diagnostics):
            unreadable += 1
            row.update(fires=False, reason="invalid workflow (see shipyard validate)", jobs=[])
            rows.append(row)
            continue
        decision = match_workflow(workflow, event)
        row.update(fires=decision.fires, reason=decision.reason, jobs=[])
        if decision.fires:
            inputs: dict[str, object] = {}
            if event.name == "workflow_dispatch" and decision.event_config is not None:
                values, problems = normalise_dispatch_inputs(
                    decision.event_config.inputs, given_inputs
                )
                raise_for_problems(event.name, problems)
                inputs = dict(values)
            row["jobs"] = _jobs(workflow, event, inputs)
        rows.append(row)
    if args.json:
        print(json.dumps({"event": event.name, "ref": ref, "workflows": rows}, indent=2))
    else:
        _print(event.name, ref, rows)
    return 1 if unreadable else 0


def _jobs(workflow: Any, event: Any, inputs: dict[str, object]) -> list[dict[str, object]]:
    from shipyard.plan.planner import plan_workflow

    github = {
        "event_name": event.name,
        "ref": event.ref,
        "ref_name": event.ref.rsplit("/", 1)[-1] if event.ref else "",
        "base_ref": event.base_ref or "",
        "head_ref": event.head_ref or "",
    }
    plan = plan_workflow(workflow, contexts={"github": github, "inputs": inputs})
    return [
        {
            "id": job.job_id,
            "name": job.name,
            "needs": list(job.needs),
            "matrix": job.matrix,
        }
        for job in plan.jobs
    ]


def _print(event: str, ref: str, rows: list[dict[str, object]]) -> None:
    print(f"event {event} on {ref}")
    for row in rows:
        mark = "fires" if row["fires"] else "skips"
        print(f"\n{row['path']} ({row['name']}): {mark}")
        if not row["fires"]:
            print(f"  why: {row['reason']}")
            continue
        jobs = row["jobs"]
        assert isinstance(jobs, list)
        for job in jobs:
            needs = f"  needs {', '.join(job['needs'])}" if job["needs"] else ""
            print(f"  - {job['name']}{needs}")
