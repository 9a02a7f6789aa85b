"""The ``needs`` graph of a workflow's jobs: validation, order, and reachability.

Owns GitHub's dependency checks with its exact messages (the same walk as
``validateNeeds`` in GitHub's workflow parser: jobs become ready as their needs finish,
and every need left over is reported), plus what the scheduler asks of the graph: a
topological order stable by file order, ancestors and descendants, the closure of a
selection, and the ready set. Job ids are matched case-insensitively, as GitHub does;
every id this module returns is spelled as the job is defined.
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Iterable, Mapping, Sequence

from shipyard.errors import UserError
from shipyard.valueclass import dataclass, field

NO_ROOT = "The workflow must contain at least one job with no dependencies."


@dataclass(frozen=True, slots=True)
class GraphProblem:
    """One dependency problem; ``need`` is the offending ``needs`` entry as written."""

    job_id: str | None
    message: str
    need: str | None = None
    hint: str | None = None


class GraphError(UserError):
    """The ``needs`` graph is invalid; ``problems`` holds every problem, in GitHub's order."""

    def __init__(self, problems: Sequence[GraphProblem]) -> None:
        hint = next((p.hint for p in problems if p.hint), None)
        super().__init__("\n".join(p.message for p in problems), hint=hint)
        self.problems = tuple(problems)


def _fold(job_id: str) -> str:
    return job_id.casefold()


def _format_cycle(cycle: Sequence[str]) -> str:
    return " -> ".join([*cycle, cycle[0]])


def _find_cycle(start: str, edges: Mapping[str, Sequence[str]]) -> list[str] | None:
    """A cycle reachable from ``start`` along ``edges`` (folded ids), first found by DFS."""
    path: list[str] = []
    on_path: dict[str, int] = {}
    done: set[str] = set()
    stack: list[tuple[str, int]] = [(start, 0)]
    while stack:
        node, i = stack.pop()
        if i == 0:
            on_path[node] = len(path)
            path.append(node)
        targets = edges.get(node, ())
        if i < len(targets):
            stack.append((node, i + 1))
            target = targets[i]
            if target in on_path:
                return path[on_path[target] :]
            if target not in done:
                stack.append((target, 0))
        else:
            done.add(node)
            del on_path[node]
            path.pop()
    return None


def _blocked_hint(
    job: str,
    need: str,
    edges: Mapping[str, Sequence[str]],
    unknown: Mapping[str, str],
    ids: Mapping[str, str],
) -> str | None:
    """Explain why ``need`` never finishes: the cycle it is on or waits on, or an unknown job."""
    cycle = _find_cycle(_fold(need), edges)
    if cycle is not None:
        names = [ids[c] for c in cycle]
        if _fold(job) in cycle:
            at = cycle.index(_fold(job))
            return f"the cycle is {_format_cycle(names[at:] + names[:at])}"
        if cycle[0] == _fold(need):
            return f"job '{names[0]}' is part of the cycle {_format_cycle(names)}"
        return f"job '{ids[_fold(need)]}' waits on the cycle {_format_cycle(names)}"
    # No cycle: something upstream depends on a job that does not exist.
    seen = {_fold(need)}
    todo = [_fold(need)]
    while todo:
        node = todo.pop()
        if node in unknown:
            return f"job '{ids[node]}' can never run: it depends on unknown job '{unknown[node]}'"
        for target in edges.get(node, ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return None


def _unknown_hint(need: str, job_ids: Sequence[str]) -> str:
    import difflib  # only for this hint: not imported on every run

    close = difflib.get_close_matches(need, list(job_ids), n=1)
    known = ", ".join(job_ids)
    return f"did you mean '{close[0]}'? (jobs: {known})" if close else f"the jobs are: {known}"


def find_graph_problems(
    job_ids: Sequence[str], needs: Mapping[str, Sequence[str]]
) -> list[GraphProblem]:
    """Every dependency problem, with GitHub's messages and order (empty when valid)."""
    ids = {_fold(j): j for j in job_ids}
    if not job_ids:
        return [GraphProblem(None, NO_ROOT, hint="add a job under `jobs:`")]
    folded = {_fold(k): v for k, v in needs.items()}
    remaining = {_fold(j): list(folded.get(_fold(j), ())) for j in job_ids}
    ready = [j for j in job_ids if not remaining[_fold(j)]]
    if not ready:
        edges = {k: [_fold(n) for n in v if _fold(n) in ids] for k, v in remaining.items()}
        cycle = next((c for j in job_ids if (c := _find_cycle(_fold(j), edges))), None)
        hint = f"the cycle is {_format_cycle([ids[c] for c in cycle])}" if cycle else None
        if hint is None:  # no cycle: a need names no job (GitHub says only the above)
            job, need = next(
                (j, n) for j in job_ids for n in remaining[_fold(j)] if _fold(n) not in ids
            )
            hint = f"job '{job}' needs '{need}', which is no job of this workflow"
        return [GraphProblem(None, NO_ROOT, hint=hint)]
    unsatisfied = [j for j in job_ids if remaining[_fold(j)]]
    queue = list(ready)
    while queue:
        current = _fold(queue.pop(0))
        still: list[str] = []
        for job in unsatisfied:
            pending = remaining[_fold(job)]
            pending[:] = [n for n in pending if _fold(n) != current]
            if pending:
                still.append(job)
            else:
                queue.append(job)
        unsatisfied = still
    edges = {
        _fold(j): [_fold(n) for n in remaining[_fold(j)] if _fold(n) in ids] for j in unsatisfied
    }
    unknown = {
        _fold(j): next(n for n in remaining[_fold(j)] if _fold(n) not in ids)
        for j in unsatisfied
        if any(_fold(n) not in ids for n in remaining[_fold(j)])
    }
    problems: list[GraphProblem] = []
    for job in unsatisfied:
        for need in remaining[_fold(job)]:
            if _fold(need) in ids:
                message = (
                    f"Job '{job}' depends on job '{need}' which creates a cycle in the "
                    "dependency graph."
                )
                hint = _blocked_hint(job, need, edges, unknown, ids)
            else:
                message = f"Job '{job}' depends on unknown job '{need}'."
                hint = _unknown_hint(need, job_ids)
            problems.append(GraphProblem(job, message, need=need, hint=hint))
    return problems


@dataclass(frozen=True, slots=True)
class JobGraph:
    """A valid ``needs`` graph. Build it with :func:`build_graph`."""

    job_ids: tuple[str, ...]
    needs: Mapping[str, tuple[str, ...]] = field(hash=False)
    order: tuple[str, ...] = ()
    _ids: dict[str, str] = field(init=False, repr=False, compare=False, hash=False)
    _dependents: dict[str, tuple[str, ...]] = field(
        init=False, repr=False, compare=False, hash=False
    )
    _rank: dict[str, int] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        dependents: dict[str, list[str]] = {j: [] for j in self.job_ids}
        for job in self.job_ids:
            for need in self.needs[job]:
                dependents[need].append(job)
        object.__setattr__(self, "_ids", {_fold(j): j for j in self.job_ids})
        object.__setattr__(self, "_dependents", {k: tuple(v) for k, v in dependents.items()})
        object.__setattr__(self, "_rank", {j: i for i, j in enumerate(self.order)})

    def canonical(self, job_id: str) -> str:
        """The job's id as defined (ids match case-insensitively); ``KeyError`` if unknown."""
        try:
            return self._ids[_fold(job_id)]
        except KeyError:
            raise KeyError(job_id) from None

    def __contains__(self, job_id: object) -> bool:
        return isinstance(job_id, str) and _fold(job_id) in self._ids

    def needs_of(self, job_id: str) -> tuple[str, ...]:
        """The jobs ``job_id`` directly needs."""
        return self.needs[self.canonical(job_id)]

    def dependents_of(self, job_id: str) -> tuple[str, ...]:
        """The jobs that directly need ``job_id``, in file order."""
        return self._dependents[self.canonical(job_id)]

    def _walk(self, starts: Iterable[str], step: Mapping[str, tuple[str, ...]]) -> set[str]:
        seen: set[str] = set()
        todo = [self.canonical(s) for s in starts]
        while todo:
            for nxt in step[todo.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    def _sorted(self, jobs: Iterable[str]) -> tuple[str, ...]:
        return tuple(sorted(jobs, key=self._rank.__getitem__))

    def ancestors(self, job_id: str) -> tuple[str, ...]:
        """Everything ``job_id`` needs, directly or not, in topological order."""
        return self._sorted(self._walk([job_id], self.needs))

    def descendants(self, job_id: str) -> tuple[str, ...]:
        """Everything that needs ``job_id``, directly or not, in topological order."""
        return self._sorted(self._walk([job_id], self._dependents))

    def closure(self, selected: Iterable[str]) -> tuple[str, ...]:
        """The selected jobs plus everything they need, in topological order."""
        chosen = [self.canonical(s) for s in selected]
        return self._sorted(set(chosen) | self._walk(chosen, self.needs))

    def ready(self, done: Collection[str], started: Collection[str] = ()) -> list[str]:
        """Jobs not done nor started whose needs are all done, in topological order."""
        finished = {self.canonical(j) for j in done}
        busy = finished | {self.canonical(j) for j in started}
        return [
            job
            for job in self.order
            if job not in busy and all(need in finished for need in self.needs[job])
        ]


def build_graph(job_ids: Sequence[str], needs: Mapping[str, Sequence[str]]) -> JobGraph:
    """Check the ``needs`` of every job and build the graph; raises :class:`GraphError`.

    ``needs`` maps a job id to the ids it needs as written (any case); jobs missing from
    it need nothing. The graph spells every id as the job defines it.
    """
    problems = find_graph_problems(job_ids, needs)
    if problems:
        raise GraphError(problems)
    ids = {_fold(j): j for j in job_ids}
    folded = {_fold(k): v for k, v in needs.items()}
    resolved: dict[str, tuple[str, ...]] = {}
    for job in job_ids:
        resolved[job] = tuple(dict.fromkeys(ids[_fold(n)] for n in folded.get(_fold(job), ())))
    rank = {j: i for i, j in enumerate(job_ids)}
    waiting = {j: len(resolved[j]) for j in job_ids}
    dependents: dict[str, list[str]] = {j: [] for j in job_ids}
    for job in job_ids:
        for need in resolved[job]:
            dependents[need].append(job)
    heap = [rank[j] for j in job_ids if waiting[j] == 0]
    heapq.heapify(heap)
    order: list[str] = []
    while heap:
        job = job_ids[heapq.heappop(heap)]
        order.append(job)
        for dependent in dependents[job]:
            waiting[dependent] -= 1
            if waiting[dependent] == 0:
                heapq.heappush(heap, rank[dependent])
    return JobGraph(tuple(job_ids), resolved, tuple(order))
