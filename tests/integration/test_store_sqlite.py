"""The SQLite store on disk: files, migrations, several connections and processes, paths."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest

from shipyard.errors import UserError
from shipyard.store import open_store
from shipyard.store.migrations import MIGRATIONS, connect, split_statements, use_wal
from shipyard.store.paths import data_home, repo_key
from shipyard.store.sql import SqlStore

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


def test_layout_and_files(tmp_path: Path) -> None:
    with SqlStore(tmp_path) as store:
        run_id = store.create_run("/r", "push", "refs/heads/main", "abc", T0)
        job = store.add_job(run_id, store.add_workflow(run_id, "w.yml", "W"), "a", "a", "a", None)
        store.append_log(run_id, job, ["héllo", "wörld\n"])
        log = store.job_log_path(run_id, job)
        assert log == tmp_path / "runs" / str(run_id) / "logs" / f"{job}.log"
        assert log.read_bytes() == "héllo\nwörld\n".encode()
        summary = store.summary_path(run_id, job, 3)
        assert summary == tmp_path / "runs" / str(run_id) / "summaries" / f"{job}-3.md"
        assert summary.parent.is_dir() and not summary.exists()
        assert store.artifacts_dir(run_id) == tmp_path / "runs" / str(run_id) / "artifacts"
        assert store.artifacts_dir(run_id).is_dir()
    assert (tmp_path / "shipyard.db").is_file()


def test_a_log_with_bad_bytes_reads_with_replacement(tmp_path: Path) -> None:
    with SqlStore(tmp_path) as store:
        path = store.job_log_path(1, 1)
        path.parent.mkdir(parents=True)
        path.write_bytes(b"ok\n\xff\xfe\n")
        assert store.read_log(1, 1) == ["ok", "\ufffd\ufffd"]


def test_records_survive_reopening(tmp_path: Path) -> None:
    with SqlStore(tmp_path) as store:
        run_id = store.create_run("/r", "push", "r", "s", T0, pid=7)
        store.finish_run(run_id, "success", T0)
    with SqlStore(tmp_path) as store:
        run = store.get_run(run_id).run
        assert (run.conclusion, run.pid, run.started_at) == ("success", 7, T0)
        assert store.create_run("/r", "push", "r", "s", T0) == run_id + 1


def test_wal_mode_and_schema_version(tmp_path: Path) -> None:
    SqlStore(tmp_path).close()
    conn = sqlite3.connect(tmp_path / "shipyard.db")
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("SELECT version FROM schema_version").fetchall() == [(len(MIGRATIONS),)]
    finally:
        conn.close()


def test_switching_to_wal_outwaits_a_lock_sqlite_reports_at_once(tmp_path: Path) -> None:
    # A connection without a busy timeout stands in for the race SQLite's busy handler
    # does not cover: its switch fails at once while another process holds the lock.
    database = tmp_path / "fresh.db"
    holder = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    waiting = sqlite3.connect(database, timeout=0, isolation_level=None, check_same_thread=False)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        waiting.execute("PRAGMA journal_mode = WAL")
    release = threading.Timer(0.2, holder.execute, ("COMMIT",))
    release.start()
    try:
        use_wal(waiting)
        assert waiting.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        release.join()
        waiting.close()
        holder.close()


def test_a_new_migration_is_applied_once_and_keeps_data(tmp_path: Path) -> None:
    with SqlStore(tmp_path) as store:
        store.create_run("/r", "push", "r", "s", T0)
    later = [*MIGRATIONS, "ALTER TABLE runs ADD COLUMN note TEXT DEFAULT 'x;y';"]
    for _ in range(2):
        conn = connect(tmp_path / "shipyard.db", later)
        assert conn.execute("SELECT number, note FROM runs").fetchall() == [(1, "x;y")]
        assert conn.execute("SELECT version FROM schema_version").fetchone() == (len(later),)
        conn.close()


def test_records_of_the_first_schema_read_on_after_the_environment_columns(
    tmp_path: Path,
) -> None:
    connect(tmp_path / "shipyard.db", MIGRATIONS[:1]).close()  # a Shipyard of schema 1
    with SqlStore(tmp_path) as store:
        run_id = store.create_run("/r", "push", "r", "s", T0)
        job = store.add_job(run_id, store.add_workflow(run_id, "w.yml", "W"), "a", "a", "a", None)
        (record,) = store.get_run(run_id).jobs
        assert (record.environment, record.environment_url) == (None, None)
        store.update_job(job, status="in_progress", environment="staging")
        (record,) = store.get_run(run_id).jobs
        assert record.environment == "staging"


def test_a_failed_migration_changes_nothing(tmp_path: Path) -> None:
    SqlStore(tmp_path).close()
    broken = [*MIGRATIONS, "CREATE TABLE extra (a INTEGER);\nINSERT INTO nowhere VALUES (1);"]
    with pytest.raises(sqlite3.OperationalError, match="no such table: nowhere"):
        connect(tmp_path / "shipyard.db", broken)
    conn = sqlite3.connect(tmp_path / "shipyard.db")
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    assert "extra" not in tables


def test_a_newer_database_is_refused(tmp_path: Path) -> None:
    SqlStore(tmp_path).close()
    conn = sqlite3.connect(tmp_path / "shipyard.db")
    with conn:
        conn.execute("UPDATE schema_version SET version = 99")
    conn.close()
    with pytest.raises(UserError) as err:
        SqlStore(tmp_path)
    assert err.value.render() == (
        f"{tmp_path / 'shipyard.db'}: records written by a newer Shipyard "
        f"(schema 99, this one knows {len(MIGRATIONS)})\n\n"
        "hint: upgrade Shipyard, or point SHIPYARD_HOME at another folder"
    )


def test_split_statements_keeps_semicolons_in_strings_and_triggers() -> None:
    script = """
    CREATE TABLE a (x TEXT DEFAULT 'p;q');
    CREATE TRIGGER t AFTER INSERT ON a BEGIN
        UPDATE a SET x = 'r;s';
    END;
    """
    statements = split_statements(script)
    assert len(statements) == 2
    assert statements[1].endswith("END;")
    with pytest.raises(ValueError, match=r"^incomplete SQL statement in migration: SELECT 1$"):
        split_statements("SELECT 1")


def test_two_connections_number_runs_without_gaps(tmp_path: Path) -> None:
    with SqlStore(tmp_path) as one, SqlStore(tmp_path) as two:
        ids = [(one if n % 2 else two).create_run("/r", "push", "r", "s", T0) for n in range(6)]
        assert [one.get_run(i).run.number for i in ids] == [1, 2, 3, 4, 5, 6]
        assert two.lookup_run("/r", 6) == ids[-1]


def test_processes_number_runs_without_duplicates(tmp_path: Path) -> None:
    # Processes opening a fresh data dir at once race to switch it to WAL and to migrate
    # it; each round starts from nothing, so the race is run several times.
    code = (
        "import sys; from datetime import datetime, timezone; from pathlib import Path\n"
        "from shipyard.store import open_store\n"
        "s = open_store(Path(sys.argv[1]))\n"
        "for _ in range(5): s.create_run('/r', 'push', 'r', 's', datetime.now(timezone.utc))\n"
    )
    for round_ in range(3):
        home = tmp_path / str(round_)
        procs = [
            subprocess.Popen([sys.executable, "-c", code, str(home)], stderr=subprocess.PIPE)
            for _ in range(6)
        ]
        errors = [proc.communicate(timeout=60)[1].decode() for proc in procs]
        assert [proc.returncode for proc in procs] == [0] * 6, "\n".join(errors)
        with SqlStore(home) as store:
            numbers = sorted(r.number for r in store.list_runs("/r", limit=None))
        assert numbers == list(range(1, 31))


def test_threads_appending_to_one_log_never_mix_lines(tmp_path: Path) -> None:
    with SqlStore(tmp_path) as store:

        def write(n: int) -> None:
            for i in range(50):
                store.append_log(1, 1, [f"{n}-{i}-" + "x" * 200])

        threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        lines = store.read_log(1, 1)
    assert len(lines) == 300
    assert sorted(lines) == sorted(f"{n}-{i}-" + "x" * 200 for n in range(6) for i in range(50))


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"SHIPYARD_HOME": "/data/sy", "XDG_DATA_HOME": "/xdg", "HOME": "/h"}, "/data/sy"),
        ({"SHIPYARD_HOME": "", "XDG_DATA_HOME": "/xdg", "HOME": "/h"}, "/xdg/shipyard"),
        ({"XDG_DATA_HOME": "relative", "HOME": "/h"}, "/h/.local/share/shipyard"),
        ({"HOME": "/h"}, "/h/.local/share/shipyard"),
    ],
)
def test_data_home(environ: dict[str, str], expected: str) -> None:
    assert data_home(environ) == Path(expected)


def test_open_store_uses_shipyard_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHIPYARD_HOME", str(tmp_path / "home"))
    open_store().close()
    assert (tmp_path / "home" / "shipyard.db").is_file()


def test_repo_key_is_the_git_top_level_or_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    repo = tmp_path / "repo"
    (repo / "src" / "pkg").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    assert repo_key(repo / "src" / "pkg") == str(repo.resolve())
    plain = tmp_path / "plain"
    plain.mkdir()
    assert repo_key(plain) == str(plain.resolve())


def test_a_home_that_cannot_hold_the_records_is_a_user_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    for home in (blocker, blocker / "sub"):
        with pytest.raises(UserError) as caught:
            SqlStore(home)
        assert caught.value.message == (
            f"cannot keep Shipyard's records in {home}: {blocker} is a file, not a folder"
        )
        assert caught.value.hint == "point SHIPYARD_HOME at a folder Shipyard can write to"


def test_a_file_that_is_not_the_database_is_named_and_left_alone(tmp_path: Path) -> None:
    (tmp_path / "shipyard.db").write_bytes(b"not sqlite at all" * 100)
    with pytest.raises(UserError) as caught:
        SqlStore(tmp_path)
    assert caught.value.message == (
        f"cannot open Shipyard's records {tmp_path / 'shipyard.db'}: file is not a database"
    )
    assert caught.value.hint.startswith("move the file aside")
    assert (tmp_path / "shipyard.db").read_bytes() == b"not sqlite at all" * 100
