"""Triggers for ``push``: branches vs tags, ``-ignore`` filters, paths and their reasons."""

from __future__ import annotations

import pytest

from shipyard.workflow.model import EventConfig, Workflow
from shipyard.workflow.triggers import Event, match_workflow


def workflow(*events: EventConfig) -> Workflow:
    return Workflow(
        path=".github/workflows/ci.yml", name="CI", run_name=None, events=events, jobs=()
    )


def push(ref: str, paths: tuple[str, ...] | None = ("src/app.py",)) -> Event:
    return Event(name="push", ref=ref, changed_paths=paths)


def test_push_without_filters_runs_for_branches_and_tags() -> None:
    wf = workflow(EventConfig("push"))
    branch = match_workflow(wf, push("refs/heads/main"))
    assert branch.fires
    assert branch.reason == "push to branch 'main'"
    tag = match_workflow(wf, push("refs/tags/v1.0"))
    assert tag.fires
    assert tag.reason == "push to tag 'v1.0'"
    assert tag.event_config == EventConfig("push")
    assert tag.workflow is wf


def test_branch_filter_matches() -> None:
    wf = workflow(EventConfig("push", branches=("main", "releases/**")))
    decision = match_workflow(wf, push("refs/heads/releases/1.x"))
    assert decision.fires
    assert decision.reason == (
        "push to branch 'releases/1.x'; "
        "branch 'releases/1.x' matches 'releases/**' in branches: [main, 'releases/**']"
    )


def test_branch_filter_rejects() -> None:
    wf = workflow(EventConfig("push", branches=("main", "releases/**")))
    decision = match_workflow(wf, push("refs/heads/feature/x"))
    assert not decision.fires
    assert decision.reason == ("branch 'feature/x' does not match branches: [main, 'releases/**']")


def test_negative_branch_pattern_excludes() -> None:
    wf = workflow(EventConfig("push", branches=("releases/**", "!releases/**-alpha")))
    assert match_workflow(wf, push("refs/heads/releases/10")).fires
    assert match_workflow(wf, push("refs/heads/releases/beta/mona")).fires
    decision = match_workflow(wf, push("refs/heads/releases/10-alpha"))
    assert not decision.fires
    assert decision.reason == (
        "branch 'releases/10-alpha' is excluded by '!releases/**-alpha' in "
        "branches: ['releases/**', '!releases/**-alpha']"
    )


def test_branches_ignore() -> None:
    wf = workflow(EventConfig("push", branches_ignore=("canary", "mona/octocat")))
    assert match_workflow(wf, push("refs/heads/main")).fires
    decision = match_workflow(wf, push("refs/heads/canary"))
    assert not decision.fires
    assert decision.reason == (
        "branch 'canary' is ignored by 'canary' in branches-ignore: [canary, mona/octocat]"
    )


def test_branches_ignore_with_reinclusion() -> None:
    wf = workflow(EventConfig("push", branches_ignore=("releases/**", "!releases/keep")))
    assert match_workflow(wf, push("refs/heads/releases/keep")).fires
    assert not match_workflow(wf, push("refs/heads/releases/drop")).fires


def test_only_branch_filters_skip_tag_pushes() -> None:
    wf = workflow(EventConfig("push", branches=("main",)))
    decision = match_workflow(wf, push("refs/tags/v1"))
    assert not decision.fires
    assert decision.reason == (
        "tag 'v1' was pushed, but on.push filters only branches (branches: [main])"
    )


def test_only_branches_ignore_also_skips_tag_pushes() -> None:
    wf = workflow(EventConfig("push", branches_ignore=("wip/**",)))
    decision = match_workflow(wf, push("refs/tags/v1"))
    assert not decision.fires
    assert decision.reason == (
        "tag 'v1' was pushed, but on.push filters only branches (branches-ignore: ['wip/**'])"
    )


def test_only_tag_filters_skip_branch_pushes() -> None:
    wf = workflow(EventConfig("push", tags=("v*",)))
    decision = match_workflow(wf, push("refs/heads/main"))
    assert not decision.fires
    assert (
        decision.reason == "branch 'main' was pushed, but on.push filters only tags (tags: ['v*'])"
    )
    tag = match_workflow(wf, push("refs/tags/v2.0"))
    assert tag.fires
    assert tag.reason == "push to tag 'v2.0'; tag 'v2.0' matches 'v*' in tags: ['v*']"


def test_tags_ignore() -> None:
    wf = workflow(EventConfig("push", tags_ignore=("v1.*",)))
    assert match_workflow(wf, push("refs/tags/v2.0")).fires
    decision = match_workflow(wf, push("refs/tags/v1.9"))
    assert not decision.fires
    assert decision.reason == "tag 'v1.9' is ignored by 'v1.*' in tags-ignore: ['v1.*']"
    assert not match_workflow(wf, push("refs/heads/main")).fires


def test_branches_and_tags_each_apply_to_their_own_refs() -> None:
    wf = workflow(EventConfig("push", branches=("main",), tags=("v[0-9]+",)))
    assert match_workflow(wf, push("refs/heads/main")).fires
    assert match_workflow(wf, push("refs/tags/v10")).fires
    assert not match_workflow(wf, push("refs/heads/dev")).fires
    decision = match_workflow(wf, push("refs/tags/nightly"))
    assert decision.reason == "tag 'nightly' does not match tags: ['v[0-9]+']"


def test_branches_and_branches_ignore_both_apply() -> None:
    # GitHub rejects this combination when reading the file; if it gets here, both apply.
    wf = workflow(EventConfig("push", branches=("**",), branches_ignore=("wip",)))
    assert match_workflow(wf, push("refs/heads/main")).fires
    assert not match_workflow(wf, push("refs/heads/wip")).fires


def test_empty_filter_lists_count_as_absent() -> None:
    wf = workflow(EventConfig("push", branches=(), tags=()))
    assert match_workflow(wf, push("refs/heads/main")).fires
    assert match_workflow(wf, push("refs/tags/v1")).fires


def test_paths_only_runs_for_branches_and_tags() -> None:
    wf = workflow(EventConfig("push", paths=("docs/**",)))
    assert not match_workflow(wf, push("refs/heads/main", ("src/a.py",))).fires
    assert match_workflow(wf, push("refs/heads/main", ("docs/a.md",))).fires
    tag = match_workflow(wf, push("refs/tags/v1", ("src/a.py",)))
    assert tag.fires
    assert tag.reason == "push to tag 'v1'; path filters are not evaluated for tags"


def test_paths_include_and_exclude() -> None:
    wf = workflow(EventConfig("push", paths=("sub-project/**", "!sub-project/docs/**")))
    assert match_workflow(wf, push("refs/heads/main", ("sub-project/index.js",))).fires
    assert match_workflow(wf, push("refs/heads/main", ("sub-project/src/index.js",))).fires
    decision = match_workflow(wf, push("refs/heads/main", ("sub-project/docs/readme.md",)))
    assert not decision.fires
    assert decision.reason == (
        "no changed path matches paths: ['sub-project/**', '!sub-project/docs/**'] "
        "(changed: 'sub-project/docs/readme.md')"
    )


def test_paths_one_matching_path_is_enough() -> None:
    wf = workflow(EventConfig("push", paths=("**.js",)))
    decision = match_workflow(wf, push("refs/heads/main", ("README.md", "src/app.js")))
    assert decision.fires
    assert decision.reason == (
        "push to branch 'main'; changed path 'src/app.js' matches '**.js' in paths: ['**.js']"
    )


def test_paths_reason_lists_at_most_three_changed_paths() -> None:
    wf = workflow(EventConfig("push", paths=("src/**",)))
    decision = match_workflow(wf, push("refs/heads/main", ("a", "b", "c", "d", "e")))
    assert (
        decision.reason
        == "no changed path matches paths: ['src/**'] (changed: 'a', 'b', 'c' and 2 more)"
    )


def test_paths_ignore_runs_unless_every_path_is_ignored() -> None:
    wf = workflow(EventConfig("push", paths_ignore=("docs/**", "**.md")))
    mixed = match_workflow(wf, push("refs/heads/main", ("docs/a.md", "src/app.py")))
    assert mixed.fires
    assert mixed.reason == (
        "push to branch 'main'; changed path 'src/app.py' is not ignored by "
        "paths-ignore: ['docs/**', '**.md']"
    )
    only_docs = match_workflow(wf, push("refs/heads/main", ("docs/a.md", "README.md")))
    assert not only_docs.fires
    assert only_docs.reason == (
        "every changed path is ignored by paths-ignore: ['docs/**', '**.md'] "
        "(changed: 'docs/a.md', 'README.md')"
    )


def test_paths_ignore_negation_reincludes() -> None:
    wf = workflow(EventConfig("push", paths_ignore=("docs/**", "!docs/api/**")))
    assert match_workflow(wf, push("refs/heads/main", ("docs/api/x.md",))).fires
    assert not match_workflow(wf, push("refs/heads/main", ("docs/guide.md",))).fires


@pytest.mark.parametrize(
    ("config", "reason"),
    [
        (EventConfig("push", paths=("**",)), "no files changed, so nothing matches paths: ['**']"),
        (
            EventConfig("push", paths_ignore=("docs/**",)),
            "no files changed, so nothing is left unignored by paths-ignore: ['docs/**']",
        ),
    ],
)
def test_no_changed_files_means_no_run_with_path_filters(config: EventConfig, reason: str) -> None:
    decision = match_workflow(workflow(config), push("refs/heads/main", ()))
    assert not decision.fires
    assert decision.reason == reason


def test_no_changed_files_without_path_filters_runs() -> None:
    assert match_workflow(workflow(EventConfig("push")), push("refs/heads/main", ())).fires


def test_unknown_changes_pass_path_filters() -> None:
    wf = workflow(EventConfig("push", paths=("docs/**",)))
    decision = match_workflow(wf, push("refs/heads/main", None))
    assert decision.fires
    assert (
        decision.reason == "push to branch 'main'; changed paths are unknown, so path filters pass"
    )


def test_branches_and_paths_must_both_pass() -> None:
    wf = workflow(EventConfig("push", branches=("main",), paths=("src/**",)))
    assert match_workflow(wf, push("refs/heads/main", ("src/a.py",))).fires
    assert not match_workflow(wf, push("refs/heads/dev", ("src/a.py",))).fires
    assert not match_workflow(wf, push("refs/heads/main", ("docs/a.md",))).fires
    both = match_workflow(wf, push("refs/heads/main", ("src/a.py",)))
    assert both.reason == (
        "push to branch 'main'; branch 'main' matches 'main' in branches: [main]; "
        "changed path 'src/a.py' matches 'src/**' in paths: ['src/**']"
    )


def test_bare_ref_counts_as_a_branch() -> None:
    wf = workflow(EventConfig("push", branches=("main",)))
    assert match_workflow(wf, push("main")).fires


def test_other_refs_do_not_pass_ref_filters() -> None:
    wf = workflow(EventConfig("push", branches=("**",)))
    decision = match_workflow(wf, push("refs/notes/commits"))
    assert not decision.fires
    assert decision.reason == (
        "ref 'refs/notes/commits' is neither a branch nor a tag, and on.push filters them"
    )
    assert match_workflow(workflow(EventConfig("push")), push("refs/notes/commits")).fires


def test_invalid_pattern_does_not_fire_and_says_why() -> None:
    wf = workflow(EventConfig("push", branches=("release/[0-9",)))
    decision = match_workflow(wf, push("refs/heads/main"))
    assert not decision.fires
    assert (
        decision.reason
        == "invalid filter pattern 'release/[0-9': '[' at column 9 has no closing ']'"
    )
