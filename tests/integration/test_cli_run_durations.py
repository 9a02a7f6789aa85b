"""`shipyard run` weighs each job by its time in the repository's previous run (real store)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from shipyard.cli.run import _previous_durations
from shipyard.store import open_store

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def test_durations_come_from_the_previous_run_of_the_same_repository(tmp_path: Path) -> None:
    store = open_store(tmp_path / "home")
    try:
        first = store.create_run("/repo", "pull_request", "refs/heads/x", "abc", T0)
        tests = store.add_workflow(first, ".github/workflows/1-tests.yml", "Tests")
        bench = store.add_workflow(first, ".github/workflows/3-performance.yml", "Performance")
        for index, seconds in enumerate((3.0, 5.0)):  # a matrix: its longest leg counts
            pk = store.add_job(first, tests, f"0:test#{index}", "test", "test", {"i": index})
            store.update_job(
                pk,
                status="completed",
                conclusion="success",
                started_at=T0,
                completed_at=T0 + timedelta(seconds=seconds),
            )
        pk = store.add_job(first, bench, "1:benchmark#0", "benchmark", "benchmark", None)
        store.update_job(
            pk,
            status="completed",
            conclusion="success",
            started_at=T0,
            completed_at=T0 + timedelta(seconds=9),
        )
        store.add_job(first, tests, "0:skipped#0", "skipped", "skipped", None)  # never ran
        store.finish_run(first, "success", T0 + timedelta(seconds=10))
        store.create_run("/elsewhere", "push", "refs/heads/main", "def", T0)
        current = store.create_run("/repo", "pull_request", "refs/heads/x", "abc", T0)
        assert _previous_durations(store, "/repo", current) == {
            (".github/workflows/1-tests.yml", "test"): 5.0,
            (".github/workflows/3-performance.yml", "benchmark"): 9.0,
        }
        assert (
            _previous_durations(store, "/new", store.create_run("/new", "push", "", "", T0)) == {}
        )
    finally:
        store.close()
