"""``shipyard runs``: the recorded runs of this repository (or all), newest first.

Also the helpers ``shipyard show`` and ``shipyard logs`` share with it: which repository
we are in, finding a run by its number (or ``latest``), the word for a run's result (with
``interrupted`` for a run whose process died), and how times and durations read.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from shipyard.errors import UserError
from shipyard.store import Store, open_store
from shipyard.store.paths import repo_key
from shipyard.store.records import RecordNotFound, RunDetail, RunRecord

LATEST = ("latest", "last")


def add_parser(sub: Any, name: str, help_text: str) -> None:
    """Define the command's options."""
    parser = sub.add_parser(name, help=help_text, description=help_text)
    parser.add_argument("--all", action="store_true", help="runs of every repository")
    parser.add_argument(
        "--limit", "-n", type=int, default=20, metavar="N", help="at most N runs (default: 20)"
    )
    parser.add_argument("--json", action="store_true", help="print the runs as JSON")
    add_repo_option(parser)


def add_repo_option(parser: argparse.ArgumentParser) -> None:
    """``--repo DIR``, shared by the commands that read runs."""
    parser.add_argument(
        "--repo", metavar="DIR", help="the repository whose runs to read (default: this one)"
    )


def run(args: argparse.Namespace) -> int:
    """Print the table (or JSON) of runs."""
    if args.limit < 0:
        raise UserError(f"--limit must be 0 or more, not {args.limit}")
    repo = current_repo(args)
    store = open_store()
    try:
        runs = store.list_runs(None if args.all else repo, args.limit)
    finally:
        store.close()
    if args.json:
        print(json.dumps([run_json(r) for r in runs], indent=2))
        return 0
    if not runs:
        where = "" if args.all else f" in {repo}"
        print(f"no runs{where}\n\nhint: `shipyard run` starts one", file=sys.stderr)
        return 0
    header = ["RUN", "RESULT", "EVENT", "REF", "WORKFLOWS", "STARTED", "DURATION"]
    rows = [
        [
            str(r.number),
            run_state(r),
            r.event,
            r.ref.removeprefix("refs/heads/"),
            ", ".join(r.workflow_names) or "-",
            render_time(r.started_at),
            render_duration(r.duration),
        ]
        + ([r.repo] if args.all else [])
        for r in runs
    ]
    for line in render_table(header + (["REPO"] if args.all else []), rows):
        print(line)
    return 0


def current_repo(args: argparse.Namespace) -> str:
    """The repository key of ``--repo`` or of the current folder."""
    folder = getattr(args, "repo", None)
    if folder is not None and not Path(folder).is_dir():
        raise UserError(f"no such folder: {folder}", hint="--repo takes a repository's folder")
    return repo_key(None if folder is None else Path(folder))


def find_run(store: Store, repo: str, text: str) -> RunDetail:
    """The run numbered ``text`` (``7``, ``#7``, ``latest``/``last``) in ``repo``."""
    if text.lower() in LATEST:
        latest = store.list_runs(repo, 1)
        if not latest:
            raise UserError(f"no runs in {repo}", hint="`shipyard run` starts one")
        run_id = latest[0].id
    else:
        try:
            number = int(text.removeprefix("#"))
        except ValueError:
            raise UserError(
                f"bad run {text!r}", hint="pass a run number from `shipyard runs`, or latest"
            ) from None
        found = store.lookup_run(repo, number)
        if found is None:
            raise UserError(f"no run {number} in {repo}", hint="`shipyard runs` lists them")
        run_id = found
    try:
        return store.get_run(run_id)
    except RecordNotFound:  # deleted between the two reads
        raise UserError(f"no run {text} in {repo}", hint="`shipyard runs` lists them") from None


def is_interrupted(run: RunRecord) -> bool:
    """A run not completed whose process is gone."""
    return run.status != "completed" and run.pid is not None and not pid_alive(run.pid)


def run_state(run: RunRecord) -> str:
    """The one word for a run: its conclusion, its status, or ``interrupted``."""
    if is_interrupted(run):
        return "interrupted"
    return run.conclusion or run.status


def pid_alive(pid: int) -> bool:
    """Whether a process with that id exists on this machine (True when it cannot tell)."""
    if os.name == "nt":  # os.kill would terminate the process there
        return True
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except OSError:  # EPERM: it exists, and belongs to someone else
        return True
    return True


def render_duration(seconds: float | None) -> str:
    """``45s``, ``2m 5s``, ``1h 3m``; ``-`` when unknown."""
    if seconds is None:
        return "-"
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m {secs}s" if minutes else f"{secs}s"


def render_time(moment: datetime | None) -> str:
    """Local time, to the second: ``2024-05-01 14:00:00``."""
    return "-" if moment is None else moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def render_table(header: list[str], rows: list[list[str]]) -> list[str]:
    """Columns padded to their widest cell, two spaces apart, no trailing spaces."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]


def utc_text(moment: datetime | None) -> str | None:
    """A timestamp for JSON output: ISO-8601 UTC with ``Z``."""
    if moment is None:
        return None
    return moment.isoformat().replace("+00:00", "Z")


def run_json(run: RunRecord) -> dict[str, object]:
    """A run as a JSON object."""
    return {
        "id": run.id,
        "number": run.number,
        "repo": run.repo,
        "event": run.event,
        "ref": run.ref,
        "sha": run.sha,
        "status": run.status,
        "conclusion": run.conclusion,
        "result": run_state(run),
        "interrupted": is_interrupted(run),
        "workflows": list(run.workflow_names),
        "started_at": utc_text(run.started_at),
        "completed_at": utc_text(run.completed_at),
        "duration": run.duration,
        "pid": run.pid,
    }
