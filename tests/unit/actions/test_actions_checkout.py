"""actions/checkout's inputs and folder handling, with a recording workspace maker."""

from __future__ import annotations

from pathlib import Path

import pytest

from shipyard.actions.base import ActionFailed
from shipyard.actions.checkout import Checkout
from shipyard.errors import UserError
from shipyard.testing.fake_services import FakeServices, services_in
from shipyard.testing.gitrepo import git, isolate_git

SHA = "a" * 40


class Maker:
    def __init__(self) -> None:
        self.calls: list[tuple[Path, Path, str, str]] = []

    def __call__(self, repo: Path, dest: Path, *, mode: str, sha: str) -> None:
        self.calls.append((repo, dest, mode, sha))
        dest.mkdir(parents=True, exist_ok=True)
        assert not any(dest.iterdir())
        (dest / "README.md").write_text("checked out")
        (dest / "src").mkdir()
        (dest / "src" / "app.py").write_text("new")


def job(tmp_path: Path) -> FakeServices:
    env = {"GITHUB_REPOSITORY": "Octo/App", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    return services_in(tmp_path, sha=SHA, env=env)


def test_fills_the_workspace_and_sets_outputs(tmp_path: Path) -> None:
    services, maker = job(tmp_path), Maker()
    Checkout(maker).main(services, {"repository": "octo/app", "persist-credentials": "false"})
    assert maker.calls == [(tmp_path / "repo", services.workspace, "snapshot", SHA)]
    assert services.outputs == {"ref": "refs/heads/main", "commit": SHA}
    assert (services.workspace / "README.md").read_text() == "checked out"
    # the (empty) workspace is no checkout yet: prepareExistingDirectory says so
    assert f"Deleting the contents of '{services.workspace}'" in services.lines
    assert "persist-credentials: accepted; it has no effect on a local checkout" in services.lines
    assert services.warnings == []


def test_a_folder_that_is_no_checkout_is_emptied_whatever_clean_says(tmp_path: Path) -> None:
    """git-directory-helper.ts: no .git, so the contents are deleted even with clean: false."""
    services, maker = job(tmp_path), Maker()
    sub = services.workspace / "sub"
    (sub / "src").mkdir(parents=True)
    (sub / "src" / "extra.py").write_text("untracked")
    Checkout(maker).main(services, {"path": "sub", "clean": "false"})
    assert f"Deleting the contents of '{sub}'" in services.lines
    assert sorted(p.name for p in sub.rglob("*")) == ["README.md", "app.py", "src"]
    assert maker.calls[0][1] == sub  # made in place, nothing to lay it over
    (services.workspace / "file").write_text("in the way")
    Checkout(maker).main(services, {"path": "file"})  # a file in the way is removed
    assert (services.workspace / "file" / "README.md").is_file()


def earlier_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """``folder`` as an earlier checkout left it: a repository whose origin is the repo."""
    isolate_git(tmp_path, monkeypatch)
    (folder / "src").mkdir(parents=True)
    git(folder, "init", "-q")
    git(folder, "remote", "add", "origin", str(tmp_path / "repo"))
    (folder / "src" / "app.py").write_text("old")
    (folder / "src" / "extra.py").write_text("untracked")


def test_clean_false_lays_the_checkout_over_an_earlier_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services, maker = job(tmp_path), Maker()
    sub = services.workspace / "sub"
    earlier_checkout(tmp_path, monkeypatch, sub)
    Checkout(maker).main(services, {"path": "sub", "clean": "banana"})  # not TRUE: false
    assert (sub / "src" / "app.py").read_text() == "new"
    assert (sub / "src" / "extra.py").read_text() == "untracked"
    assert maker.calls[0][1] != sub  # made elsewhere, then laid over
    assert not any(line.startswith("Deleting") for line in services.lines)
    Checkout(maker).main(services, {"path": "sub", "clean": "True"})
    assert sorted(p.name for p in sub.rglob("*")) == ["README.md", "app.py", "src"]


def test_a_repository_of_another_origin_is_emptied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services, maker = job(tmp_path), Maker()
    sub = services.workspace / "sub"
    earlier_checkout(tmp_path, monkeypatch, sub)
    git(sub, "remote", "set-url", "origin", "https://example.com/other.git")
    Checkout(maker).main(services, {"path": "sub", "clean": "false"})
    assert f"Deleting the contents of '{sub}'" in services.lines
    assert not (sub / "src" / "extra.py").exists() and not (sub / ".git").exists()


def test_refusals(tmp_path: Path) -> None:
    services = job(tmp_path)
    cases = [
        (
            {"repository": "octo/other"},
            "cannot check out other repositories offline: octo/other\n"
            "  hint: check it out from a local folder in a `run:` step, or map an action "
            "repository with `shipyard run --action OWNER/REPO@REF=PATH`",
        ),
        (
            {"path": "../outside"},
            f"Repository path '{tmp_path / 'outside'}' is not under '{services.workspace}'",
        ),
    ]
    for inputs, message in cases:
        with pytest.raises(ActionFailed) as caught:
            Checkout(Maker()).main(services, inputs)
        assert str(caught.value) == message
    with pytest.raises(ActionFailed) as caught:
        Checkout(None).main(services, {})
    assert str(caught.value) == "actions/checkout has no workspace maker (a Shipyard bug)"


def test_developer_repository_is_never_cleaned(tmp_path: Path) -> None:
    services = services_in(tmp_path, repo=tmp_path / "workspace", env={"GITHUB_REPOSITORY": "o/r"})
    (services.workspace / "precious.txt").write_text("keep")
    with pytest.raises(ActionFailed) as caught:
        Checkout(Maker()).main(services, {})
    assert str(caught.value).startswith("refusing to check out over the developer's repository")
    assert (services.workspace / "precious.txt").exists()


def test_workspace_errors_become_failures(tmp_path: Path) -> None:
    def broken(repo: Path, dest: Path, *, mode: str, sha: str) -> None:
        raise UserError(f"no commit {sha} in {repo}", hint="fetch it")

    with pytest.raises(ActionFailed) as caught:
        Checkout(broken).main(job(tmp_path), {})
    assert str(caught.value) == f"no commit {SHA} in {tmp_path / 'repo'}\n  hint: fetch it"
