"""The Store contract: the SQLite store (in tmp_path) and the in-memory fake behave alike."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from shipyard.store import Store
from shipyard.store.records import (
    Annotation,
    JobRecord,
    RecordNotFound,
    RunRecord,
    StepRecord,
    WorkflowRecord,
)
from shipyard.store.sql import SqlStore
from shipyard.testing.fake_store import FakeStore

T0 = datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=timezone.utc)
REPO = "/src/app"


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@pytest.fixture(params=["sql", "fake"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    made: Store = SqlStore(tmp_path / "home") if request.param == "sql" else FakeStore()
    yield made
    made.close()


def new_run(store: Store, repo: str = REPO, pid: int | None = None) -> int:
    return store.create_run(repo, "push", "refs/heads/main", "abc123", T0, pid=pid)


def test_a_new_run_is_in_progress_and_numbered_per_repository(store: Store) -> None:
    a1, b1, a2 = new_run(store), new_run(store, "/src/other"), new_run(store, pid=42)
    assert a1 < b1 < a2
    numbers = {r.id: r.number for r in store.list_runs(None)}
    assert numbers == {a1: 1, b1: 1, a2: 2}
    run = store.get_run(a2).run
    assert run == RunRecord(
        a2, 2, REPO, "push", "refs/heads/main", "abc123", "in_progress", None, T0, None, 42
    )


def test_timestamps_come_back_in_utc(store: Store) -> None:
    plus_two = timezone(timedelta(hours=2))
    run_id = store.create_run(REPO, "push", "r", "s", datetime(2024, 5, 1, 14, 0, tzinfo=plus_two))
    started = store.get_run(run_id).run.started_at
    assert (started, started.tzinfo) == (
        datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc),
        timezone.utc,
    )


def test_naive_timestamps_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match=r"^naive datetime 2024-05-01T12:00:00: pass an aware"):
        store.create_run(REPO, "push", "r", "s", datetime(2024, 5, 1, 12, 0))


def test_finish_run(store: Store) -> None:
    run_id = new_run(store)
    store.finish_run(run_id, "failure", at(65))
    run = store.get_run(run_id).run
    assert (run.status, run.conclusion, run.completed_at, run.duration) == (
        "completed",
        "failure",
        at(65),
        65.0,
    )


def test_the_whole_tree_reads_back(store: Store) -> None:
    run_id = new_run(store)
    wf = store.add_workflow(run_id, ".github/workflows/ci.yml", "CI")
    store.update_workflow(wf, status="in_progress", started_at=at(0))
    job = store.add_job(run_id, wf, "test (3.12)", "test", "test (3.12)", {"python": "3.12"})
    other = store.add_job(run_id, wf, "deploy", "deploy", "Deploy", None)
    step = store.add_step(job, 1, "checkout", "Checkout")
    store.update_job(job, status="in_progress", started_at=at(1), runner="host")
    store.update_step(step, status="in_progress", started_at=at(1))
    store.update_step(step, status="completed", conclusion="success", completed_at=at(3))
    store.update_job(
        job, status="completed", conclusion="success", completed_at=at(4), outputs={"v": "1"}
    )
    store.update_job(other, status="in_progress", environment="production")
    store.update_job(other, status="completed", conclusion="skipped", skip_reason="needs failed")
    store.update_job(
        job, status="completed", conclusion="success", environment_url="https://example.test"
    )
    store.update_workflow(wf, status="completed", conclusion="success", completed_at=at(5))
    note = store.add_annotation(run_id, job, "error", "boom", file="a.py", line=3, col=7, title="T")
    detail = store.get_run(run_id)
    assert detail.run.workflow_names == ("CI",)
    assert detail.workflows == (
        WorkflowRecord(
            wf, run_id, ".github/workflows/ci.yml", "CI", "completed", "success", at(0), at(5)
        ),
    )
    assert detail.jobs == (
        JobRecord(
            job, run_id, wf, "test (3.12)", "test", "test (3.12)", {"python": "3.12"},
            "completed", "success", at(1), at(4), {"v": "1"}, "host", None,
            None, "https://example.test",
        ),
        JobRecord(
            other, run_id, wf, "deploy", "deploy", "Deploy", None,
            "completed", "skipped", None, None, None, None, "needs failed", "production",
        ),
    )  # fmt: skip
    assert detail.steps == (
        StepRecord(
            step, job, 1, "checkout", "Checkout", "completed", "success", "success", at(1), at(3)
        ),
    )
    assert detail.annotations == (
        Annotation(note, run_id, job, "error", "boom", "a.py", 3, 7, "T"),
    )
    assert detail.jobs_of(wf) == detail.jobs
    assert detail.jobs[0].duration == 3.0


def test_update_leaves_unset_fields_alone(store: Store) -> None:
    run_id = new_run(store)
    job = store.add_job(run_id, store.add_workflow(run_id, "w.yml", "W"), "a", "a", "a", None)
    store.update_job(job, status="in_progress", started_at=at(1), runner="r1", outputs={"x": "1"})
    store.update_job(job, status="completed", conclusion="cancelled")
    got = store.get_run(run_id).jobs[0]
    assert (got.started_at, got.runner, got.outputs, got.conclusion) == (
        at(1),
        "r1",
        {"x": "1"},
        "cancelled",
    )


def test_steps_keep_outcome_and_conclusion_apart(store: Store) -> None:
    run_id = new_run(store)
    job = store.add_job(run_id, store.add_workflow(run_id, "w.yml", "W"), "a", "a", "a", None)
    lenient = store.add_step(job, 2, "lint", "Lint")
    plain = store.add_step(job, 1, "", "Run make")
    store.update_step(lenient, status="completed", outcome="failure", conclusion="success")
    store.update_step(plain, status="completed", conclusion="skipped")
    steps = store.get_run(run_id).steps_of(job)
    assert [(s.number, s.outcome, s.conclusion) for s in steps] == [
        (1, "skipped", "skipped"),
        (2, "failure", "success"),
    ]


def test_a_step_number_twice_is_refused(store: Store) -> None:
    run_id = new_run(store)
    job = store.add_job(run_id, store.add_workflow(run_id, "w.yml", "W"), "a", "a", "a", None)
    store.add_step(job, 1, "a", "A")
    with pytest.raises(ValueError, match=r"^job \d+ already has a step 1$"):
        store.add_step(job, 1, "b", "B")


@pytest.mark.parametrize(
    ("status", "conclusion", "message"),
    [
        ("done", None, "job {pk}: unknown status 'done' (expected completed, in_progress, queued)"),
        (
            "completed",
            "neutral",
            "job {pk}: unknown conclusion 'neutral' "
            "(expected cancelled, failure, skipped, success)",
        ),
        ("completed", None, "job {pk}: a completed record needs a conclusion"),
        ("in_progress", "success", "job {pk}: only a completed record has a conclusion or outcome"),
    ],
)
def test_bad_status_words_are_refused(
    store: Store, status: str, conclusion: str | None, message: str
) -> None:
    run_id = new_run(store)
    job = store.add_job(run_id, store.add_workflow(run_id, "w.yml", "W"), "a", "a", "a", None)
    with pytest.raises(ValueError) as err:
        store.update_job(job, status=status, conclusion=conclusion)
    assert str(err.value) == message.format(pk=job)
    assert store.get_run(run_id).jobs[0].status == "queued"


def test_unknown_ids(store: Store) -> None:
    run_id = new_run(store)
    wf = store.add_workflow(run_id, "w.yml", "W")
    cases = [
        (lambda: store.get_run(999), "no run 999"),
        (lambda: store.add_workflow(999, "w.yml", "W"), "no run 999"),
        (lambda: store.add_job(run_id, 999, "a", "a", "a", None), "no workflow 999"),
        (lambda: store.update_workflow(999, status="queued"), "no workflow 999"),
        (lambda: store.update_job(999, status="queued"), "no job 999"),
        (lambda: store.add_step(999, 1, "a", "A"), "no job 999"),
        (lambda: store.update_step(999, status="queued"), "no step 999"),
        (lambda: store.finish_run(999, "success", at(1)), "no run 999"),
        (lambda: store.add_annotation(999, None, "notice", "m"), "no run 999"),
        (lambda: store.add_annotation(run_id, 999, "notice", "m"), "no job 999"),
    ]
    for call, message in cases:
        with pytest.raises(RecordNotFound) as err:
            call()
        assert err.value.args == (message,)
    assert store.get_run(run_id).workflows[0].id == wf


def test_children_must_belong_to_the_run(store: Store) -> None:
    first, second = new_run(store), new_run(store)
    wf = store.add_workflow(first, "w.yml", "W")
    with pytest.raises(
        ValueError, match=rf"^workflow {wf} is in run {first}, not in run {second}$"
    ):
        store.add_job(second, wf, "a", "a", "a", None)
    job = store.add_job(first, wf, "a", "a", "a", None)
    with pytest.raises(ValueError, match=rf"^job {job} is in run {first}, not in run {second}$"):
        store.add_annotation(second, job, "error", "m")


def test_annotations(store: Store) -> None:
    run_id = new_run(store)
    with pytest.raises(ValueError, match=r"^unknown annotation level 'info' \(expected error, "):
        store.add_annotation(run_id, None, "info", "m")
    pk = store.add_annotation(run_id, None, "warning", "two\nlines")
    assert store.get_run(run_id).annotations == (
        Annotation(pk, run_id, None, "warning", "two\nlines"),
    )


def test_list_runs_newest_first_with_workflow_names(store: Store) -> None:
    ids = [new_run(store, repo) for repo in (REPO, "/other", REPO, REPO)]
    store.add_workflow(ids[2], "a.yml", "A")
    store.add_workflow(ids[2], "b.yml", "B")
    assert [r.id for r in store.list_runs(REPO)] == [ids[3], ids[2], ids[0]]
    assert [r.id for r in store.list_runs()] == ids[::-1]
    assert [r.id for r in store.list_runs(REPO, limit=2)] == [ids[3], ids[2]]
    assert store.list_runs(REPO, limit=0) == []
    assert store.list_runs("/nowhere") == []
    assert store.list_runs(REPO)[1].workflow_names == ("A", "B")
    with pytest.raises(ValueError, match=r"^limit must be 0 or more, not -1$"):
        store.list_runs(REPO, limit=-1)


def test_lookup_run_by_number(store: Store) -> None:
    first, _, third = new_run(store), new_run(store, "/other"), new_run(store)
    assert (store.lookup_run(REPO, 1), store.lookup_run(REPO, 2)) == (first, third)
    assert (store.lookup_run(REPO, 3), store.lookup_run("/other", 2)) == (None, None)


def test_logs_append_and_read_back(store: Store) -> None:
    run_id = new_run(store)
    wf = store.add_workflow(run_id, "w.yml", "W")
    a, b = (store.add_job(run_id, wf, k, k, k, None) for k in ("a", "b"))
    assert store.read_log(run_id, a) == []
    store.append_log(run_id, a, ["one\n", "", "carriage\r"])
    store.append_log(run_id, a, [])
    store.append_log(run_id, a, iter(["two"]))
    store.append_log(run_id, b, ["other"])
    assert store.read_log(run_id, a) == ["one", "", "carriage\r", "two"]
    assert store.read_log(run_id, b) == ["other"]


def test_paths_are_distinct_per_run_job_and_step(store: Store) -> None:
    assert store.job_log_path(1, 2) != store.job_log_path(1, 3) != store.job_log_path(2, 2)
    assert store.job_log_path(1, 2) == store.job_log_path(1, 2)
    summaries = {store.summary_path(r, j, n) for r in (1, 2) for j in (1, 2) for n in (1, 2)}
    assert len(summaries) == 8
    assert store.artifacts_dir(1) != store.artifacts_dir(2)
    assert store.job_log_path(1, 2).parts[:-2] == store.artifacts_dir(1).parts[:-1]


def test_threads_can_write_at_once(store: Store) -> None:
    run_id = new_run(store)
    wf = store.add_workflow(run_id, "w.yml", "W")

    def work(n: int) -> None:
        job = store.add_job(run_id, wf, f"j{n}", "j", f"J {n}", {"n": n})
        for number in range(1, 6):
            step = store.add_step(job, number, f"s{number}", "S")
            store.update_step(step, status="completed", conclusion="success")
            store.append_log(run_id, job, [f"{n}:{number}"])
        store.update_job(job, status="completed", conclusion="success")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    detail = store.get_run(run_id)
    assert sorted(j.job_key for j in detail.jobs) == [f"j{n}" for n in range(8)]
    assert len(detail.steps) == 40
    for job in detail.jobs:
        assert store.read_log(run_id, job.pk) == [f"{job.job_key[1:]}:{i}" for i in range(1, 6)]
