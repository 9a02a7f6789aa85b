"""``shipyard logs RUN [JOB]``: print the output of a recorded run's jobs.

``JOB`` is matched, case-insensitively, against each job's key, YAML id and name (and
``WORKFLOW/KEY`` for when two workflows have a job of the same key); an exact key wins.
Without ``JOB`` every job's log is printed under a ``==> workflow / job <==`` header.
A job still running prints what it wrote so far.
"""

from __future__ import annotations

import argparse
import shlex
from typing import Any

from shipyard.cli.runs import add_repo_option, current_repo, find_run
from shipyard.errors import UserError
from shipyard.store import open_store
from shipyard.store.records import JobRecord, RunDetail


def add_parser(sub: Any, name: str, help_text: str) -> None:
    """Define the command's options."""
    parser = sub.add_parser(name, help=help_text, description=help_text)
    parser.add_argument("run", metavar="RUN", help="a run number from `shipyard runs`, or latest")
    parser.add_argument("job", metavar="JOB", nargs="?", help="a job's key, id or name")
    add_repo_option(parser)


def run(args: argparse.Namespace) -> int:
    """Print the log of one job, or of all."""
    repo = current_repo(args)
    store = open_store()
    try:
        detail = find_run(store, repo, args.run)
        if args.job is not None:
            job = pick_job(detail, args.job)
            for line in store.read_log(detail.run.id, job.pk):
                print(line)
            return 0
        if not detail.jobs:
            print(f"run {detail.run.number} has no jobs")
        for index, job in enumerate(detail.jobs):
            lines = store.read_log(detail.run.id, job.pk)
            if index:
                print()
            print(f"==> {_workflow_name(detail, job)} / {job.name} <==")
            if not lines:
                print("(no output)")
            for line in lines:
                print(line)
    finally:
        store.close()
    return 0


def pick_job(detail: RunDetail, text: str) -> JobRecord:
    """The one job ``text`` names; a UserError listing the choices otherwise."""
    wanted = text.casefold()
    by_key = [j for j in detail.jobs if j.job_key.casefold() == wanted]
    if len(by_key) == 1:
        return by_key[0]
    matches = [j for j in detail.jobs if wanted in _labels(detail, j)]
    if len(matches) == 1:
        return matches[0]
    number = detail.run.number
    if not matches:
        if not detail.jobs:
            raise UserError(f"no job {text!r} in run {number}", hint="the run has no jobs")
        raise UserError(
            f"no job {text!r} in run {number}",
            hint=f"jobs in run {number}: {', '.join(_choices(detail, list(detail.jobs)))}",
        )
    raise UserError(
        f"job {text!r} is ambiguous in run {number}: it matches {len(matches)} jobs",
        hint=f"pick one of: {', '.join(_choices(detail, matches))}",
    )


def _labels(detail: RunDetail, job: JobRecord) -> set[str]:
    workflow = _workflow_name(detail, job)
    labels = {
        job.job_key,
        job.job_id,
        job.name,
        f"{workflow}/{job.job_key}",
        f"{workflow} / {job.name}",  # as the summary table and `shipyard show` name it
    }
    return {label.casefold() for label in labels}


def _choices(detail: RunDetail, jobs: list[JobRecord]) -> list[str]:
    """Each job's name, qualified by its workflow's where names repeat, as the table
    shows them (every form of them is accepted back)."""
    names = [j.name for j in jobs]
    return [
        shlex.quote(
            j.name if names.count(j.name) == 1 else f"{_workflow_name(detail, j)} / {j.name}"
        )
        for j in jobs
    ]


def _workflow_name(detail: RunDetail, job: JobRecord) -> str:
    return next((w.name for w in detail.workflows if w.id == job.workflow_id), "?")
