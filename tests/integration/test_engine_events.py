"""Events built from real git repositories: refs, changed paths, payloads, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shipyard.engine.events import ZERO_SHA, build_event
from shipyard.errors import UserError
from shipyard.repository import remote_slug
from shipyard.testing.gitrepo import git, isolate_git, write_files

DATE = "2024-01-02T03:04:05+01:00"


@pytest.fixture(autouse=True)
def git_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate_git(tmp_path, monkeypatch, date=DATE)


def commit(repo: Path, message: str, files: dict[str, str] | None = None) -> str:
    write_files(repo, files or {})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """``main`` with two commits: a.txt and b.txt, then a.txt changed and c.txt added."""
    path = tmp_path / "project"
    path.mkdir()
    git(path, "init", "-q", "--template=", "-b", "main")
    commit(path, "first", {"a.txt": "a", "b.txt": "b"})
    commit(path, "second\n\nwith a body", {"a.txt": "a2", "c.txt": "c"})
    return path


def test_push_from_the_current_branch(repo: Path) -> None:
    before, after = git(repo, "rev-parse", "HEAD~1"), git(repo, "rev-parse", "HEAD")
    local = build_event(repo)
    assert local.event.name == "push"
    assert local.event.ref == "refs/heads/main"
    assert local.event.changed_paths == ("a.txt", "c.txt")
    assert local.github == {
        "event_name": "push",
        "ref": "refs/heads/main",
        "ref_name": "main",
        "ref_type": "branch",
        "sha": after,
        "base_ref": "",
        "head_ref": "",
        "repository": "local/project",
        "repository_owner": "local",
        "repositoryUrl": "git://github.com/local/project.git",
        "server_url": "https://github.com",
        "api_url": "https://api.github.com",
        "graphql_url": "https://api.github.com/graphql",
        "actor": "shipyard",
        "triggering_actor": "shipyard",
    }
    payload = local.payload
    assert (payload["ref"], payload["before"], payload["after"]) == (
        "refs/heads/main",
        before,
        after,
    )
    assert (payload["created"], payload["deleted"], payload["forced"]) == (False, False, False)
    assert payload["base_ref"] is None
    assert payload["compare"] == (
        f"https://github.com/local/project/compare/{before[:12]}...{after[:12]}"
    )
    assert payload["commits"] == [
        {
            "id": after,
            "tree_id": git(repo, "rev-parse", "HEAD^{tree}"),
            "distinct": True,
            "message": "second\n\nwith a body",
            "timestamp": DATE,
            "url": f"https://github.com/local/project/commit/{after}",
            "author": {"name": "Mona", "email": "mona@example.com"},
            "committer": {"name": "Mona", "email": "mona@example.com"},
            "added": ["c.txt"],
            "removed": [],
            "modified": ["a.txt"],
        }
    ]
    assert payload["head_commit"] == payload["commits"][0]
    assert payload["repository"] == {
        "name": "project",
        "full_name": "local/project",
        "owner": {"login": "local", "name": "local"},
        "html_url": "https://github.com/local/project",
        "clone_url": "https://github.com/local/project.git",
        "default_branch": "main",
        "master_branch": "main",
    }
    assert payload["pusher"] == {"name": "shipyard", "email": None}
    assert payload["sender"] == {"login": "shipyard", "type": "User"}
    json.dumps(payload)  # the payload is written to GITHUB_EVENT_PATH


def test_changed_paths_include_uncommitted_and_untracked_files(repo: Path) -> None:
    write_files(repo, {".gitignore": "*.log\n", "b.txt": "edited", "new/untracked.txt": "u"})
    write_files(repo, {"staged.txt": "s", "debug.log": "ignored"})
    git(repo, "add", "staged.txt")
    (repo / "c.txt").unlink()
    before = _git_files(repo)
    changed = build_event(repo).event.changed_paths
    assert changed == (".gitignore", "a.txt", "b.txt", "c.txt", "new/untracked.txt", "staged.txt")
    assert _git_files(repo) == before  # reading the status did not even refresh the index


def _git_files(repo: Path) -> dict[str, tuple[int, bytes]]:
    return {
        p.relative_to(repo).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
        for p in (repo / ".git").rglob("*")
        if p.is_file()
    }


def test_root_commit_push_is_a_created_branch(tmp_path: Path) -> None:
    repo = tmp_path / "fresh"
    repo.mkdir()
    git(repo, "init", "-q", "--template=", "-b", "main")
    sha = commit(repo, "root", {"x/y.txt": "y", "z.txt": "z"})
    local = build_event(repo)
    assert local.payload["before"] == ZERO_SHA
    assert local.payload["created"] is True
    assert local.payload["compare"] == "https://github.com/local/fresh/compare/main"
    assert [c["id"] for c in local.payload["commits"]] == [sha]
    assert local.payload["commits"][0]["added"] == ["x/y.txt", "z.txt"]
    assert local.event.changed_paths == ("x/y.txt", "z.txt")


def test_merge_commit_lists_the_merged_commits_oldest_first(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "topic")
    topic = commit(repo, "topic work", {"t.txt": "t"})
    git(repo, "checkout", "-q", "main")
    commit(repo, "main work", {"m.txt": "m"})
    git(repo, "merge", "-q", "--no-edit", "topic")
    merge = git(repo, "rev-parse", "HEAD")
    payload = build_event(repo).payload
    assert [c["id"] for c in payload["commits"]] == [topic, merge]
    assert payload["commits"][1]["added"] == ["t.txt"]  # against the first parent
    assert payload["head_commit"]["id"] == merge
    assert build_event(repo).event.changed_paths == ("t.txt",)


def test_ref_prefers_a_tag_then_a_branch(repo: Path) -> None:
    first = git(repo, "rev-parse", "HEAD~1")
    git(repo, "tag", "-a", "-m", "release", "v1", "HEAD~1")
    git(repo, "branch", "stable", "HEAD~1")
    write_files(repo, {"dirty.txt": "not part of v1"})
    tag = build_event(repo, ref="v1")
    assert tag.event.ref == "refs/tags/v1"
    assert (tag.github["ref_name"], tag.github["ref_type"], tag.github["sha"]) == (
        "v1",
        "tag",
        first,
    )
    assert tag.event.changed_paths == ("a.txt", "b.txt")  # a root commit; nothing uncommitted
    branch = build_event(repo, ref="stable")
    assert (branch.event.ref, branch.github["ref_type"]) == ("refs/heads/stable", "branch")
    assert build_event(repo, ref="refs/tags/v1").github["sha"] == first
    with pytest.raises(UserError) as caught:
        build_event(repo, ref="nope")
    assert caught.value.message == "no branch or tag named 'nope'"
    assert caught.value.hint == "list them with git branch --all and git tag"


def test_detached_head_needs_a_ref(repo: Path) -> None:
    git(repo, "checkout", "-q", "--detach", "HEAD~1")
    short = git(repo, "rev-parse", "--short=7", "HEAD")
    with pytest.raises(UserError) as caught:
        build_event(repo)
    assert (
        caught.value.message == f"HEAD is detached at {short}, so there is no branch for the event"
    )
    assert caught.value.hint == "pass --ref with a branch or tag name, or check out a branch"
    assert build_event(repo, ref="main").event.ref == "refs/heads/main"


@pytest.mark.parametrize(
    ("url", "slug"),
    [
        ("https://github.com/octo/hello.git", ("octo", "hello")),
        ("https://github.com/octo/hello", ("octo", "hello")),
        ("https://token@github.com/octo/hello/", ("octo", "hello")),
        ("http://ghe.example.com:8080/octo/hello.git", ("octo", "hello")),
        ("git@github.com:octo/hello.git", ("octo", "hello")),
        ("github.com:octo/hello", ("octo", "hello")),
        ("ssh://git@github.com:22/octo/hello.git", ("octo", "hello")),
        ("git://github.com/octo/hello.git", ("octo", "hello")),
        ("/srv/git/hello.git", None),
        ("file:///srv/git/octo/hello.git", None),
        ("../hello", None),
        ("https://gitlab.com/group/sub/hello.git", None),
        ("C:\\repos\\hello", None),
    ],
)
def test_remote_slug(url: str, slug: tuple[str, str] | None) -> None:
    assert remote_slug(url) == slug


def test_repository_and_actor_from_git(repo: Path) -> None:
    git(repo, "remote", "add", "origin", "git@github.com:octo/hello.git")
    git(repo, "config", "user.name", "Octo Cat")
    git(repo, "config", "user.email", "octo@example.com")
    local = build_event(repo)
    assert local.github["repository"] == "octo/hello"
    assert local.github["repository_owner"] == "octo"
    assert local.github["repositoryUrl"] == "git://github.com/octo/hello.git"
    assert local.github["actor"] == local.github["triggering_actor"] == "Octo Cat"
    assert local.payload["pusher"] == {"name": "Octo Cat", "email": "octo@example.com"}
    assert local.payload["repository"]["full_name"] == "octo/hello"


def test_a_subfolder_gives_paths_from_the_top(repo: Path) -> None:
    write_files(repo, {"pkg/mod.py": "x"})
    local = build_event(repo / "pkg")
    assert local.event.changed_paths == ("a.txt", "c.txt", "pkg/mod.py")
    assert local.github["repository"] == "local/project"


def _feature_branch(repo: Path) -> tuple[str, str]:
    """``feature`` off main's first commit, main moved on; returns (main sha, feature sha)."""
    git(repo, "checkout", "-q", "-b", "feature", "HEAD~1")
    feature = commit(repo, "Add the feature\n\nIt does things.", {"f.txt": "f"})
    return git(repo, "rev-parse", "main"), feature


def test_pull_request_into_the_default_branch(repo: Path) -> None:
    main, feature = _feature_branch(repo)
    write_files(repo, {"wip.txt": "uncommitted"})
    local = build_event(repo, name="pull_request")
    event = local.event
    assert (event.name, event.ref, event.action) == ("pull_request", "refs/pull/1/merge", "opened")
    assert (event.base_ref, event.head_ref) == ("main", "feature")
    assert event.changed_paths == ("f.txt", "wip.txt")  # main's own changes are not the PR's
    github = local.github
    assert (github["ref"], github["ref_name"], github["ref_type"]) == (
        "refs/pull/1/merge",
        "1/merge",
        "branch",
    )
    assert (github["sha"], github["base_ref"], github["head_ref"]) == (feature, "main", "feature")
    payload = local.payload
    assert (payload["action"], payload["number"]) == ("opened", 1)
    pull = payload["pull_request"]
    assert (pull["number"], pull["title"], pull["body"]) == (
        1,
        "Add the feature",
        "It does things.",
    )
    assert (pull["state"], pull["draft"], pull["merged"], pull["labels"]) == (
        "open",
        False,
        False,
        [],
    )
    assert pull["html_url"] == "https://github.com/local/project/pull/1"
    assert pull["user"] == {"login": "shipyard"}
    head, base = pull["head"], pull["base"]
    assert (head["ref"], head["sha"], head["label"]) == ("feature", feature, "local:feature")
    assert (base["ref"], base["sha"], base["label"]) == ("main", main, "local:main")
    assert head["repo"] == base["repo"] == payload["repository"]
    assert payload["sender"] == {"login": "shipyard", "type": "User"}


def test_pull_request_activity_and_explicit_base(repo: Path) -> None:
    git(repo, "branch", "release", "HEAD~1")
    _feature_branch(repo)
    local = build_event(repo, name="pull_request", base="release", activity="synchronize")
    assert (local.event.action, local.payload["action"]) == ("synchronize", "synchronize")
    assert local.event.base_ref == local.github["base_ref"] == "release"
    assert local.event.changed_paths == ("f.txt",)
    with pytest.raises(UserError) as caught:
        build_event(repo, name="pull_request", base="nope")
    assert caught.value.message == "no branch named 'nope' for the pull request's base"


def test_pull_request_target_runs_on_the_base(repo: Path) -> None:
    main, _ = _feature_branch(repo)
    local = build_event(repo, name="pull_request_target")
    assert (local.event.ref, local.github["sha"]) == ("refs/heads/main", main)
    assert (local.github["base_ref"], local.github["head_ref"]) == ("main", "feature")
    assert local.payload["pull_request"]["base"]["sha"] == main


def test_default_branch_from_origin_head_then_main_then_master(tmp_path: Path) -> None:
    repo = tmp_path / "project"
    repo.mkdir()
    git(repo, "init", "-q", "--template=", "-b", "master")
    trunk = commit(repo, "first", {"a.txt": "a"})
    git(repo, "checkout", "-q", "-b", "feature")
    commit(repo, "second", {"b.txt": "b"})
    assert build_event(repo, name="pull_request").event.base_ref == "master"
    git(repo, "update-ref", "refs/remotes/origin/trunk", trunk)
    git(repo, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk")
    local = build_event(repo, name="pull_request")
    assert local.event.base_ref == "trunk"
    assert local.payload["pull_request"]["base"]["sha"] == trunk
    assert local.payload["repository"]["default_branch"] == "trunk"
    scheduled = build_event(repo, name="schedule")
    assert (scheduled.event.ref, scheduled.github["sha"]) == ("refs/heads/trunk", trunk)


def test_no_default_branch_is_an_error(tmp_path: Path) -> None:
    repo = tmp_path / "project"
    repo.mkdir()
    git(repo, "init", "-q", "--template=", "-b", "dev")
    commit(repo, "first", {"a.txt": "a"})
    with pytest.raises(UserError) as caught:
        build_event(repo, name="pull_request")
    assert caught.value.message == (
        "cannot tell the pull request's base: no origin/HEAD, and no 'main' or 'master' branch"
    )
    assert caught.value.hint == "pass --base BRANCH"
    with pytest.raises(UserError) as caught:
        build_event(repo, name="schedule", schedule="0 0 * * *")
    assert caught.value.message == (
        "cannot tell the default branch, where scheduled workflows run: "
        "no origin/HEAD, and no 'main' or 'master' branch"
    )
    assert build_event(repo).payload["repository"]["default_branch"] == "dev"


def test_detached_head_has_no_pull_request_head(repo: Path) -> None:
    git(repo, "checkout", "-q", "--detach")
    with pytest.raises(UserError) as caught:
        build_event(repo, name="pull_request")
    assert caught.value.message.endswith(", so there is no head branch")
    assert caught.value.hint == "check out the pull request's branch, or pass --ref BRANCH"


def test_schedule_runs_on_the_default_branch(repo: Path) -> None:
    main = git(repo, "rev-parse", "main")
    _feature_branch(repo)
    local = build_event(repo, name="schedule", schedule="30 5 * * 1")
    assert local.payload == {"schedule": "30 5 * * 1"}
    assert (local.event.ref, local.event.schedule) == ("refs/heads/main", "30 5 * * 1")
    assert local.event.changed_paths is None
    assert (local.github["event_name"], local.github["sha"]) == ("schedule", main)


def test_workflow_dispatch_with_inputs(repo: Path) -> None:
    local = build_event(repo, name="workflow_dispatch", inputs={"level": "debug", "dry": "true"})
    assert dict(local.event.inputs) == {"level": "debug", "dry": "true"}
    assert local.event.ref == "refs/heads/main"
    assert local.payload["inputs"] == {"level": "debug", "dry": "true"}
    assert local.payload["ref"] == "refs/heads/main"
    assert set(local.payload) == {"inputs", "ref", "repository", "sender"}


def test_other_events_get_a_minimal_payload(repo: Path) -> None:
    issues = build_event(repo, name="issues", activity="labeled")
    assert set(issues.payload) == {"action", "repository", "sender"}
    assert (issues.payload["action"], issues.event.action) == ("labeled", "labeled")
    assert issues.event.ref == "refs/heads/main"
    plain = build_event(repo, name="repository_dispatch")
    assert set(plain.payload) == {"repository", "sender"}
    assert plain.event.action is None


def test_event_file_replaces_the_payload(repo: Path, tmp_path: Path) -> None:
    before, after = git(repo, "rev-parse", "HEAD~1"), git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-b", "elsewhere", "HEAD~1")
    data = {
        "ref": "refs/heads/release",
        "before": before,
        "after": after,
        "sender": {"login": "octocat"},
        "custom": [1, 2],
    }
    path = tmp_path / "event.json"
    path.write_text(json.dumps(data))
    local = build_event(repo, event_path=path)
    assert local.payload == data
    assert local.event.ref == local.github["ref"] == "refs/heads/release"
    assert local.github["sha"] == after
    assert local.github["actor"] == "octocat"
    assert local.event.changed_paths == ("a.txt", "c.txt")


def test_event_file_for_a_pull_request(repo: Path, tmp_path: Path) -> None:
    _, feature = _feature_branch(repo)
    git(repo, "checkout", "-q", "main")
    pull = {"number": 7, "head": {"ref": "feature", "sha": feature}, "base": {"ref": "main"}}
    path = tmp_path / "event.json"
    path.write_text(json.dumps({"action": "reopened", "pull_request": pull}))
    local = build_event(repo, name="pull_request", event_path=path, activity="opened")
    assert (local.event.base_ref, local.event.head_ref) == ("main", "feature")
    assert (local.event.action, local.event.ref) == ("reopened", "refs/pull/7/merge")
    assert local.github["sha"] == feature
    assert local.event.changed_paths == ("f.txt",)


def test_event_file_errors(repo: Path, tmp_path: Path) -> None:
    hint = "pass a file holding one JSON object, as GitHub's file at GITHUB_EVENT_PATH"
    missing = tmp_path / "missing.json"
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    array = tmp_path / "array.json"
    array.write_text("[]")
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    cases = [
        (missing, f"cannot read the event file {missing}: No such file or directory"),
        (
            bad,
            f"{bad}: not valid JSON: Expecting property name enclosed in double quotes: "
            "line 1 column 2 (char 1)",
        ),
        (array, f"{array}: the event payload must be a JSON object, not an array"),
        (deep, f"{deep}: JSON nested too deeply to read"),
    ]
    for path, message in cases:
        with pytest.raises(UserError) as caught:
            build_event(repo, event_path=path)
        assert (caught.value.message, caught.value.hint) == (message, hint)


def test_not_a_git_repository(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    with pytest.raises(UserError) as caught:
        build_event(folder)
    assert caught.value.message == f"not a git repository: {folder}"
    assert caught.value.hint == "run shipyard inside a git repository, or git init"
    git(folder, "init", "-q")
    with pytest.raises(UserError) as caught:
        build_event(folder)
    assert caught.value.message == f"the repository has no commits yet: {folder}"


def test_pull_request_head_from_ref(repo: Path) -> None:
    _, feature = _feature_branch(repo)
    git(repo, "checkout", "-q", "main")
    write_files(repo, {"wip.txt": "on main, not in the pull request"})
    local = build_event(repo, name="pull_request", ref="feature")
    assert (local.event.head_ref, local.github["sha"]) == ("feature", feature)
    assert local.event.changed_paths == ("f.txt",)
    with pytest.raises(UserError) as caught:
        build_event(repo, name="pull_request", ref="nope")
    assert caught.value.message == "no branch named 'nope' for the pull request's head"


def test_event_files_for_dispatch_schedule_and_workflow_run(repo: Path, tmp_path: Path) -> None:
    path = tmp_path / "event.json"
    path.write_text(json.dumps({"inputs": {"dry": True, "level": "warn", "n": 3}}))
    given = {"x": "y", "level": "error"}  # the file's win; --input fills in the others
    dispatch = build_event(repo, name="workflow_dispatch", event_path=path, inputs=given)
    assert dict(dispatch.event.inputs) == {"x": "y", "dry": "true", "level": "warn", "n": "3"}
    path.write_text(json.dumps({"inputs": {}}))
    dispatch = build_event(repo, name="workflow_dispatch", event_path=path, inputs=given)
    assert dict(dispatch.event.inputs) == given
    assert dispatch.event.ref == "refs/heads/main"
    path.write_text(json.dumps({"schedule": "0 4 * * *"}))
    scheduled = build_event(repo, name="schedule", event_path=path, schedule="1 1 * * *")
    assert scheduled.event.schedule == "0 4 * * *"
    path.write_text(
        json.dumps({"action": "completed", "workflow_run": {"name": "CI", "head_branch": "dev"}})
    )
    run = build_event(repo, name="workflow_run", event_path=path)
    assert (run.event.action, run.event.workflow_name, run.event.head_ref) == (
        "completed",
        "CI",
        "dev",
    )
