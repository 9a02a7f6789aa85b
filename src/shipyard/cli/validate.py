"""``shipyard validate``: read workflow files and print every problem GitHub would report."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from shipyard.diagnostics import Severity, sort_diagnostics
from shipyard.repository import (
    find_workflow_files,
    local_workflow_fetcher,
    read_workflow_file,
    repository_root,
)
from shipyard.workflow.model import Workflow


def add_parser(sub: Any, name: str, help_text: str) -> None:
    """Define the command's options."""
    parser = sub.add_parser(name, help=help_text, description=help_text)
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or folders (default: .github/workflows)"
    )
    parser.add_argument("--json", action="store_true", help="print a JSON result per file")


def run(args: argparse.Namespace) -> int:
    """Validate every file; exit 1 when any has an error."""
    from shipyard.workflow.reader import parse_workflow

    fetch = local_workflow_fetcher(repository_root())
    results: list[Workflow] = []
    for path in find_workflow_files(args.paths):
        source = read_workflow_file(path)
        results.append(parse_workflow(source.text, source.display_path, fetch=fetch, complete=True))
    if args.json:
        objects = {w.path: summarise(w) for w in results}
        out: object = next(iter(objects.values())) if len(objects) == 1 else objects
        print(json.dumps(out, indent=2))
    else:
        print_human(results)
    return 1 if any(not is_valid(w) for w in results) else 0


def is_valid(workflow: Workflow) -> bool:
    """A workflow is valid when it has no error-level diagnostic."""
    return not any(d.severity is Severity.ERROR for d in workflow.diagnostics)


def summarise(workflow: Workflow) -> dict[str, object]:
    """The ``--json`` object of one file."""
    diagnostics = sort_diagnostics(workflow.diagnostics)
    return {
        "valid": is_valid(workflow),
        "errors": [
            {"message": d.message, "line": d.line, "column": d.column}
            for d in diagnostics
            if d.severity is Severity.ERROR
        ],
        "summary": {
            "events": sorted(e.name for e in workflow.events),
            "job_ids": [j.id for j in workflow.jobs],
            "jobs": [
                {
                    "id": j.id,
                    "needs": list(j.needs),
                    "steps": None if j.is_reusable_call else len(j.steps),
                }
                for j in workflow.jobs
            ],
        },
    }


def print_human(results: list[Workflow]) -> None:
    """Each problem on its own line, then a one-line verdict on stderr."""
    errors = warnings = 0
    for workflow in results:
        for d in sort_diagnostics(workflow.diagnostics):
            print(d.render())
            if d.severity is Severity.ERROR:
                errors += 1
            else:
                warnings += 1
    files = len(results)
    bad = sum(1 for w in results if not is_valid(w))
    noun = "file" if files == 1 else "files"
    if errors:
        verdict = f"{bad} of {files} {noun} invalid: {errors} error{'s' * (errors != 1)}"
    else:
        verdict = f"{files} {noun} valid"
    if warnings:
        verdict += f", {warnings} warning{'s' * (warnings != 1)}"
    print(verdict, file=sys.stderr)
