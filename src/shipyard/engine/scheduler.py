"""The scheduler: every job starts the moment its own ``needs`` are done — no stage barriers.

It owns the run's job state machine and nothing else: which jobs are ready, how many run
at once (``--jobs``), ``max-parallel`` and ``fail-fast`` within a matrix, concurrency
groups, and cancellation. What a job *is* stays outside, behind two callbacks:

- ``prepare(node, needs, run_cancelled) -> Preparation`` decides, once a job's needs are
  done, whether it runs (its ``if``) and as which instances (its matrix);
- ``run(instance, cancel) -> InstanceResult`` runs one instance in a worker thread.

When more jobs are ready than may run, those heading the longest chain of jobs waiting
on them start first — critical path first, each job weighing its expected seconds
(``Node.weight``, e.g. its time in the previous run), file order breaking ties —, so
that neither a long chain of ``needs`` nor one long job is left for the end.

A job's result aggregates its instances the way GitHub reports ``needs.<id>.result``:
``failure`` if any failed, else ``cancelled`` if any was cancelled, else ``success``
(``skipped`` when the job did not run at all).

Concurrency groups, as GitHub documents them: names compare ignoring case, and a
workflow's group and a job's share one namespace. A workflow holds its group from its
first job's start until its last job is done; a job instance (each matrix leg apart)
holds its own while it runs. At most one more holder waits per group: a newer one
cancels the one waiting (``Canceling since a higher priority waiting request for 'g'
exists``), and with ``cancel-in-progress`` it also cancels the holder (a whole workflow,
or one job instance). Every instance cancelled before it ran is told to the listener
(``cancelled``), so that it can be reported.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Mapping, Sequence

from shipyard.backends.base import CancelToken
from shipyard.valueclass import dataclass, field

FAIL_FAST = "The job was canceled because another job of its matrix failed (fail-fast)"


@dataclass(frozen=True, slots=True)
class Node:
    """One job of one workflow; ``needs`` are keys of other nodes."""

    key: str
    needs: tuple[str, ...] = ()
    workflow_group: str | None = None  # the workflow's concurrency group, if any
    workflow_cancel: bool = False  # its cancel-in-progress
    payload: object = field(default=None, compare=False, repr=False)
    weight: float = 1.0  # expected seconds, for the launch order only


@dataclass(frozen=True, slots=True)
class NodeResult:
    """A finished job: GitHub's result word and its outputs."""

    result: str  # success | failure | cancelled | skipped
    outputs: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Instance:
    """One runnable instance of a job (a matrix combination, or the job itself)."""

    node_key: str
    index: int
    payload: object = field(default=None, compare=False, repr=False)
    group: str | None = None  # this instance's job-level concurrency group (its matrix's)
    cancel_in_progress: bool = False


@dataclass(frozen=True, slots=True)
class Preparation:
    """What ``prepare`` decided: skip (with a reason) or run these instances."""

    instances: tuple[Instance, ...] = ()
    skip_reason: str | None = None
    result_if_skipped: str = "skipped"  # "cancelled" when skipped by a cancellation
    fail_fast: bool = True
    max_parallel: int | None = None


@dataclass(frozen=True, slots=True)
class InstanceResult:
    """How an instance ended; ``counts_as`` is the result seen by ``needs`` (continue-on-error)."""

    result: str
    outputs: Mapping[str, str] = field(default_factory=dict)
    counts_as: str | None = None


Prepare = Callable[[Node, Mapping[str, NodeResult], bool], Preparation]
RunInstance = Callable[[Instance, CancelToken], InstanceResult]
Listener = Callable[[str, str, object], None]  # (event, node_key, detail)


@dataclass(slots=True)
class _JobState:
    node: Node
    prep: Preparation | None = None
    waiting: list[Instance] = field(default_factory=list)
    running: dict[int, CancelToken] = field(default_factory=dict)
    finished: dict[int, InstanceResult] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    failed_fast: bool = False
    result: NodeResult | None = None


class Scheduler:
    """Runs a set of nodes to completion; see the module docstring."""

    def __init__(
        self,
        nodes: Sequence[Node],
        prepare: Prepare,
        run: RunInstance,
        *,
        max_jobs: int,
        listener: Listener | None = None,
    ) -> None:
        self._states = {n.key: _JobState(n) for n in nodes}
        self._order = [n.key for n in nodes]
        self._launch_order = _critical_path_first(nodes)
        self._prepare = prepare
        self._run = run
        self._max_jobs = max(1, max_jobs)
        self._listen = listener or (lambda _e, _k, _d: None)
        self._events: queue.Queue[tuple[str, int, InstanceResult] | None] = queue.Queue()
        self._cancelled = False
        self._running_total = 0
        self._group_holder: dict[str, str] = {}  # folded group -> holder ("wf:<w>", "<key>#<i>")
        self._group_pending: dict[str, str] = {}  # folded group -> the one holder waiting
        self._group_names: dict[str, str] = {}  # folded group -> the name as written
        self._cancelled_workflows: dict[str, str] = {}  # workflow -> why (concurrency)
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    # -- public -------------------------------------------------------------------------

    def cancel(self) -> None:
        """Cancel the run (thread-safe; e.g. from a SIGINT handler)."""
        with self._lock:
            self._cancelled = True
        self._events.put(None)

    @property
    def cancelled(self) -> bool:
        """Whether the run was cancelled."""
        return self._cancelled

    def results(self) -> dict[str, NodeResult]:
        """Results of the nodes that finished, by key."""
        return {k: s.result for k, s in self._states.items() if s.result is not None}

    def run(self) -> dict[str, NodeResult]:
        """Run until every node has a result; returns them by key."""
        try:
            while True:
                self._advance()
                if all(s.result is not None for s in self._states.values()):
                    break
                message = self._events.get()
                if message is not None:
                    self._finish_instance(*message)
                if self._cancelled:
                    self._cancel_running()
        finally:
            for thread in self._threads:
                thread.join()
        return self.results()

    # -- internals ----------------------------------------------------------------------

    def _advance(self) -> None:
        progress = True
        while progress:
            progress = False
            for key in self._order:
                state = self._states[key]
                if state.result is None and state.prep is None and self._needs_done(state):
                    why = self._cancelled_workflows.get(_workflow_of(key))
                    if why is not None:  # its workflow run was cancelled by concurrency
                        self._complete(state, NodeResult("cancelled"))
                        self._listen("cancelled", key, (None, why))
                    else:
                        self._prepare_node(state)
                    progress = True
            progress |= self._launch()

    def _needs_done(self, state: _JobState) -> bool:
        return all(self._states[n].result is not None for n in state.node.needs)

    def _prepare_node(self, state: _JobState) -> None:
        needs = {n: self._states[n].result for n in state.node.needs}
        prep = self._prepare(state.node, needs, self._cancelled)  # type: ignore[arg-type]
        state.prep = prep
        if prep.skip_reason is not None or not prep.instances:
            self._complete(state, NodeResult(prep.result_if_skipped))
            self._listen("skipped", state.node.key, prep.skip_reason)
            return
        state.waiting = list(prep.instances)
        self._listen("ready", state.node.key, len(prep.instances))

    def _groups(self, state: _JobState, instance: Instance) -> list[tuple[str, str, bool]]:
        """The groups ``instance`` needs: (folded name, its holder id, cancel-in-progress)."""
        groups = []
        node = state.node
        if node.workflow_group:
            groups.append(
                (node.workflow_group, "wf:" + _workflow_of(node.key), node.workflow_cancel)
            )
        if instance.group:
            holder = f"{node.key}#{instance.index}"
            groups.append((instance.group, holder, instance.cancel_in_progress))
        out = []
        for name, holder, cancel in groups:
            folded = name.casefold()  # "prod" and "Prod" are one group, as on GitHub
            self._group_names.setdefault(folded, name)
            out.append((folded, holder, cancel))
        return out

    def _may_start(self, state: _JobState, instance: Instance) -> bool:
        """Whether ``instance`` may start now; takes its groups when it may (module docstring)."""
        groups = self._groups(state, instance)
        if len(groups) == 2 and groups[0][0] == groups[1][0]:  # its own workflow's group
            name = self._group_names[groups[0][0]]
            job = state.node.key.split(":", 1)[1]
            why = (
                f"Canceling since a deadlock for concurrency group '{name}' was detected "
                f"between 'top level workflow' and '{job}'"
            )
            self._cancel_waiting(state, why, only=instance.index)
            return False
        for group, me, cancel in groups:
            holder = self._group_holder.get(group)
            if holder is None or holder == me:
                continue
            name = self._group_names[group]
            why = f"Canceling since a higher priority waiting request for '{name}' exists"
            if cancel:
                self._cancel_holder(holder, why)
            pending = self._group_pending.get(group)
            if pending is not None and pending != me:
                self._cancel_pending(pending, why)
            self._group_pending[group] = me
            return False
        for group, me, _cancel in groups:
            self._group_holder[group] = me
            if self._group_pending.get(group) == me:
                del self._group_pending[group]
        return True

    def _cancel_holder(self, holder: str, why: str) -> None:
        """cancel-in-progress: stop a whole workflow run, or one job instance."""
        if holder.startswith("wf:"):
            self._cancel_workflow(holder[3:], why)
            return
        key, _, index = holder.rpartition("#")
        token = self._states[key].running.get(int(index)) if key in self._states else None
        if token is not None:
            token.cancel(why)

    def _cancel_pending(self, holder: str, why: str) -> None:
        """Cancel the holder waiting for a group: a whole workflow run, or one instance."""
        if holder.startswith("wf:"):
            self._cancel_workflow(holder[3:], why)
            return
        key, _, index = holder.rpartition("#")
        if key in self._states:
            self._cancel_waiting(self._states[key], why, only=int(index))

    def _cancel_workflow(self, workflow: str, why: str) -> None:
        """Cancel every job of a workflow run: running ones stop, the others never start."""
        self._cancelled_workflows.setdefault(workflow, why)
        for state in self._states.values():
            if _workflow_of(state.node.key) != workflow or state.result is not None:
                continue
            for token in state.running.values():
                token.cancel(why)
            if state.waiting:
                self._cancel_waiting(state, why)

    def _launch(self) -> bool:
        launched = False
        for key in self._launch_order:
            state = self._states[key]
            # every waiting instance in turn: one held back by a concurrency group waits
            # (and may replace another waiting one) while the next may start
            for instance in list(state.waiting):
                prep = state.prep
                assert prep is not None
                if self._running_total >= self._max_jobs:
                    break
                if prep.max_parallel is not None and len(state.running) >= prep.max_parallel:
                    break
                if instance not in state.waiting or not self._may_start(state, instance):
                    continue  # cancelled meanwhile (replaced in its group), or must wait
                state.waiting.remove(instance)
                token = CancelToken()
                if self._cancelled:
                    token.cancel("the run was cancelled")
                state.running[instance.index] = token
                self._running_total += 1
                self._listen("started", key, instance)
                # One thread per running instance (at most --jobs at once): cheaper to
                # start than a pool, whose import alone costs more than these threads.
                thread = threading.Thread(
                    target=self._work, args=(instance, token), name=f"job-{key}"
                )
                self._threads.append(thread)
                thread.start()
                launched = True
        return launched

    def _work(self, instance: Instance, token: CancelToken) -> None:
        try:
            result = self._run(instance, token)
        except BaseException as error:  # a bug in the job runner must not hang the run
            result = InstanceResult("failure", counts_as="failure")
            self._listen("crashed", instance.node_key, error)
        self._events.put((instance.node_key, instance.index, result))

    def _finish_instance(self, key: str, index: int, result: InstanceResult) -> None:
        state = self._states[key]
        state.running.pop(index, None)
        self._running_total -= 1
        self._release(f"{key}#{index}")
        state.finished[index] = result
        for name, value in result.outputs.items():  # a matrix's outputs combine: an
            if value or name not in state.outputs:  # empty one never hides another's
                state.outputs[name] = value
        self._listen("finished", key, (index, result))
        seen = result.counts_as or result.result
        prep = state.prep
        if seen == "failure" and prep is not None and prep.fail_fast and not state.failed_fast:
            state.failed_fast = True
            for token in state.running.values():
                token.cancel(FAIL_FAST)
            self._cancel_waiting(state, FAIL_FAST)
        if not state.waiting and not state.running:
            self._complete(state, NodeResult(_aggregate(state.finished.values()), state.outputs))

    def _cancel_waiting(self, state: _JobState, why: str, *, only: int | None = None) -> None:
        """Cancel the instances still waiting to start (``only``: just that one)."""
        for instance in [i for i in state.waiting if only is None or i.index == only]:
            state.waiting.remove(instance)
            state.finished[instance.index] = InstanceResult("cancelled")
            self._release(f"{state.node.key}#{instance.index}")
            self._listen("cancelled", state.node.key, (instance, why))
        if (
            not state.waiting
            and not state.running
            and state.prep is not None
            and state.result is None
        ):
            self._complete(state, NodeResult(_aggregate(state.finished.values()), state.outputs))

    def _complete(self, state: _JobState, result: NodeResult) -> None:
        state.result = result
        workflow = _workflow_of(state.node.key)
        if all(
            s.result is not None
            for s in self._states.values()
            if _workflow_of(s.node.key) == workflow
        ):
            self._release("wf:" + workflow)
        self._listen("completed", state.node.key, result)

    def _release(self, holder: str) -> None:
        """``holder`` gives up its groups, and stops waiting for any."""
        for table in (self._group_holder, self._group_pending):
            for group in [g for g, h in table.items() if h == holder]:
                del table[group]

    def _cancel_running(self) -> None:
        for state in self._states.values():
            for token in state.running.values():
                token.cancel("the run was cancelled")
            if state.waiting:
                self._cancel_waiting(state, "the run was cancelled")


def _critical_path_first(nodes: Sequence[Node]) -> list[str]:
    """Node keys by the weight of the heaviest chain each heads (itself and dependents)."""
    dependents: dict[str, list[str]] = {n.key: [] for n in nodes}
    weights = {n.key: n.weight for n in nodes}
    for node in nodes:
        for need in node.needs:
            if need in dependents:
                dependents[need].append(node.key)
    height: dict[str, float] = {}

    def measure(key: str) -> float:
        if key not in height:
            height[key] = 0.0  # a cycle (never valid) ends here instead of recursing forever
            height[key] = weights[key] + max((measure(d) for d in dependents[key]), default=0.0)
        return height[key]

    order = [n.key for n in nodes]
    return sorted(order, key=lambda key: -measure(key))


def _workflow_of(key: str) -> str:
    """Node keys are ``<workflow>:<job>``; the workflow part."""
    return key.split(":", 1)[0]


def _aggregate(results: object) -> str:
    seen = [r.counts_as or r.result for r in results]  # type: ignore[attr-defined]
    if not seen:
        return "cancelled"
    if "failure" in seen:
        return "failure"
    if "cancelled" in seen:
        return "cancelled"
    if all(s == "skipped" for s in seen):
        return "skipped"
    return "success"
