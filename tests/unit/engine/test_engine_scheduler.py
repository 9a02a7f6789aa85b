"""The scheduler's state machine, driven by scripted jobs (no processes)."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping

from shipyard.backends.base import CancelToken
from shipyard.engine.scheduler import (
    Instance,
    InstanceResult,
    Node,
    NodeResult,
    Preparation,
    Scheduler,
)


class Script:
    """Jobs that record their start/end order and finish when released (or at once)."""

    def __init__(self, results: Mapping[str, str] | None = None, hold: set[str] | None = None):
        self.results = dict(results or {})
        self.hold = hold or set()
        self.release: dict[str, threading.Event] = {}
        self.log: list[str] = []
        self.lock = threading.Lock()
        self.running = 0
        self.max_running = 0

    def run(self, instance: Instance, cancel: CancelToken) -> InstanceResult:
        name = f"{instance.node_key}#{instance.index}"
        with self.lock:
            self.log.append("start " + name)
            self.running += 1
            self.max_running = max(self.max_running, self.running)
            gate = self.release.setdefault(name, threading.Event())
        try:
            if instance.node_key in self.hold or name in self.hold:
                while not gate.wait(0.005):
                    if cancel.cancelled:
                        return InstanceResult("cancelled")
            else:
                time.sleep(0.01)
            if cancel.cancelled:
                return InstanceResult("cancelled")
            key = name if name in self.results else instance.node_key
            return InstanceResult(self.results.get(key, "success"), {"who": name})
        finally:
            with self.lock:
                self.running -= 1
                self.log.append("end " + name)

    def wait_for(self, entry: str, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while entry not in self.log:
            assert time.monotonic() < deadline, f"{entry} never happened: {self.log}"
            time.sleep(0.002)

    def let_go(self, name: str) -> None:
        with self.lock:
            self.release.setdefault(name, threading.Event()).set()


def simple_prepare(  # type: ignore[no-untyped-def]
    count: Mapping[str, int] | None = None,
    group: str | None = None,
    cancel_in_progress: bool = False,
    **extra: object,
):
    def prepare(node: Node, needs: Mapping[str, NodeResult], cancelled: bool) -> Preparation:
        if cancelled:
            return Preparation(skip_reason="cancelled", result_if_skipped="cancelled")
        if any(r.result != "success" for r in needs.values()):
            return Preparation(skip_reason="a needed job did not succeed")
        n = (count or {}).get(node.key, 1)
        instances = tuple(
            Instance(node.key, i, group=group, cancel_in_progress=cancel_in_progress)
            for i in range(n)
        )
        return Preparation(instances=instances, **extra)  # type: ignore[arg-type]

    return prepare


def run_in_thread(scheduler: Scheduler) -> tuple[threading.Thread, dict[str, NodeResult]]:
    out: dict[str, NodeResult] = {}
    thread = threading.Thread(target=lambda: out.update(scheduler.run()), daemon=True)
    thread.start()
    return thread, out


def test_a_job_starts_when_its_own_needs_are_done_not_at_a_stage_barrier() -> None:
    # a -> c, while b (unrelated, slow) is still running
    script = Script(hold={"w:b"})
    nodes = [Node("w:a"), Node("w:b"), Node("w:c", needs=("w:a",))]
    scheduler = Scheduler(nodes, simple_prepare(), script.run, max_jobs=4)
    thread, results = run_in_thread(scheduler)
    script.wait_for("end w:c#0")
    assert "end w:b#0" not in script.log
    script.let_go("w:b#0")
    thread.join(5)
    assert {k: r.result for k, r in results.items()} == {
        "w:a": "success",
        "w:b": "success",
        "w:c": "success",
    }


def test_failed_need_skips_dependents() -> None:
    script = Script(results={"w:a": "failure"})
    nodes = [Node("w:a"), Node("w:b", needs=("w:a",)), Node("w:c", needs=("w:b",))]
    results = Scheduler(nodes, simple_prepare(), script.run, max_jobs=2).run()
    assert [results[k].result for k in ("w:a", "w:b", "w:c")] == ["failure", "skipped", "skipped"]
    assert "start w:b#0" not in script.log


def test_jobs_limit_bounds_concurrency() -> None:
    script = Script()
    nodes = [Node(f"w:j{i}") for i in range(8)]
    Scheduler(nodes, simple_prepare(), script.run, max_jobs=3).run()
    assert script.max_running == 3


def test_max_parallel_bounds_a_matrix() -> None:
    script = Script()
    prepare = simple_prepare({"w:m": 6}, max_parallel=2)
    results = Scheduler([Node("w:m")], prepare, script.run, max_jobs=8).run()
    assert script.max_running == 2
    assert results["w:m"].result == "success"


def test_fail_fast_cancels_siblings() -> None:
    script = Script(results={"w:m#0": "failure"}, hold={"w:m#1", "w:m#2"})
    prepare = simple_prepare({"w:m": 5}, max_parallel=3)
    results = Scheduler([Node("w:m")], prepare, script.run, max_jobs=8).run()
    assert results["w:m"].result == "failure"
    assert "start w:m#3" not in script.log and "start w:m#4" not in script.log


def test_without_fail_fast_siblings_finish() -> None:
    script = Script(results={"w:m#0": "failure"})
    prepare = simple_prepare({"w:m": 4}, fail_fast=False)
    results = Scheduler([Node("w:m")], prepare, script.run, max_jobs=8).run()
    assert results["w:m"].result == "failure"
    assert sum(1 for line in script.log if line.startswith("end w:m#")) == 4


def test_continue_on_error_counts_as_success_for_needs() -> None:
    def run(instance: Instance, cancel: CancelToken) -> InstanceResult:
        if instance.node_key == "w:a":
            return InstanceResult("failure", counts_as="success")
        return InstanceResult("success")

    nodes = [Node("w:a"), Node("w:b", needs=("w:a",))]
    results = Scheduler(nodes, simple_prepare(), run, max_jobs=2).run()
    assert results["w:a"].result == "success" and results["w:b"].result == "success"


def test_cancel_stops_running_and_pending_jobs() -> None:
    script = Script(hold={"w:a"})
    nodes = [Node("w:a"), Node("w:b", needs=("w:a",))]
    scheduler = Scheduler(nodes, simple_prepare(), script.run, max_jobs=2)
    thread, results = run_in_thread(scheduler)
    script.wait_for("start w:a#0")
    scheduler.cancel()
    thread.join(5)
    assert results["w:a"].result == "cancelled"
    assert results["w:b"].result == "cancelled"


def _runs_after(nodes: list[Node], prepare: object, first: str, second: str) -> None:
    """``second`` waits while ``first`` (held) runs, and starts once it ended."""
    script = Script(hold={first})
    scheduler = Scheduler(nodes, prepare, script.run, max_jobs=4)  # type: ignore[arg-type]
    thread, results = run_in_thread(scheduler)
    script.wait_for(f"start {first}#0")
    time.sleep(0.05)
    assert f"start {second}#0" not in script.log
    script.let_go(f"{first}#0")
    thread.join(5)
    assert script.log.index(f"end {first}#0") < script.log.index(f"start {second}#0")
    assert results[second].result == "success"


def test_job_concurrency_group_serialises_jobs() -> None:
    _runs_after([Node("w:a"), Node("w:b")], simple_prepare(group="deploy"), "w:a", "w:b")


def test_cancel_in_progress_cancels_the_holder() -> None:
    script = Script(hold={"w:a"})
    nodes = [Node("w:a"), Node("w:b")]
    prepare = simple_prepare(group="g", cancel_in_progress=True)
    results = Scheduler(nodes, prepare, script.run, max_jobs=4).run()
    assert results["w:a"].result == "cancelled"
    assert results["w:b"].result == "success"


def test_workflow_group_is_held_until_the_whole_workflow_is_done() -> None:
    script = Script(hold={"one:b"})
    nodes = [
        Node("one:a", workflow_group="g"),
        Node("one:b", needs=("one:a",), workflow_group="g"),
        Node("two:x", workflow_group="g"),
    ]
    scheduler = Scheduler(nodes, simple_prepare(), script.run, max_jobs=4)
    thread, results = run_in_thread(scheduler)
    script.wait_for("start one:b#0")
    time.sleep(0.05)
    assert "start two:x#0" not in script.log
    script.let_go("one:b#0")
    thread.join(5)
    assert results["two:x"].result == "success"
    assert script.log.index("end one:b#0") < script.log.index("start two:x#0")


def test_a_crashing_job_runner_fails_the_job_instead_of_hanging() -> None:
    def run(instance: Instance, cancel: CancelToken) -> InstanceResult:
        raise RuntimeError("bug")

    results = Scheduler([Node("w:a")], simple_prepare(), run, max_jobs=1).run()
    assert results["w:a"].result == "failure"


def test_jobs_with_the_longest_chain_of_dependents_start_first() -> None:
    nodes = [
        Node("lint"),
        Node("tests"),
        Node("summary", needs=("tests",)),
        Node("validate"),
        Node("build", needs=("validate",)),
        Node("report", needs=("build",)),
    ]
    script = Script()
    Scheduler(nodes, simple_prepare(), script.run, max_jobs=1).run()
    starts = [entry[6:-2] for entry in script.log if entry.startswith("start ")]
    assert starts == ["validate", "tests", "build", "lint", "summary", "report"]


def test_expected_durations_put_a_long_job_before_a_short_chain() -> None:
    nodes = [
        Node("tests", weight=2.0),
        Node("summary", needs=("tests",), weight=0.5),
        Node("benchmark", weight=9.0),
        Node("lint", weight=1.0),
    ]
    script = Script()
    Scheduler(nodes, simple_prepare(), script.run, max_jobs=1).run()
    starts = [entry[6:-2] for entry in script.log if entry.startswith("start ")]
    assert starts == ["benchmark", "tests", "lint", "summary"]


def _listened() -> tuple[list[tuple[str, str, object]], object]:
    events: list[tuple[str, str, object]] = []
    return events, lambda event, key, detail: events.append((event, key, detail))


def test_group_names_ignore_case_and_workflow_and_job_groups_are_one_namespace() -> None:
    def prepare(node: Node, needs: Mapping[str, NodeResult], cancelled: bool) -> Preparation:
        group = "deploy" if node.key == "two:b" else None
        return Preparation(instances=(Instance(node.key, 0, group=group),))

    nodes = [Node("one:a", workflow_group="Deploy"), Node("two:b")]
    _runs_after(nodes, prepare, "one:a", "two:b")


def test_matrix_legs_hold_their_group_each_and_a_newer_waiting_leg_replaces_the_older() -> None:
    script = Script(hold={"w:t#0"})
    events, listener = _listened()
    prepare = simple_prepare(count={"w:t": 3}, group="one-at-a-time")
    scheduler = Scheduler([Node("w:t")], prepare, script.run, max_jobs=4, listener=listener)
    thread, results = run_in_thread(scheduler)
    script.wait_for("start w:t#0")
    time.sleep(0.05)
    script.let_go("w:t#0")
    thread.join(5)
    assert [line for line in script.log if line.startswith("start")] == [
        "start w:t#0",
        "start w:t#2",
    ]
    cancelled = [(key, detail) for event, key, detail in events if event == "cancelled"]
    assert len(cancelled) == 1
    (key, (instance, why)), = cancelled  # fmt: skip
    assert (key, instance.index) == ("w:t", 1)
    assert why == "Canceling since a higher priority waiting request for 'one-at-a-time' exists"
    assert results["w:t"].result == "cancelled"


def test_legs_in_groups_of_their_own_run_together() -> None:
    script = Script(hold={"w:t#0", "w:t#1"})

    def prepare(node: Node, needs: Mapping[str, NodeResult], cancelled: bool) -> Preparation:
        return Preparation(instances=tuple(Instance(node.key, i, group=f"g-{i}") for i in (0, 1)))

    thread, results = run_in_thread(Scheduler([Node("w:t")], prepare, script.run, max_jobs=4))
    script.wait_for("start w:t#0")
    script.wait_for("start w:t#1")
    script.let_go("w:t#0")
    script.let_go("w:t#1")
    thread.join(5)
    assert results["w:t"].result == "success"


def test_workflow_cancel_in_progress_cancels_the_running_workflow_run() -> None:
    script = Script(hold={"one:a"})
    events, listener = _listened()
    nodes = [
        Node("one:a", workflow_group="g", workflow_cancel=True),
        Node("one:b", needs=("one:a",), workflow_group="g", workflow_cancel=True),
        Node("two:x", workflow_group="g", workflow_cancel=True),
    ]
    results = Scheduler(nodes, simple_prepare(), script.run, max_jobs=4, listener=listener).run()
    assert results["one:a"].result == "cancelled"
    assert results["one:b"].result == "cancelled"  # never started: its run was cancelled
    assert results["two:x"].result == "success"
    assert ("cancelled", "one:b") in [(e, k) for e, k, _ in events]


def test_a_job_in_its_own_workflows_group_is_cancelled_as_a_deadlock() -> None:
    script = Script()
    events, listener = _listened()
    prepare = simple_prepare(group="CI")
    nodes = [Node("w:a", workflow_group="ci")]
    results = Scheduler(nodes, prepare, script.run, max_jobs=4, listener=listener).run()
    assert results["w:a"].result == "cancelled"
    assert script.log == []
    (_, _, (_, why)), = [e for e in events if e[0] == "cancelled"]  # fmt: skip
    assert why == (
        "Canceling since a deadlock for concurrency group 'ci' was detected between "
        "'top level workflow' and 'a'"
    )
