"""What ``shipyard run`` will run: workflows read, event built, triggers decided.

Shared by the real run and ``--dry-run`` (which prints the plan and runs nothing: no
command executes, no record is written).
"""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shipyard import valueclass
from shipyard.cli.options import collect_pairs
from shipyard.diagnostics import Severity, sort_diagnostics
from shipyard.errors import UserError
from shipyard.repository import (
    WORKFLOWS_DIR,
    find_workflow_files,
    local_workflow_fetcher,
    read_workflow_file,
    repository_root,
)
from shipyard.valueclass import dataclass, field

if TYPE_CHECKING:  # heavy imports, done in load_run while git builds the event
    from shipyard.engine.events import LocalEvent
    from shipyard.repository import WorkflowFile
    from shipyard.workflow.model import InputDefinition, Workflow
    from shipyard.workflow_cache import WorkflowCache


@dataclass(slots=True)
class Loaded:
    """The run to be: the event, the fired workflows with their inputs, the invalid files."""

    repo: Path
    event: LocalEvent
    workflows: list[tuple[Workflow, dict[str, object], str | None]]  # (workflow, inputs, cron)
    skipped: list[tuple[Workflow, str]] = field(default_factory=list)
    invalid: list[Workflow] = field(default_factory=list)

    def prepare(self, settings: Any) -> list[Any]:
        """One :class:`~shipyard.engine.run.WorkflowRun` per fired workflow."""
        from shipyard.engine.run import (
            WorkflowRun,
            evaluate_workflow_env,
            workflow_concurrency,
            workflow_github,
        )

        runs = []
        for index, (workflow, inputs, cron) in enumerate(self.workflows):
            event = self.event
            payload = _workflow_payload(event.event.name, event.payload, inputs, cron)
            if payload is not event.payload:  # this workflow's own event file, as on GitHub
                event = valueclass.replace(event, payload=payload)
            github = workflow_github(settings, workflow, event)
            if payload is not self.event.payload:
                github["event_path"] = str(_write_payload(settings.run_dir, index, payload))
            run = WorkflowRun(index=index, workflow=workflow, github=github, inputs=inputs)
            run.env = evaluate_workflow_env(settings, workflow, github, inputs)
            run.concurrency_group, run.concurrency_cancel = workflow_concurrency(
                workflow, github, inputs, settings.vars
            )
            runs.append(run)
        return runs


def _workflow_payload(
    name: str, payload: dict[str, Any], inputs: dict[str, object], cron: str | None
) -> dict[str, Any]:
    """A workflow's ``github.event``: the run's, with the cron line that fired it, or with
    every dispatch input (defaults too, as strings) as GitHub's payload has them."""
    if cron is not None:
        return {**payload, "schedule": cron}
    if name == "workflow_dispatch" and inputs:
        from shipyard.workflow.inputs import render_event_inputs

        given = payload.get("inputs")
        given = given if isinstance(given, dict) else {}
        return {**payload, "inputs": {**render_event_inputs(inputs), **given}}  # type: ignore[arg-type]
    return payload


def _write_payload(run_dir: Path, index: int, payload: dict[str, Any]) -> Path:
    import json

    path = run_dir / "events" / f"{index}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    return path


def _read(repo: Path, source: WorkflowFile, cache: WorkflowCache) -> Workflow:
    """Read and convert a workflow file; cached unless it calls local reusable workflows."""
    from shipyard.workflow.reader import parse_workflow

    fetch = local_workflow_fetcher(repo)
    local: list[str] = []

    def recording(name: str) -> str | None:
        if name.startswith("./"):
            local.append(name)
        return fetch(name)

    workflow = parse_workflow(source.text, source.display_path, fetch=recording)
    if not local:
        cache.store(source.text, source.display_path, workflow)
    return workflow


def load_run(args: argparse.Namespace) -> Loaded:
    """Read the workflows, build the event, decide which workflows fire."""
    from shipyard.engine.events import build_event

    check_event_name(args.event)
    if (args.input or args.input_file) and args.event != "workflow_dispatch":
        raise UserError(
            f"--input applies to workflow_dispatch, not {args.event}",
            hint="add --event workflow_dispatch",
        )
    repo = repository_root()
    paths = args.workflow or [str(repo / WORKFLOWS_DIR)]
    files = list(dict.fromkeys(find_workflow_files(paths)))  # a file named twice runs once
    if not files:
        raise UserError(
            f"no workflow files in {paths[0]}",
            hint="workflows are .yml/.yaml files directly in .github/workflows",
        )
    given_inputs = collect_pairs(args.input, "--input", args.input_file)
    built: dict[str, Any] = {}

    def build() -> None:  # mostly waiting for git: done while the reader imports and parses
        try:
            built["event"] = build_event(
                repo,
                name=args.event,
                ref=args.ref,
                base=args.base,
                inputs=given_inputs,
                event_path=args.event_path,
                schedule=args.cron,
                activity=args.activity,
            )
        except BaseException as error:  # raised below, where the event is needed
            built["error"] = error

    builder = threading.Thread(target=build, daemon=True)
    builder.start()
    from shipyard.store.paths import data_home
    from shipyard.workflow.triggers import match_workflow
    from shipyard.workflow_cache import WorkflowCache

    cache = WorkflowCache(data_home())
    parsed: list[Workflow | Exception] = []
    for path in files:
        try:
            source = read_workflow_file(path)
        except UserError as error:  # unreadable: this workflow is invalid, the others run
            parsed.append(_unreadable(path, error))
            continue
        try:
            cached = cache.load(source.text, source.display_path)
            parsed.append(_read(repo, source, cache) if cached is None else cached)
        except Exception as error:  # raised in file order, after the event's own errors
            parsed.append(error)
            break
    builder.join()
    if "error" in built:
        raise built["error"]
    event: LocalEvent = built["event"]
    loaded = Loaded(repo=repo, event=event, workflows=[])
    for workflow in parsed:
        if isinstance(workflow, Exception):
            raise workflow
        if any(d.severity is Severity.ERROR for d in workflow.diagnostics):
            loaded.invalid.append(workflow)
            for d in sort_diagnostics(workflow.diagnostics):
                print(d.render(), file=sys.stderr)
            continue
        if workflow.event("workflow_call") and len(workflow.events) == 1:
            continue  # only ever called by other workflows
        trigger = event.event
        cron = None
        if trigger.name == "schedule":
            config = workflow.event("schedule")
            cron = args.cron or (config.schedules[0].cron if config and config.schedules else None)
            trigger = valueclass.replace(trigger, schedule=cron)
        decision = match_workflow(workflow, trigger)
        if not decision.fires:
            loaded.skipped.append((workflow, decision.reason))
            continue
        inputs: dict[str, object] = {}
        if trigger.name == "workflow_dispatch" and decision.event_config is not None:
            from shipyard.workflow.inputs import normalise_dispatch_inputs

            # the event's inputs: the --input values, or an event file's `inputs`
            values, problems = normalise_dispatch_inputs(
                decision.event_config.inputs, trigger.inputs
            )
            if problems:
                raise _dispatch_inputs_error(workflow.path, decision.event_config.inputs, problems)
            inputs = dict(values)
        loaded.workflows.append((workflow, inputs, cron))
    if args.workflow and loaded.invalid:
        raise UserError(f"{loaded.invalid[0].path} is not a valid workflow (see above)")
    return loaded


def _unreadable(path: Path, error: UserError) -> Workflow:
    """A workflow file that cannot be read, as an invalid workflow of that path."""
    from shipyard.cli.validate import unreadable_diagnostic
    from shipyard.repository import display_path
    from shipyard.workflow.model import Workflow

    shown = display_path(path)
    problem = unreadable_diagnostic(path, error, shown)
    return Workflow(shown, None, None, (), (), diagnostics=(problem,))


def check_event_name(name: str) -> None:
    """``--event``: one of the events GitHub's workflow schema knows, or a user error."""
    from shipyard.workflow.triggers import EVENT_NAMES

    if name in EVENT_NAMES and name != "workflow_call":
        return
    import difflib

    known = sorted(EVENT_NAMES)
    guess = difflib.get_close_matches(name.lower(), known, n=1)
    if name == "workflow_call":
        hint = "a workflow_call runs when another workflow calls it: run that workflow's event"
    elif guess:
        hint = f"did you mean --event {guess[0]}?"
    else:
        hint = "events: " + ", ".join(k for k in known if k != "workflow_call")
    raise UserError(f"--event {name!r} is not an event GitHub sends to workflows", hint=hint)


def check_selected_jobs(loaded: Loaded, wanted: list[str]) -> None:
    """``-j JOB``: every job named must be a job of a workflow the event fires."""
    if not wanted or not loaded.workflows:
        return
    known = {job.id for workflow, _inputs, _cron in loaded.workflows for job in workflow.jobs}
    for job in wanted:
        if job not in known:
            raise UserError(
                f"-j {job}: no job '{job}' in the workflows this event fires",
                hint=f"their jobs: {', '.join(sorted(known))}",
            )


def _dispatch_inputs_error(
    path: str, definitions: Sequence[InputDefinition], problems: list[str]
) -> UserError:
    """The inputs given do not fit a workflow: where (the input of the first problem is
    declared), what, and what to do."""
    named = [d for d in definitions if f"'{d.name}'" in problems[0]] or list(definitions)
    span = named[0].span if named else None
    where = f"{path}:{span.line}:{span.column or 1}" if span and span.line else path
    lines = "\n".join(f"  - {p}" for p in problems)
    return UserError(
        f"{where}: invalid inputs for workflow_dispatch:\n{lines}",
        hint="give inputs with --input NAME=VALUE or --input-file FILE; "
        "-W PATH runs only the workflows named",
    )


def print_plan(
    loaded: Loaded,
    selected: Sequence[str] = (),
    matrix: Mapping[str, tuple[str, ...]] | None = None,
) -> bool:
    """``--dry-run``: what would run (``-j`` and ``--matrix`` applied), and what would not
    and why; nothing executes. False when a workflow cannot be planned."""
    from shipyard.engine.run import matrix_matches
    from shipyard.plan.planner import plan_workflow

    github = loaded.event.github
    sha = str(github.get("sha", ""))[:12]
    print(f"event {loaded.event.event.name} on {github.get('ref', '')} at {sha}")
    planned = True
    for workflow, inputs, _cron in loaded.workflows:
        print(f"\n{workflow.path} ({workflow.display_name}): would run")
        try:
            plan = plan_workflow(
                workflow, contexts={"github": github, "inputs": inputs, "vars": {}}
            )
        except UserError as error:
            print(f"  cannot plan: {error.message}")
            planned = False
            continue
        wanted = _with_needs(selected, {job.job_id: job.needs for job in plan.jobs})
        for job in plan.jobs:
            if wanted is not None and job.job_id not in wanted:
                continue
            if matrix and not job.deferred and not matrix_matches(job.matrix, matrix):
                continue
            needs = f"  (needs {', '.join(job.needs)})" if job.needs else ""
            if job.deferred:
                print(f"  - {job.name}: matrix decided at run time ({job.deferred_reason}){needs}")
            else:
                print(f"  - {job.name}{needs}")
    for workflow, reason in loaded.skipped:
        print(f"\n{workflow.path} ({workflow.display_name}): not fired: {reason}")
    for workflow in loaded.invalid:
        print(f"\n{workflow.path}: invalid (see the errors above)")
    return planned


def _with_needs(selected: Sequence[str], needs: Mapping[str, Sequence[str]]) -> set[str] | None:
    """The jobs ``-j`` selects and every job they need, transitively (None: all jobs)."""
    if not selected:
        return None
    wanted: set[str] = set()
    todo = [j for j in selected if j in needs]
    while todo:
        job = todo.pop()
        if job not in wanted:
            wanted.add(job)
            todo.extend(n for n in needs.get(job, ()) if n in needs)
    return wanted
