"""The file side of the store: job logs, step summaries and artifacts under the data dir.

Logs are plain UTF-8 text, one output line per line, appended as the job runs so that
``shipyard logs`` can read a job that is still going. Appends are serialised by a lock
(the engine writes from one thread per job, and several jobs share a store) and each
append opens, writes and closes the file, so nothing is buffered when a run dies.
Paths handed to processes (summaries, artifacts) have their folders created; the log path
is only computed, since logs are written through :meth:`BlobStore.append_log`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path

from shipyard.store import paths


class BlobStore:
    """Logs, summaries and artifacts of runs, as files under ``home``."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self._log_lock = threading.Lock()

    def job_log_path(self, run_id: int, job_pk: int) -> Path:
        """Where the job's log is (the file exists once a line was appended)."""
        return paths.job_log_file(self.home, run_id, job_pk)

    def append_log(self, run_id: int, job_pk: int, lines: Iterable[str]) -> None:
        """Append output lines (a trailing newline on a line is dropped, not doubled)."""
        text = "".join(_line(line) for line in lines)
        if not text:
            return
        path = self.job_log_path(run_id, job_pk)
        with self._log_lock:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8", errors="surrogateescape", newline="") as f:
                f.write(text)

    def read_log(self, run_id: int, job_pk: int) -> list[str]:
        """The lines appended so far (empty when none were)."""
        return read_log_file(self.job_log_path(run_id, job_pk))

    def summary_path(self, run_id: int, job_pk: int, step_number: int) -> Path:
        """The step's summary file; its folder exists, the file is the step's to write."""
        path = paths.summary_file(self.home, run_id, job_pk, step_number)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def artifacts_dir(self, run_id: int) -> Path:
        """The run's artifacts folder, created if needed."""
        path = paths.artifacts_folder(self.home, run_id)
        path.mkdir(parents=True, exist_ok=True)
        return path


def read_log_file(path: Path) -> list[str]:
    """The lines of a log file; a missing file has none. Only ``\\n`` ends a line."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    text = data.decode("utf-8", errors="replace")
    if not text:
        return []
    return text.removesuffix("\n").split("\n")


def _line(line: str) -> str:
    return line.removesuffix("\n") + "\n"
