"""The needs graph: GitHub's messages, named cycles, order, reachability, ready set."""

from __future__ import annotations

import pytest

from shipyard.errors import UserError
from shipyard.workflow.graph import (
    NO_ROOT,
    GraphError,
    GraphProblem,
    build_graph,
    find_graph_problems,
)

CYCLE = "Job '{}' depends on job '{}' which creates a cycle in the dependency graph."


def test_valid_graph_has_no_problems() -> None:
    assert find_graph_problems(["a", "b"], {"b": ["a"]}) == []


def test_unknown_need() -> None:
    assert find_graph_problems(["build", "test"], {"test": ["biuld"]}) == [
        GraphProblem(
            "test",
            "Job 'test' depends on unknown job 'biuld'.",
            need="biuld",
            hint="did you mean 'build'? (jobs: build, test)",
        )
    ]


def test_unknown_need_without_close_match_lists_the_jobs() -> None:
    [problem] = find_graph_problems(["a", "b"], {"b": ["zzzzzz"]})
    assert problem.hint == "the jobs are: a, b"


def test_cycle_is_reported_per_edge_and_named_in_hint() -> None:
    problems = find_graph_problems(["root", "a", "b", "c"], {"a": ["c"], "b": ["a"], "c": ["b"]})
    assert [(p.job_id, p.message, p.need, p.hint) for p in problems] == [
        ("a", CYCLE.format("a", "c"), "c", "the cycle is a -> c -> b -> a"),
        ("b", CYCLE.format("b", "a"), "a", "the cycle is b -> a -> c -> b"),
        ("c", CYCLE.format("c", "b"), "b", "the cycle is c -> b -> a -> c"),
    ]


def test_self_need_is_a_cycle() -> None:
    [problem] = find_graph_problems(["root", "a"], {"a": ["a"]})
    assert problem.message == CYCLE.format("a", "a")
    assert problem.hint == "the cycle is a -> a"


def test_job_downstream_of_a_cycle_gets_githubs_cycle_message() -> None:
    problems = find_graph_problems(
        ["root", "a", "b", "c", "d"], {"a": ["b"], "b": ["a"], "c": ["a"], "d": ["c"]}
    )
    by_job = {(p.job_id, p.need): p.hint for p in problems}
    assert [p.message for p in problems][2:] == [CYCLE.format("c", "a"), CYCLE.format("d", "c")]
    assert by_job[("c", "a")] == "job 'a' is part of the cycle a -> b -> a"
    assert by_job[("d", "c")] == "job 'c' waits on the cycle a -> b -> a"


def test_job_blocked_by_an_unknown_job_upstream() -> None:
    # GitHub calls this a cycle too; the hint says what really happens.
    problems = find_graph_problems(["root", "b", "c"], {"b": ["x"], "c": ["b"]})
    assert [(p.message, p.hint) for p in problems] == [
        ("Job 'b' depends on unknown job 'x'.", "the jobs are: root, b, c"),
        (CYCLE.format("c", "b"), "job 'b' can never run: it depends on unknown job 'x'"),
    ]


def test_workflow_without_a_root_job() -> None:
    assert find_graph_problems(["a", "b"], {"a": ["b"], "b": ["a"]}) == [
        GraphProblem(
            None,
            "The workflow must contain at least one job with no dependencies.",
            hint="the cycle is a -> b -> a",
        )
    ]


def test_workflow_without_a_root_job_and_no_cycle() -> None:
    [problem] = find_graph_problems(["a"], {"a": ["x"]})
    assert problem.message == "The workflow must contain at least one job with no dependencies."
    assert problem.hint == "job 'a' needs 'x', which is no job of this workflow"


def test_problems_keep_file_order_and_need_order() -> None:
    problems = find_graph_problems(["r", "z", "y"], {"z": ["q", "r", "p"], "y": ["o"]})
    assert [p.message for p in problems] == [
        "Job 'z' depends on unknown job 'q'.",
        "Job 'z' depends on unknown job 'p'.",
        "Job 'y' depends on unknown job 'o'.",
    ]


def test_empty_workflow_has_no_root_job() -> None:
    [problem] = find_graph_problems([], {})
    assert problem.message == NO_ROOT and problem.hint == "add a job under `jobs:`"


def test_build_graph_raises_with_every_problem() -> None:
    with pytest.raises(GraphError) as caught:
        build_graph(["a", "b"], {"b": ["x", "y"]})
    error = caught.value
    assert isinstance(error, UserError)
    assert error.message == (
        "Job 'b' depends on unknown job 'x'.\nJob 'b' depends on unknown job 'y'."
    )
    assert len(error.problems) == 2


def test_build_graph_error_carries_the_cycle_hint() -> None:
    with pytest.raises(GraphError) as caught:
        build_graph(["r", "a", "b"], {"a": ["b"], "b": ["a"]})
    assert caught.value.hint == "the cycle is a -> b -> a"
    assert "hint: the cycle is a -> b -> a" in caught.value.render()


def test_ids_are_case_insensitive_and_spelled_as_defined() -> None:
    graph = build_graph(["Build", "test"], {"TEST": ["BUILD", "build"]})
    assert graph.needs["test"] == ("Build",)
    assert graph.canonical("bUiLd") == "Build"
    assert "BUILD" in graph
    assert "deploy" not in graph
    with pytest.raises(KeyError):
        graph.canonical("deploy")


def test_topological_order_is_stable_by_file_order() -> None:
    graph = build_graph(
        ["deploy", "lint", "build", "test", "docs"],
        {"deploy": ["test", "docs"], "test": ["build"], "docs": []},
    )
    assert graph.order == ("lint", "build", "test", "docs", "deploy")
    assert build_graph(["a", "b", "c"], {}).order == ("a", "b", "c")


def test_reachability() -> None:
    graph = build_graph(
        ["lint", "build", "test", "package", "deploy"],
        {"test": ["build"], "package": ["build"], "deploy": ["test", "package", "lint"]},
    )
    assert graph.ancestors("deploy") == ("lint", "build", "test", "package")
    assert graph.ancestors("lint") == ()
    assert graph.descendants("build") == ("test", "package", "deploy")
    assert graph.closure(["test"]) == ("build", "test")
    assert graph.closure(["Test", "lint"]) == ("lint", "build", "test")
    assert graph.needs_of("DEPLOY") == ("test", "package", "lint")
    assert graph.dependents_of("build") == ("test", "package")


def test_ready_set() -> None:
    graph = build_graph(["a", "b", "c", "d"], {"c": ["a", "b"], "d": ["c"]})
    assert graph.ready(set()) == ["a", "b"]
    assert graph.ready({"a"}) == ["b"]
    assert graph.ready({"a"}, started={"B"}) == []
    assert graph.ready({"a", "b"}) == ["c"]
    assert graph.ready({"A", "B", "C", "D"}) == []
