"""actions/checkout on real git repositories, through the engine's create_workspace."""

from __future__ import annotations

from pathlib import Path

import pytest

from shipyard.actions.base import ActionFailed
from shipyard.actions.registry import builtin_action
from shipyard.engine.workspace import create_workspace
from shipyard.testing.fake_services import FakeServices, services_in
from shipyard.testing.gitrepo import git, isolate_git


@pytest.fixture(autouse=True)
def git_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate_git(tmp_path, monkeypatch)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "app.py").write_text("v1\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "one")
    git(repo, "tag", "v1")
    (repo / "app.py").write_text("v2\n")
    git(repo, "commit", "-q", "-am", "two")
    (repo / "app.py").write_text("v3, not committed\n")
    (repo / "new.txt").write_text("untracked\n")
    return repo


def job(tmp_path: Path, repo: Path, mode: str = "snapshot") -> FakeServices:
    env = {"GITHUB_REPOSITORY": "octo/app", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    return services_in(
        tmp_path / "job", repo=repo, sha=git(repo, "rev-parse", "HEAD"), mode=mode, env=env
    )


def checkout(services: FakeServices, **inputs: str) -> None:
    action = builtin_action("actions/checkout@v4", make_workspace=create_workspace)
    assert action is not None
    action.main(services, inputs)


def test_snapshot_is_the_working_tree(tmp_path: Path, repo: Path) -> None:
    services = job(tmp_path, repo)
    checkout(services)
    ws = services.workspace
    assert (ws / "app.py").read_text() == "v3, not committed\n"
    assert (ws / "new.txt").exists()
    assert git(ws, "rev-parse", "HEAD") == services.info.sha
    assert services.outputs == {"ref": "refs/heads/main", "commit": services.info.sha}
    assert git(repo, "status", "--porcelain") == " M app.py\n?? new.txt"


def test_clean_mode_and_other_refs(tmp_path: Path, repo: Path) -> None:
    services = job(tmp_path, repo, mode="clean")
    checkout(services)
    assert (services.workspace / "app.py").read_text() == "v2\n"
    assert not (services.workspace / "new.txt").exists()
    snapshot = job(tmp_path / "b", repo)
    checkout(snapshot, ref="v1", path="old")
    old = snapshot.workspace / "old"
    assert (old / "app.py").read_text() == "v1\n"
    assert snapshot.outputs == {"ref": "v1", "commit": git(repo, "rev-parse", "v1^{commit}")}
    first = git(repo, "rev-list", "--max-parents=0", "HEAD")
    checkout(snapshot, ref=first, path="by-sha")
    assert (snapshot.workspace / "by-sha" / "app.py").read_text() == "v1\n"
    checkout(snapshot, ref="main", path="same")  # the run's commit: the run's mode
    assert (snapshot.workspace / "same" / "app.py").read_text() == "v3, not committed\n"


def test_unknown_ref(tmp_path: Path, repo: Path) -> None:
    with pytest.raises(ActionFailed) as caught:
        checkout(job(tmp_path, repo), ref="no-such-branch")
    assert str(caught.value) == (
        "A branch or tag with the name 'no-such-branch' could not be found\n"
        f"  hint: refs are resolved in {repo}; fetch it there first (git fetch)"
    )


def head(ws: Path) -> str:
    """``git rev-parse --abbrev-ref HEAD``: the branch, or ``HEAD`` when detached."""
    return git(ws, "rev-parse", "--abbrev-ref", "HEAD")


def test_a_branch_ref_is_checked_out_as_a_local_branch(tmp_path: Path, repo: Path) -> None:
    git(repo, "branch", "feature", "HEAD~1")
    feature = git(repo, "rev-parse", "feature")
    services = job(tmp_path, repo)
    checkout(services)  # the run's ref, refs/heads/main
    assert head(services.workspace) == "main"
    for ref, path in (("feature", "short"), ("refs/heads/feature", "full")):
        checkout(services, ref=ref, path=path)
        ws = services.workspace / path
        assert head(ws) == "feature"
        assert git(ws, "rev-parse", "HEAD") == feature
        assert git(ws, "rev-parse", "--abbrev-ref", "feature@{upstream}") == "origin/feature"
        assert git(ws, "status", "--porcelain") == ""
        assert services.outputs == {"ref": ref, "commit": feature}
    checkout(services, ref="main", path="same")  # the run's commit, in the run's mode
    assert head(services.workspace / "same") == "main"
    assert (services.workspace / "same" / "app.py").read_text() == "v3, not committed\n"


def test_a_branch_only_the_developers_remote_has(tmp_path: Path, repo: Path) -> None:
    first = git(repo, "rev-list", "--max-parents=0", "HEAD")
    git(repo, "update-ref", "refs/remotes/origin/theirs", first)
    services = job(tmp_path, repo)
    checkout(services, ref="theirs")
    assert head(services.workspace) == "theirs"  # no origin/theirs here: no upstream
    assert git(services.workspace, "rev-parse", "HEAD") == first


def test_tags_and_shas_stay_detached(tmp_path: Path, repo: Path) -> None:
    services = job(tmp_path, repo)
    sha = services.info.sha
    git(repo, "tag", "here")  # a tag at the run's commit: the run's mode, still detached
    checkout(services, ref="here", path="tag-here")
    assert head(services.workspace / "tag-here") == "HEAD"
    assert (services.workspace / "tag-here" / "app.py").read_text() == "v3, not committed\n"
    checkout(services, ref="v1", path="tag")
    assert head(services.workspace / "tag") == "HEAD"
    # input-helper.ts: a 40- (or 64-) hex ref is the commit, and the ref output is ''
    checkout(services, ref=sha, path="sha-here")
    assert head(services.workspace / "sha-here") == "HEAD"
    assert services.outputs == {"ref": "", "commit": sha}
    first = git(repo, "rev-list", "--max-parents=0", "HEAD")
    checkout(services, ref=first.upper(), path="sha")
    assert head(services.workspace / "sha") == "HEAD"
    assert services.outputs == {"ref": "", "commit": first}
    assert (services.workspace / "sha" / "app.py").read_text() == "v1\n"


def test_clean_false_over_an_earlier_checkout_keeps_other_files(tmp_path: Path, repo: Path) -> None:
    services = job(tmp_path, repo, mode="clean")
    checkout(services)
    (services.workspace / "build.log").write_text("kept\n")
    (services.workspace / "app.py").write_text("edited\n")
    checkout(services, clean="false")
    assert (services.workspace / "build.log").read_text() == "kept\n"
    assert (services.workspace / "app.py").read_text() == "v2\n"
    assert head(services.workspace) == "main"
    checkout(services)
    assert not (services.workspace / "build.log").exists()
    other = services.workspace / "other"
    other.mkdir()
    (other / "notes.txt").write_text("not a repository\n")
    checkout(services, path="other", clean="false")
    assert not (other / "notes.txt").exists() and (other / "app.py").read_text() == "v2\n"
    assert f"Deleting the contents of '{other}'" in services.lines
