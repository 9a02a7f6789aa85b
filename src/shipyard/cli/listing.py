"""``shipyard list``: which workflows and jobs an event fires, and why the others don't.

The event is built from the options (``--event``, default ``push``; ``--ref``, default the
checked-out branch; ``--base`` for pull requests, default the default branch; ``--type``,
``--cron``, ``--path`` (repeatable), ``--input k=v`` for ``workflow_dispatch``), matched
against every workflow by :mod:`shipyard.workflow.triggers`, and each firing workflow is
planned by :mod:`shipyard.plan` to show its jobs, matrix combinations expanded. Without
``--path`` the changed files are unknown: path filters are *not evaluated* (they pass, as
on GitHub when it cannot compute the diff), and the reason says so.

Human output (stdout)::

    event push on refs/heads/main

    .github/workflows/ci.yml (CI): fires
      why: push to branch 'main'; path filters not evaluated (no --path given)
      - test (3.11, ubuntu-latest)
      - build-matrix (matrix from needs.setup outputs: expanded at run time)  [needs: setup]

    .github/workflows/release.yml: skips
      why: branch 'main' does not match branches: ['release/**']

``--json`` prints one object::

    {"event": str, "ref": str, "base": str | null, "type": str | null,
     "cron": str | null, "paths": [str] | null,          # null: path filters not evaluated
     "workflows": [{"path": str, "name": str, "fires": bool, "reason": str,
                    "error": str | null,                 # the run could not be planned
                    "inputs": {name: value},             # workflow_dispatch inputs context
                    "jobs": [{"id": str, "name": str, "needs": [str],
                              "matrix": {key: value} | null,
                              "deferred": bool,          # matrix/name wait for needs outputs
                              "deferred_reason": str | null}]}]}

(``deferred_reason`` is the note the human output shows in parentheses.)

A workflow that cannot be read does not fire; its reason is ``invalid workflow: `` and
its first error. Exit status 1 when a workflow is invalid or cannot be planned, or when
``--input`` values do not fit the workflow's inputs (the message lists the problems).
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shipyard.cli.options import parse_pairs
from shipyard.diagnostics import Severity, sort_diagnostics
from shipyard.errors import UserError
from shipyard.repository import (
    current_ref,
    default_branch,
    find_workflow_files,
    local_workflow_fetcher,
    read_workflow_file,
    repository_root,
)
from shipyard.workflow.model import InputDefinition, Job, Workflow
from shipyard.workflow.tokens import BasicExpressionToken, MappingToken, SequenceToken, Token

if TYPE_CHECKING:
    from shipyard.workflow.triggers import Event

PATHS_NOT_EVALUATED = "path filters not evaluated (no --path given)"
_UNKNOWN_PATHS = "changed paths are unknown, so path filters pass"  # the triggers' note
_PR_EVENTS = ("pull_request", "pull_request_target")
# a string literal (skipped), or ``needs`` with the job it reads (``needs.a``, ``needs['a']``)
_NEEDS_READ = re.compile(
    r"'(?:[^']|'')*'|(?<![\w.-])(needs)\b\s*(?:\.\s*([A-Za-z_][\w-]*)|\[\s*'([^']*)'\s*\])?",
    re.IGNORECASE,
)


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
    parser.add_argument(
        "--base", help="pull_request: the base branch (default: the default branch, else main)"
    )
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


def _inputs(pairs: list[str], event: str) -> dict[str, str]:
    if pairs and event != "workflow_dispatch":
        raise UserError(
            f"--input applies to workflow_dispatch, not {event}",
            hint="add --event workflow_dispatch",
        )
    return parse_pairs(pairs, "--input")


def run(args: argparse.Namespace) -> int:
    """Print the decision for every workflow; exit 1 when one is invalid or cannot be planned."""
    from shipyard.workflow.triggers import Event

    ref = _full_ref(args.ref) if args.ref else (current_ref() or "refs/heads/main")
    pull_request = args.event in _PR_EVENTS
    base = (args.base or default_branch() or "main") if pull_request else args.base
    event = Event(
        name=args.event,
        ref=ref,
        base_ref=base,
        head_ref=ref.removeprefix("refs/heads/") if pull_request else None,
        changed_paths=tuple(args.changed) if args.changed else None,
        action=args.activity,
        schedule=args.cron,
        inputs=_inputs(args.input, args.event),
    )
    fetch = local_workflow_fetcher(repository_root())
    rows = [_decide(path, event, fetch) for path in find_workflow_files(args.paths)]
    failed = any(row.pop("failed") for row in rows)
    result: dict[str, object] = {
        "event": event.name,
        "ref": ref,
        "base": base,
        "type": event.action,
        "cron": event.schedule,
        "paths": list(event.changed_paths) if event.changed_paths is not None else None,
        "workflows": rows,
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        _print(result)
    return 1 if failed else 0


def _decide(path: Path, event: Event, fetch: Callable[[str], str | None]) -> dict[str, Any]:
    """One workflow's row: whether it fires, why, its planned jobs; ``failed`` is internal."""
    from shipyard.workflow.reader import parse_workflow
    from shipyard.workflow.triggers import match_workflow

    source = read_workflow_file(path)
    workflow = parse_workflow(source.text, source.display_path, fetch=fetch)
    row: dict[str, Any] = {
        "path": workflow.path,
        "name": workflow.display_name,
        "fires": False,
        "reason": "",
        "error": None,
        "inputs": {},
        "jobs": [],
        "failed": True,
    }
    errors = [d for d in sort_diagnostics(workflow.diagnostics) if d.severity is Severity.ERROR]
    if errors:
        first = errors[0]
        where = f"(Line: {first.line}, Col: {first.column}): " if first.line is not None else ""
        more = f" (and {len(errors) - 1} more: see shipyard validate)" if len(errors) > 1 else ""
        row["reason"] = f"invalid workflow: {where}{first.message}{more}"
        return row
    decision = match_workflow(workflow, event)
    row["failed"] = False
    row["fires"] = decision.fires
    row["reason"] = decision.reason.replace(_UNKNOWN_PATHS, PATHS_NOT_EVALUATED)
    if not decision.fires:
        return row
    if event.name == "workflow_dispatch" and decision.event_config is not None:
        row["inputs"] = _dispatch_inputs(workflow, decision.event_config.inputs, event.inputs)
    try:
        row["jobs"] = _jobs(workflow, event, row["inputs"])
    except UserError as error:
        row["error"] = error.render()
        row["failed"] = True
    return row


def _dispatch_inputs(
    workflow: Workflow, definitions: Sequence[InputDefinition], given: Mapping[str, str]
) -> dict[str, object]:
    from shipyard.workflow.inputs import InputsError, normalise_dispatch_inputs, raise_for_problems

    values, problems = normalise_dispatch_inputs(definitions, given)
    try:
        raise_for_problems("workflow_dispatch", problems)
    except InputsError as error:
        raise UserError(f"{workflow.path}: {error.message}", hint=error.hint) from None
    return dict(values)


def _jobs(workflow: Workflow, event: Event, inputs: dict[str, object]) -> list[dict[str, object]]:
    from shipyard.plan.planner import plan_workflow

    ref = event.ref or ""
    github = {
        "event_name": event.name,
        "ref": ref,
        "ref_name": re.sub(r"^refs/(?:heads|tags)/", "", ref),  # release/1.0 stays whole
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
            "deferred": job.deferred,
            "deferred_reason": _deferred_note(workflow.job(job.job_id)) if job.deferred else None,
        }
        for job in plan.jobs
    ]


def _expressions(token: Token | None) -> list[str]:
    if isinstance(token, BasicExpressionToken):
        return [token.expression]
    if isinstance(token, SequenceToken):
        return [e for item in token.items for e in _expressions(item)]
    if isinstance(token, MappingToken):
        return [e for k, v in token.pairs for e in _expressions(k) + _expressions(v)]
    return []


def _needs_read(token: Token | None, needs: tuple[str, ...]) -> list[str] | None:
    """The ``needs`` a token's expressions read (all of them for bare ``needs``), or None."""
    read: list[str] = []
    found = False
    for expression in _expressions(token):
        for match in _NEEDS_READ.finditer(expression):
            if match.group(1) is None:
                continue  # a string literal
            found = True
            named = match.group(2) if match.group(2) is not None else match.group(3)
            picked = [n for n in needs if named is None or n.casefold() == named.casefold()]
            read.extend(n for n in picked if n not in read)
    return read if found else None


def _deferred_note(job: Job | None) -> str:
    """``matrix from needs.setup outputs: expanded at run time``."""
    if job is None:
        return "expanded at run time"
    matrix = job.strategy.get("matrix") if isinstance(job.strategy, MappingToken) else None
    parts: list[tuple[str, list[str] | None]] = [
        ("matrix", _needs_read(matrix, job.needs)),
        ("strategy", _needs_read(job.strategy, job.needs)),
        ("name", _needs_read(job.name, job.needs)),
    ]
    what: list[str] = []
    read: list[str] = []
    for label, names in parts:
        if names is None or (label == "strategy" and "matrix" in what):
            continue
        what.append(label)
        read.extend(n for n in names if n not in read)
    sources = ", ".join(f"needs.{n}" for n in read or job.needs)
    return f"{' and '.join(what) or 'strategy'} from {sources} outputs: expanded at run time"


def _print(result: dict[str, Any]) -> None:
    header = f"event {result['event']}"
    if result["type"]:
        header += f" ({result['type']})"
    header += f" on {result['ref']}"
    if result["base"]:
        header += f" into {result['base']}"
    if result["cron"]:
        header += f" for cron '{result['cron']}'"
    print(header)
    if result["paths"] is not None:
        print(f"changed paths: {', '.join(result['paths']) or '(none)'}")
    for row in result["workflows"]:
        title = row["path"] if row["name"] == row["path"] else f"{row['path']} ({row['name']})"
        print(f"\n{title}: {'fires' if row['fires'] else 'skips'}")
        print(f"  why: {row['reason']}")
        if row["error"] is not None:
            print("  error: " + row["error"].replace("\n", "\n  "))
        for job in row["jobs"]:
            note = f" ({job['deferred_reason']})" if job["deferred"] else ""
            needs = f"  [needs: {', '.join(job['needs'])}]" if job["needs"] else ""
            print(f"  - {job['name']}{note}{needs}")
