"""The schema of ``shipyard.db`` and its forward migrations.

:data:`MIGRATIONS` is a list of SQL scripts, applied in order; the ``schema_version`` table
holds how many were applied. A schema change is a new script appended to the list, never
an edit of an old one. :func:`connect` applies the missing scripts in one
``BEGIN IMMEDIATE`` transaction, so two processes opening a fresh data dir at once do not
both migrate, and refuses a database written by a newer Shipyard.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path

from shipyard.errors import UserError

BUSY_SECONDS = 30.0
"""How long a connection waits for another process's lock before giving up."""

MIGRATIONS: list[str] = [
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT, repo TEXT NOT NULL, number INTEGER NOT NULL,
        event TEXT NOT NULL, ref TEXT NOT NULL, sha TEXT NOT NULL,
        status TEXT NOT NULL, conclusion TEXT, started_at TEXT NOT NULL, completed_at TEXT,
        pid INTEGER, UNIQUE (repo, number));
    CREATE TABLE workflows (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        path TEXT NOT NULL, name TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'queued', conclusion TEXT, started_at TEXT, completed_at TEXT);
    CREATE TABLE jobs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        workflow_id INTEGER NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
        job_key TEXT NOT NULL, job_id TEXT NOT NULL, name TEXT NOT NULL, matrix TEXT,
        status TEXT NOT NULL DEFAULT 'queued', conclusion TEXT, started_at TEXT, completed_at TEXT,
        outputs TEXT, runner TEXT, skip_reason TEXT);
    CREATE TABLE steps (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        job_pk INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        number INTEGER NOT NULL, step_id TEXT NOT NULL, name TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'queued', outcome TEXT, conclusion TEXT,
        started_at TEXT, completed_at TEXT, UNIQUE (job_pk, number));
    CREATE TABLE annotations (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        job_pk INTEGER REFERENCES jobs (id) ON DELETE CASCADE,
        level TEXT NOT NULL, message TEXT NOT NULL,
        file TEXT, line INTEGER, col INTEGER, title TEXT);
    CREATE INDEX workflows_by_run ON workflows (run_id);
    CREATE INDEX jobs_by_run ON jobs (run_id);
    CREATE INDEX steps_by_job ON steps (job_pk);
    CREATE INDEX annotations_by_run ON annotations (run_id);
    """,
    """
    ALTER TABLE jobs ADD COLUMN environment TEXT;
    ALTER TABLE jobs ADD COLUMN environment_url TEXT;
    """,
]


def connect(database: Path, migrations: Sequence[str] = MIGRATIONS) -> sqlite3.Connection:
    """Open (creating) the database in WAL mode and bring its schema up to date.

    A folder that cannot hold it (a file in the way, read-only, full) or a file that is
    not Shipyard's database is a :class:`~shipyard.errors.UserError` naming the path.
    """
    try:
        return _connect(database, migrations)
    except OSError as error:
        blocked = next(
            (p for p in (database.parent, *database.parent.parents) if p.is_file()), None
        )
        why = f"{blocked} is a file, not a folder" if blocked else error.strerror or str(error)
        raise UserError(
            f"cannot keep Shipyard's records in {database.parent}: {why}", hint=_WHERE_HINT
        ) from None
    except sqlite3.DatabaseError as error:
        if not any(words in str(error) for words in _FILE_PROBLEMS):
            raise  # a bug (say, in a migration), not the user's folder
        raise UserError(
            f"cannot open Shipyard's records {database}: {error}", hint=_hint(error)
        ) from None


# SQLite's words for a database file or folder it cannot use
_FILE_PROBLEMS = ("not a database", "malformed", "unable to open", "full", "readonly", "I/O")


_WHERE_HINT = "point SHIPYARD_HOME at a folder Shipyard can write to"


def _hint(error: sqlite3.DatabaseError) -> str:
    text = str(error)
    if "not a database" in text or "malformed" in text:
        return "move the file aside (Shipyard starts new records), or point SHIPYARD_HOME elsewhere"
    if "full" in text:
        return "free some space, or point SHIPYARD_HOME at another disk"
    return _WHERE_HINT


def _connect(database: Path, migrations: Sequence[str]) -> sqlite3.Connection:
    database.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(
        database, timeout=BUSY_SECONDS, isolation_level=None, check_same_thread=False
    )
    try:
        use_wal(conn)
        # Safe with WAL: a power cut can lose only the last commits, never corrupt.
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        apply_migrations(conn, migrations, database)
    except BaseException:
        conn.close()
        raise
    return conn


def use_wal(conn: sqlite3.Connection) -> None:
    """Switch the database to WAL, waiting out other processes doing the same.

    The switch needs an exclusive lock, and SQLite answers "database is locked" at once,
    without its busy handler, when two connections race for it on a fresh file (each holds
    the shared lock the other must wait for). So the switch is retried, as the busy handler
    would have, for up to :data:`BUSY_SECONDS`.
    """
    deadline = time.monotonic() + BUSY_SECONDS
    pause = 0.001
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                return
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.05)


def apply_migrations(conn: sqlite3.Connection, migrations: Sequence[str], where: Path) -> int:
    """Apply the scripts not yet applied, in order, atomically; returns the schema version."""
    if _applied(conn) == len(migrations):  # the usual case: a read, no write lock
        return len(migrations)
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = conn.execute("SELECT version FROM schema_version").fetchone()
        if row is None:
            conn.execute("INSERT INTO schema_version (version) VALUES (0)")
        version = 0 if row is None else int(row[0])
        if version > len(migrations):
            raise UserError(
                f"{where}: records written by a newer Shipyard "
                f"(schema {version}, this one knows {len(migrations)})",
                hint="upgrade Shipyard, or point SHIPYARD_HOME at another folder",
            )
        for number in range(version, len(migrations)):
            for statement in split_statements(migrations[number]):
                conn.execute(statement)
        conn.execute("UPDATE schema_version SET version = ?", (len(migrations),))
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return len(migrations)


def split_statements(script: str) -> list[str]:
    """The complete SQL statements of a script (``;`` inside strings or triggers is kept)."""
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        raise ValueError(f"incomplete SQL statement in migration: {pending.strip()[:60]}")
    return statements


def _applied(conn: sqlite3.Connection) -> int | None:
    """The schema version, or None before the first migration created the table."""
    try:
        row = conn.execute("SELECT version FROM schema_version").fetchone()
    except sqlite3.OperationalError:
        return None
    return None if row is None else int(row[0])
