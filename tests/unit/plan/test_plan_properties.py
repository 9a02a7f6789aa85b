"""Property tests for matrix expansion and the needs graph (hypothesis).

Values are small integers so that GitHub's loose ``==`` and Python's ``==`` agree, which
lets the properties be stated with plain comparisons.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping

from hypothesis import given
from hypothesis import strategies as st

from shipyard.plan.matrix import expand_matrix, expand_matrix_configurations
from shipyard.workflow.graph import NO_ROOT, build_graph, find_graph_problems

KEYS = ["os", "py", "arch", "node"]
EXTRA_KEYS = ["color", "shape", "size"]

vectors = st.dictionaries(
    st.sampled_from(KEYS),
    st.lists(st.integers(0, 5), min_size=1, max_size=3, unique=True),
    min_size=1,
    max_size=4,
)


@st.composite
def matrices(
    draw: st.DrawFn,
) -> tuple[dict[str, list[int]], list[dict[str, int]], list[dict[str, int]]]:
    vecs = draw(vectors)
    value = st.integers(0, 6)
    subset = st.lists(st.sampled_from(sorted(vecs)), min_size=1, unique=True)
    exclude = draw(
        st.lists(
            subset.flatmap(lambda ks: st.fixed_dictionaries({k: value for k in ks})), max_size=3
        )
    )
    include_entry = st.tuples(
        st.lists(st.sampled_from(sorted(vecs)), unique=True),
        st.lists(st.sampled_from(EXTRA_KEYS), unique=True),
    ).filter(lambda t: bool(t[0] or t[1]))
    include = [
        {**{k: draw(value) for k in filters}, **{k: draw(value) for k in extras}}
        for filters, extras in draw(st.lists(include_entry, max_size=4))
    ]
    return vecs, exclude, include


def _product(vecs: dict[str, list[int]]) -> list[dict[str, int]]:
    return [dict(zip(vecs, values, strict=True)) for values in itertools.product(*vecs.values())]


def _matches(entry: Mapping[str, int], combination: Mapping[str, object]) -> bool:
    return all(combination.get(k) == v for k, v in entry.items())


@given(vectors)
def test_cross_product_size_and_uniqueness(vecs: dict[str, list[int]]) -> None:
    result = expand_matrix(dict(vecs))
    assert len(result) == math.prod(len(v) for v in vecs.values())
    assert len({tuple(c.items()) for c in result}) == len(result)
    assert list(result) == _product(vecs)  # first key varies slowest


@given(matrices())
def test_excluded_combinations_are_gone_and_the_rest_kept(
    case: tuple[dict[str, list[int]], list[dict[str, int]], list[dict[str, int]]],
) -> None:
    vecs, exclude, _ = case
    result = expand_matrix({**vecs, "exclude": exclude})
    for combination in result:
        assert not any(_matches(entry, combination) for entry in exclude)
    assert list(result) == [c for c in _product(vecs) if not any(_matches(e, c) for e in exclude)]


@given(matrices())
def test_include_rules(
    case: tuple[dict[str, list[int]], list[dict[str, int]], list[dict[str, int]]],
) -> None:
    vecs, exclude, include = case
    configs = expand_matrix_configurations({**vecs, "exclude": exclude, "include": include})
    result = [c.values for c in configs]
    kept = [c for c in _product(vecs) if not any(_matches(e, c) for e in exclude)]
    # Original values are never overwritten, and the cross product comes first, in order.
    assert [{k: c[k] for k in vecs} for c in result[: len(kept)]] == kept
    for i, entry in enumerate(include):
        filters = {k: v for k, v in entry.items() if k in vecs}
        # Each entry's matrix values appear somewhere (in a matched or an appended job).
        assert any(_matches(filters, c) for c in result)
        # Its extras appear unless a later entry may have overwritten them.
        later_keys = {k for later in include[i + 1 :] for k in later}
        if not (set(entry) - set(vecs)) & later_keys:
            assert any(_matches(entry, c) for c in result)
    # Appended entries are exactly the entries no kept combination matched.
    appended = [c.values for c in configs[len(kept) :]]
    unmatched = [
        e
        for e in include
        if not any(_matches({k: v for k, v in e.items() if k in vecs}, c) for c in kept)
    ]
    assert appended == unmatched


def test_include_entries_can_hide_each_other() -> None:
    # Why the property above is conditional: a later entry overwrites an earlier extra.
    result = expand_matrix({"os": [1], "include": [{"color": 1}, {"color": 2}]})
    assert result == ({"os": 1, "color": 2},)


# --- graph -----------------------------------------------------------------------------


@st.composite
def dags(draw: st.DrawFn) -> tuple[list[str], dict[str, list[str]]]:
    n = draw(st.integers(1, 12))
    names = [f"job{i}" for i in range(n)]
    # Edges only point to earlier names (acyclic); the file order is then shuffled.
    needs = {
        name: draw(st.lists(st.sampled_from(names[:i]), unique=True, max_size=3)) if i else []
        for i, name in enumerate(names)
    }
    return draw(st.permutations(names)), needs


@given(dags())
def test_topological_order_respects_needs(dag: tuple[list[str], dict[str, list[str]]]) -> None:
    ids, needs = dag
    assert find_graph_problems(ids, needs) == []
    graph = build_graph(ids, needs)
    position = {job: i for i, job in enumerate(graph.order)}
    assert sorted(graph.order) == sorted(ids)
    for job, wanted in needs.items():
        assert all(position[n] < position[job] for n in wanted)
        assert set(graph.ancestors(job)) >= set(wanted)


@given(dags())
def test_ready_set_runs_every_job_after_its_needs(
    dag: tuple[list[str], dict[str, list[str]]],
) -> None:
    ids, needs = dag
    graph = build_graph(ids, needs)
    done: list[str] = []
    while ready := graph.ready(set(done)):
        for job in ready:
            assert set(needs[job]) <= set(done)
        done.extend(ready)
    assert sorted(done) == sorted(ids)


@given(dags(), st.data())
def test_a_back_edge_always_creates_a_reported_cycle(
    dag: tuple[list[str], dict[str, list[str]]], data: st.DataObject
) -> None:
    ids, needs = dag
    graph = build_graph(ids, needs)
    job = data.draw(st.sampled_from(ids))
    ancestors = graph.ancestors(job)
    target = data.draw(st.sampled_from([*ancestors, job]))  # job itself: a self-need
    cyclic = {**needs, target: [*needs[target], job]}
    problems = find_graph_problems(ids, cyclic)
    assert problems
    assert any(
        "creates a cycle in the dependency graph" in p.message
        or (p.message == NO_ROOT and (p.hint or "").startswith("the cycle is"))
        for p in problems
    )
    for p in problems:
        if p.hint and p.hint.startswith("the cycle is"):
            cycle = p.hint.removeprefix("the cycle is ").split(" -> ")
            assert cycle[0] == cycle[-1]
            for a, b in itertools.pairwise(cycle):
                assert b in cyclic[a]
