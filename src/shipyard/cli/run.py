"""``shipyard run``: run the repository's workflows here, now, with GitHub's semantics.

load workflows → build the event from git → keep the workflows it fires → schedule jobs
as their needs finish → show progress → keep the records → exit 0 when the run succeeded.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import signal
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

DEFAULT_JOBS = max(4, (os.cpu_count() or 2) * 2)


def add_parser(sub: Any, name: str, help_text: str) -> None:
    """Define the command's options."""
    p = sub.add_parser(name, help=help_text, description=help_text)
    p.add_argument("-e", "--event", default="push", help="event name (default: push)")
    p.add_argument("--ref", help="branch, tag or full ref (default: the checked-out branch)")
    p.add_argument("--base", help="pull_request: the base branch (default: the default branch)")
    p.add_argument("--type", dest="activity", help="activity type, e.g. opened, labeled")
    p.add_argument(
        "--cron", help="schedule: the cron line that fired (default: each workflow's first)"
    )
    p.add_argument(
        "--input", action="append", default=[], metavar="K=V", help="workflow_dispatch input"
    )
    p.add_argument(
        "--input-file", type=Path, metavar="FILE", help="workflow_dispatch inputs, a dotenv file"
    )
    p.add_argument("--event-path", type=Path, metavar="FILE", help="a full event payload (JSON)")
    p.add_argument(
        "--secret",
        action="append",
        default=[],
        metavar="K=V",
        help="a secret (ENV:K=V: only for jobs in environment ENV)",
    )
    p.add_argument("--secret-file", type=Path, metavar="FILE", help="secrets, a dotenv file")
    p.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="K=V",
        help="a `vars` variable (ENV:K=V: only for jobs in environment ENV)",
    )
    p.add_argument("--var-file", type=Path, metavar="FILE", help="`vars` variables, a dotenv file")
    p.add_argument("--env", action="append", default=[], metavar="K=V", help="extra environment")
    p.add_argument("--env-file", type=Path, metavar="FILE", help="extra environment, a dotenv file")
    p.add_argument(
        "-W",
        "--workflow",
        action="append",
        default=[],
        metavar="PATH",
        help="run only this workflow (repeatable)",
    )
    p.add_argument(
        "-j",
        "--job",
        action="append",
        default=[],
        metavar="JOB",
        help="run only this job and what it needs",
    )
    p.add_argument(
        "--matrix",
        action="append",
        default=[],
        metavar="K=V",
        help="only matrix combinations with k=v (repeatable; values of one k: any of them)",
    )
    p.add_argument(
        "--jobs",
        type=int,
        default=DEFAULT_JOBS,
        metavar="N",
        help=f"jobs at once (default {DEFAULT_JOBS})",
    )
    p.add_argument(
        "--clean",
        action="store_true",
        help="check out the committed tree at the sha, not the working tree",
    )
    p.add_argument("--dry-run", "-n", action="store_true", help="print the plan; run nothing")
    p.add_argument(
        "--platform",
        action="append",
        default=[],
        metavar="LABEL=host",
        help="run jobs for LABEL on this host",
    )
    p.add_argument(
        "--action",
        action="append",
        default=[],
        metavar="OWNER/REPO@REF=PATH",
        help="use a local copy of an action",
    )
    p.add_argument(
        "--report-json", type=Path, metavar="PATH", help="write the run's result as JSON"
    )
    p.add_argument(
        "--keep", action="store_true", help="keep the run's workspaces (default: removed after)"
    )
    p.add_argument(
        "--live",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="live view (default: on a terminal)",
    )
    p.add_argument(
        "--debug",
        action="store_true",
        help="step debug logging (RUNNER_DEBUG=1); so does ACTIONS_STEP_DEBUG=true",
    )


def run(args: argparse.Namespace) -> int:
    """Run the workflows; exit 0 when the run's conclusion is success."""
    # Loading imports most of Shipyard and allocates much that lives to the end: no garbage
    # collection passes until the jobs start (_execute turns it back on).
    gc.disable()
    try:
        from shipyard.cli.runoptions import read_run_options
        from shipyard.cli.runplan import check_selected_jobs, load_run

        options = read_run_options(args)
        loaded = load_run(args)
        check_selected_jobs(loaded, args.job)
        if args.dry_run:
            from shipyard.cli.runplan import print_plan

            planned = print_plan(loaded, args.job, options.matrix)
            return 0 if planned and not loaded.invalid else 1
        if not loaded.workflows:
            print("no workflow fires for this event", file=sys.stderr)
            for workflow, reason in loaded.skipped:
                print(f"  {workflow.path}: {reason}", file=sys.stderr)
            for workflow in loaded.invalid:
                print(f"  {workflow.path}: not a valid workflow (see above)", file=sys.stderr)
            return 1 if loaded.invalid else 0
        return _execute(args, options, loaded)
    finally:
        gc.enable()


def _previous_durations(store: Any, repo: str, run_id: int) -> dict[tuple[str, str], float]:
    """(workflow path, job id) -> its longest instance's seconds in the repo's last run."""
    earlier = [r for r in store.list_runs(repo, limit=2) if r.id != run_id]
    if not earlier:
        return {}
    detail = store.get_run(earlier[0].id)
    paths = {w.id: w.path for w in detail.workflows}
    durations: dict[tuple[str, str], float] = {}
    for job in detail.jobs:
        if job.duration is not None and job.workflow_id in paths:
            key = (paths[job.workflow_id], job.job_id)
            durations[key] = max(durations.get(key, 0.0), job.duration)
    return durations


def _execute(args: argparse.Namespace, options: Any, loaded: Any) -> int:
    from shipyard.backends.host import HostBackend
    from shipyard.cli.runview import make_view, render_summary
    from shipyard.engine.contexts import host_environment
    from shipyard.engine.job import write_event_file
    from shipyard.engine.recorder import Recorder
    from shipyard.engine.run import RunEngine, Selection
    from shipyard.engine.settings import RunSettings
    from shipyard.store import open_store
    from shipyard.store.paths import data_home

    home = data_home()
    store = open_store(home)
    event = loaded.event
    repo = loaded.repo
    started = datetime.now(timezone.utc)
    # ``repo`` is already the work tree's top: its resolved path is what ``repo_key`` would
    # return, without another git process.
    run_id = store.create_run(
        str(repo.resolve()),
        event.event.name,
        event.github.get("ref", ""),
        event.github.get("sha", ""),
        started,
        pid=os.getpid(),
    )
    detail = store.get_run(run_id)
    run_dir = home / "runs" / str(run_id)
    settings = RunSettings(
        repo=repo,
        run_id=run_id,
        run_number=detail.run.number,
        run_dir=run_dir,
        data_dir=home,
        event=event,
        backend_factory=lambda: HostBackend(kill_leftovers=False),
        secrets=options.secrets,
        vars=options.variables,
        environment_secrets=options.environment_secrets,
        environment_vars=options.environment_vars,
        env=_with_shipyard_on_path({**host_environment(), **options.env}, home),
        workspace_mode="clean" if args.clean else "snapshot",
        platforms=options.platforms,
        local_actions=options.actions,
        debug=options.debug,
    )
    write_event_file(settings)
    workflows = loaded.prepare(settings)
    workflow_ids = {
        w.workflow.path: store.add_workflow(run_id, w.workflow.path, w.workflow.display_name)
        for w in workflows
    }
    names = {w.workflow.path: w.workflow.display_name for w in workflows}
    view = make_view(names, live=args.live)
    recorder = Recorder(store, run_id, workflow_ids)
    observer = _Fanout(view, recorder)
    engine = RunEngine(
        settings,
        workflows,
        observer,
        max_jobs=args.jobs,
        selection=Selection(tuple(args.job), options.matrix),
        # only an order among several jobs needs them: a one-job run skips the query
        durations=_previous_durations(store, str(repo.resolve()), run_id)
        if sum(len(w.workflow.jobs) for w in workflows) > 1
        else None,
    )
    previous = signal.getsignal(signal.SIGINT)
    interrupts = {"count": 0}

    def on_interrupt(signum: int, frame: object) -> None:
        interrupts["count"] += 1
        if interrupts["count"] > 1:
            print("\nstopping at once: step processes killed", file=sys.stderr)
            _kill_step_processes()
            os._exit(130)  # worker threads may be inside always() steps: do not wait for them
        print("\ncancelling the run (Ctrl-C again to stop at once)", file=sys.stderr)
        engine.cancel()

    signal.signal(signal.SIGINT, on_interrupt)
    begin = time.time()
    gc.enable()
    try:
        result = engine.run()
    finally:
        signal.signal(signal.SIGINT, previous)
        view.close()
        recorder.close()  # every record written before the run is marked finished
    if loaded.invalid and result.conclusion == "success":
        result.conclusion = "failure"  # an invalid workflow file fails the run, as on GitHub
    reports = [r for w in workflows for r in sorted(w.reports, key=_order(w))]
    for w in workflows:
        store.update_workflow(
            workflow_ids[w.workflow.path], status="completed", conclusion=w.conclusion
        )
    store.finish_run(run_id, result.conclusion, datetime.now(timezone.utc))
    print(render_summary(view, reports), file=sys.stderr)
    print(
        f"\nrun {detail.run.number} {result.conclusion} in {time.time() - begin:.1f}s"
        f" (details: shipyard show {detail.run.number})",
        file=sys.stderr,
    )
    _hint_when_no_job_ran(reports)
    if args.report_json:
        from shipyard.cli.runreport import write_report
        from shipyard.tools.gatefile import read_gates

        write_report(args.report_json, result, read_gates(run_dir / "gates.jsonl"))
    if not args.keep:
        import shutil

        shutil.rmtree(run_dir / "jobs", ignore_errors=True)
    store.close()
    return 0 if result.conclusion == "success" and not loaded.invalid else 1


def _hint_when_no_job_ran(reports: list[Any]) -> None:
    """Every job skipped for want of a runner: say how to run them here anyway."""
    prefix = "no runner for labels "
    if not reports or any(r.result != "skipped" for r in reports):
        return
    labels = sorted(
        {
            r.skip_reason[len(prefix) :].split(", ")[0]
            for r in reports
            if (r.skip_reason or "").startswith(prefix)
        }
    )
    if labels:
        print(
            f"hint: no job ran: this host serves Linux runners; to run a job for "
            f"{labels[0]} here anyway: shipyard run --platform {labels[0]}=host",
            file=sys.stderr,
        )


def _kill_step_processes() -> None:
    """SIGKILL the process group of every child (each step runs in its own group)."""
    me = str(os.getpid())
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 1 and fields[1] == me:
            with contextlib.suppress(OSError):
                os.killpg(int(entry.name), signal.SIGKILL)


def _with_shipyard_on_path(env: dict[str, str], home: Path) -> dict[str, str]:
    """Steps that call ``shipyard`` get this Shipyard: a folder holding only that command.

    Putting the running interpreter's own ``bin`` on ``PATH`` would also shadow
    ``python``; the shim folder changes nothing else.
    """
    folder = home / "bin"
    shim = folder / "shipyard"
    script = f'#!/bin/sh\nexec "{sys.executable}" -m shipyard "$@"\n'
    try:
        if not shim.is_file() or shim.read_text(encoding="utf-8") != script:
            folder.mkdir(parents=True, exist_ok=True)
            temporary = folder / f".shipyard-{os.getpid()}"
            temporary.write_text(script, encoding="utf-8")
            temporary.chmod(0o755)
            temporary.replace(shim)
    except OSError:
        return env
    return {**env, "PATH": f"{folder}{os.pathsep}{env.get('PATH', '')}"}


def _order(run: Any) -> Any:
    ids = [j.id for j in run.workflow.jobs]

    def key(report: Any) -> tuple[int, str]:
        base = report.job_id.split("/", 1)[0]
        return (ids.index(base) if base in ids else len(ids), report.key)

    return key


class _Fanout:
    """Sends every observer call to several observers."""

    def __init__(self, *targets: Any) -> None:
        self.targets = targets

    def __getattr__(self, name: str) -> Any:
        def call(*args: Any) -> None:
            for target in self.targets:
                getattr(target, name)(*args)

        return call
