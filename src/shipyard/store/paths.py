"""Where the records live: the data directory, its layout, and the repository key.

The data directory is ``$SHIPYARD_HOME``, else ``$XDG_DATA_HOME/shipyard``, else
``~/.local/share/shipyard`` (an empty or relative ``XDG_DATA_HOME`` is ignored, as the XDG
spec says). Inside it::

    shipyard.db                              runs, workflows, jobs, steps, annotations
    runs/<run id>/logs/<job pk>.log          one log per job, a line per output line
    runs/<run id>/summaries/<job pk>-<n>.md  the step summary of step n
    runs/<run id>/artifacts/                 the run's artifacts

Runs are filed under their repository: the absolute path of the git work tree's top (or of
the folder itself outside git), as :func:`repo_key` computes it. The engine and the
commands that read runs must both use it, so that ``shipyard runs`` finds what
``shipyard run`` wrote.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from shipyard.repository import git_output

DATABASE_NAME = "shipyard.db"


def data_home(environ: Mapping[str, str] | None = None) -> Path:
    """The data directory chosen by the environment (not created)."""
    env = os.environ if environ is None else environ
    if env.get("SHIPYARD_HOME"):
        return Path(env["SHIPYARD_HOME"]).expanduser().absolute()
    xdg = env.get("XDG_DATA_HOME", "")
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "shipyard"
    home = env.get("HOME")
    base = Path(home) if home else Path.home()
    return base / ".local" / "share" / "shipyard"


def database_path(home: Path) -> Path:
    """The SQLite file inside a data directory."""
    return home / DATABASE_NAME


def run_dir(home: Path, run_id: int) -> Path:
    """The folder of one run's files."""
    return home / "runs" / str(run_id)


def job_log_file(home: Path, run_id: int, job_pk: int) -> Path:
    """The log file of one job."""
    return run_dir(home, run_id) / "logs" / f"{job_pk}.log"


def summary_file(home: Path, run_id: int, job_pk: int, step_number: int) -> Path:
    """The step summary file of one step (``GITHUB_STEP_SUMMARY``)."""
    return run_dir(home, run_id) / "summaries" / f"{job_pk}-{step_number}.md"


def artifacts_folder(home: Path, run_id: int) -> Path:
    """The artifacts folder of one run."""
    return run_dir(home, run_id) / "artifacts"


def repo_key(start: Path | None = None) -> str:
    """The repository a run belongs to: the git top level of ``start`` (default: the current
    folder), or the folder itself when it is not in a git work tree; absolute, symlinks
    resolved."""
    folder = (start or Path.cwd()).resolve()
    top = git_output("rev-parse", "--show-toplevel", cwd=folder)
    return str(Path(top).resolve()) if top else str(folder)
