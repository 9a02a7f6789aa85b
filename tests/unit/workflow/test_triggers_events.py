"""Triggers for pull requests, schedules, dispatch, calls, workflow_run and other events."""

from __future__ import annotations

import pytest

from shipyard.workflow.model import EventConfig, Schedule, Workflow
from shipyard.workflow.triggers import (
    DEFAULT_TYPES,
    Event,
    find_skip_ci,
    match_workflow,
    match_workflows,
)


def workflow(*events: EventConfig, path: str = ".github/workflows/ci.yml") -> Workflow:
    return Workflow(path=path, name=None, run_name=None, events=events, jobs=())


def pr(
    action: str = "opened", base: str = "main", paths: tuple[str, ...] | None = ("a.py",)
) -> Event:
    return Event(
        name="pull_request", action=action, base_ref=base, head_ref="feature", changed_paths=paths
    )


def test_workflow_not_listening() -> None:
    wf = workflow(EventConfig("push"), EventConfig("workflow_dispatch"))
    decision = match_workflow(wf, pr())
    assert not decision.fires
    assert decision.event_config is None
    assert (
        decision.reason
        == "workflow does not listen to 'pull_request' (on: push, workflow_dispatch)"
    )


def test_workflow_with_no_events() -> None:
    decision = match_workflow(workflow(), Event("push", ref="refs/heads/main"))
    assert decision.reason == "workflow does not listen to 'push' (on: nothing)"


@pytest.mark.parametrize("action", ["opened", "synchronize", "reopened"])
def test_pull_request_default_types_fire(action: str) -> None:
    decision = match_workflow(workflow(EventConfig("pull_request")), pr(action))
    assert decision.fires
    assert decision.reason == (
        f"pull_request '{action}' into 'main'; activity type '{action}' is in types: "
        "[opened, synchronize, reopened] (the default for pull_request)"
    )


@pytest.mark.parametrize("action", ["closed", "labeled", "edited", "ready_for_review"])
def test_pull_request_other_types_need_types(action: str) -> None:
    decision = match_workflow(workflow(EventConfig("pull_request")), pr(action))
    assert not decision.fires
    assert decision.reason == (
        f"activity type '{action}' is not in types: [opened, synchronize, reopened] "
        "(the default for pull_request)"
    )


def test_pull_request_target_has_the_same_defaults() -> None:
    wf = workflow(EventConfig("pull_request_target"))
    event = Event("pull_request_target", action="closed", base_ref="main")
    assert not match_workflow(wf, event).fires
    assert DEFAULT_TYPES["pull_request_target"] == ("opened", "synchronize", "reopened")


def test_explicit_types_replace_the_defaults() -> None:
    wf = workflow(EventConfig("pull_request", types=("closed", "labeled")))
    assert match_workflow(wf, pr("closed")).fires
    decision = match_workflow(wf, pr("opened"))
    assert not decision.fires
    assert decision.reason == "activity type 'opened' is not in types: [closed, labeled]"


def test_pull_request_branches_match_the_base_branch() -> None:
    wf = workflow(EventConfig("pull_request", branches=("main", "releases/**")))
    assert match_workflow(wf, pr(base="releases/2")).fires
    decision = match_workflow(wf, pr(base="dev"))
    assert not decision.fires
    assert decision.reason == "base branch 'dev' does not match branches: [main, 'releases/**']"


def test_pull_request_base_ref_may_be_a_full_ref() -> None:
    wf = workflow(EventConfig("pull_request", branches=("main",)))
    assert match_workflow(wf, pr(base="refs/heads/main")).fires


def test_pull_request_branches_ignore() -> None:
    wf = workflow(
        EventConfig("pull_request", branches_ignore=("mona/octocat", "releases/**-alpha"))
    )
    assert match_workflow(wf, pr(base="releases/2")).fires
    decision = match_workflow(wf, pr(base="releases/2-alpha"))
    assert decision.reason == (
        "base branch 'releases/2-alpha' is ignored by 'releases/**-alpha' in "
        "branches-ignore: [mona/octocat, 'releases/**-alpha']"
    )


def test_pull_request_without_base_branch_fails_branch_filters() -> None:
    wf = workflow(EventConfig("pull_request", branches=("main",)))
    decision = match_workflow(wf, Event("pull_request", action="opened"))
    assert not decision.fires
    assert decision.reason == "the event has no base branch, and branches: [main] needs one"


def test_pull_request_paths() -> None:
    wf = workflow(EventConfig("pull_request", paths=("**.js",)))
    assert match_workflow(wf, pr(paths=("src/app.js",))).fires
    assert not match_workflow(wf, pr(paths=("src/app.py",))).fires
    assert match_workflow(wf, pr(paths=None)).fires


def test_pull_request_types_are_checked_before_branches() -> None:
    wf = workflow(EventConfig("pull_request", branches=("main",)))
    decision = match_workflow(wf, pr("closed", base="dev"))
    assert decision.reason.startswith("activity type 'closed'")


def test_event_without_action_skips_types() -> None:
    wf = workflow(EventConfig("pull_request"))
    assert match_workflow(wf, Event("pull_request", base_ref="main")).fires


def test_merge_group_filters_the_base_branch_and_has_no_paths() -> None:
    wf = workflow(EventConfig("merge_group", branches=("main",), paths=("docs/**",)))
    event = Event(
        "merge_group", action="checks_requested", base_ref="main", changed_paths=("src/a",)
    )
    assert match_workflow(wf, event).fires
    assert not match_workflow(wf, Event("merge_group", base_ref="dev")).fires


def test_other_events_run_for_every_type_by_default() -> None:
    wf = workflow(EventConfig("release"))
    decision = match_workflow(wf, Event("release", action="deleted"))
    assert decision.fires
    assert decision.reason == "release 'deleted'"


def test_other_events_with_types() -> None:
    wf = workflow(EventConfig("release", types=("published",)))
    assert match_workflow(wf, Event("release", action="published")).fires
    decision = match_workflow(wf, Event("release", action="created"))
    assert decision.reason == "activity type 'created' is not in types: [published]"


def test_schedule_fires_for_its_own_cron() -> None:
    wf = workflow(
        EventConfig("schedule", schedules=(Schedule("30 5 * * 1,3"), Schedule("0 0 * * *")))
    )
    decision = match_workflow(wf, Event("schedule", schedule="0 0 * * *"))
    assert decision.fires
    assert (
        decision.reason
        == "schedule '0 0 * * *'; cron '0 0 * * *' is one of this workflow's schedules"
    )


def test_schedule_does_not_fire_for_another_cron() -> None:
    wf = workflow(EventConfig("schedule", schedules=(Schedule("30 5 * * 1,3"),)))
    decision = match_workflow(wf, Event("schedule", schedule="0 0 * * *"))
    assert not decision.fires
    assert decision.reason == (
        "cron '0 0 * * *' is not one of this workflow's schedules ['30 5 * * 1,3']"
    )


def test_schedule_event_without_cron_fires_any_schedule() -> None:
    wf = workflow(EventConfig("schedule", schedules=(Schedule("0 0 * * *"),)))
    decision = match_workflow(wf, Event("schedule"))
    assert decision.fires
    assert decision.reason == "schedule"


def test_schedule_without_entries_never_fires() -> None:
    decision = match_workflow(workflow(EventConfig("schedule")), Event("schedule"))
    assert not decision.fires
    assert decision.reason == "on: schedule lists no cron entries"


def test_workflow_dispatch_fires_when_listed() -> None:
    wf = workflow(EventConfig("workflow_dispatch"))
    decision = match_workflow(
        wf, Event("workflow_dispatch", ref="refs/heads/main", inputs={"x": "1"})
    )
    assert decision.fires
    assert decision.reason == "workflow_dispatch"
    assert not match_workflow(workflow(EventConfig("push")), Event("workflow_dispatch")).fires


def test_workflow_call_never_fires_from_an_event() -> None:
    decision = match_workflow(workflow(EventConfig("workflow_call")), Event("workflow_call"))
    assert not decision.fires
    assert decision.reason == (
        "on: workflow_call runs only when another workflow calls it (jobs.<id>.uses)"
    )


def test_workflow_run_matches_workflow_names() -> None:
    wf = workflow(EventConfig("workflow_run", workflows=("Build", "Test"), types=("completed",)))
    event = Event("workflow_run", action="completed", workflow_name="Build", head_ref="main")
    decision = match_workflow(wf, event)
    assert decision.fires
    assert decision.reason == (
        "workflow_run 'completed' of 'Build'; activity type 'completed' is in types: [completed]; "
        "workflow 'Build' is in workflows: ['Build', 'Test']"
    )
    other = match_workflow(wf, Event("workflow_run", action="completed", workflow_name="Lint"))
    assert not other.fires
    assert other.reason == "workflow 'Lint' is not in workflows: ['Build', 'Test']"


def test_workflow_run_branches_match_the_triggering_runs_branch() -> None:
    wf = workflow(
        EventConfig(
            "workflow_run", workflows=("Build",), branches=("releases/**", "!releases/**-alpha")
        )
    )
    hit = Event("workflow_run", action="requested", workflow_name="Build", head_ref="releases/10")
    assert match_workflow(wf, hit).fires
    miss = Event(
        "workflow_run", action="requested", workflow_name="Build", head_ref="releases/10-alpha"
    )
    assert match_workflow(wf, miss).reason == (
        "branch 'releases/10-alpha' is excluded by '!releases/**-alpha' in "
        "branches: ['releases/**', '!releases/**-alpha']"
    )


def test_workflow_run_needs_workflows_and_a_name() -> None:
    assert match_workflow(workflow(EventConfig("workflow_run")), Event("workflow_run")).reason == (
        "on: workflow_run lists no workflows"
    )
    wf = workflow(EventConfig("workflow_run", workflows=("Build",)))
    assert match_workflow(wf, Event("workflow_run")).reason == (
        "the workflow_run event names no workflow, and workflows: ['Build'] needs one"
    )


def test_match_workflows_decides_for_each_workflow_in_order() -> None:
    ci = workflow(EventConfig("push", branches=("main",)), path="ci.yml")
    docs = workflow(EventConfig("push", paths=("docs/**",)), path="docs.yml")
    nightly = workflow(
        EventConfig("schedule", schedules=(Schedule("0 0 * * *"),)), path="nightly.yml"
    )
    event = Event("push", ref="refs/heads/main", changed_paths=("src/a.py",))
    decisions = match_workflows([ci, docs, nightly], event)
    assert [(d.workflow.path, d.fires) for d in decisions] == [
        ("ci.yml", True),
        ("docs.yml", False),
        ("nightly.yml", False),
    ]
    assert all(d.event is event for d in decisions)


@pytest.mark.parametrize(
    ("message", "found"),
    [
        ("docs [skip ci]", "[skip ci]"),
        ("Docs [CI SKIP]", "[ci skip]"),
        ("[no ci] typo", "[no ci]"),
        ("x [skip actions]", "[skip actions]"),
        ("x [actions skip]", "[actions skip]"),
        ("fix\n\nbody\n\nskip-checks: true", "skip-checks: true"),
        ("fix\n\nCo-authored-by: a <a@a>\nskip-checks:true\n", "skip-checks:true"),
        ("skip-checks: true", None),  # the subject is no trailer
        ("fix\nskip-checks: true", None),  # no blank line above it
        ("fix\n\nskip-checks: true\nSigned-off-by: a", None),  # not the last line
        ("skip ci, please", None),
    ],
)
def test_find_skip_ci(message: str, found: str | None) -> None:
    assert find_skip_ci(message) == found


def test_skip_ci_stops_push_and_pull_request_workflows_that_would_fire() -> None:
    wf = workflow(EventConfig("push", branches=("main",)), EventConfig("pull_request"))
    push = Event("push", ref="refs/heads/main", skip_ci="[skip ci]")
    decision = match_workflow(wf, push)
    assert not decision.fires
    assert decision.reason == (
        "the head commit's message says '[skip ci]': GitHub runs no push or pull_request "
        "workflow for it"
    )
    other_branch = Event("push", ref="refs/heads/dev", skip_ci="[skip ci]")
    assert match_workflow(wf, other_branch).reason == "branch 'dev' does not match branches: [main]"
    assert not match_workflow(wf, Event("pull_request", action="opened", base_ref="main",
                                        skip_ci="[no ci]")).fires  # fmt: skip
    target = workflow(EventConfig("pull_request_target"))
    event = Event("pull_request_target", action="opened", base_ref="main", skip_ci="[skip ci]")
    assert match_workflow(target, event).fires


def test_the_event_names_are_those_of_githubs_workflow_schema() -> None:
    from shipyard.workflow.schema import MappingDefinition, workflow_schema
    from shipyard.workflow.triggers import EVENT_NAMES

    definition = workflow_schema().get_definition("on-mapping-strict")
    assert isinstance(definition, MappingDefinition)
    assert set(definition.properties) == EVENT_NAMES
