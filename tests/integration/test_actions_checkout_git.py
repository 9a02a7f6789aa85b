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
