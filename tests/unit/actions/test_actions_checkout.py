"""actions/checkout's inputs and folder handling, with a recording workspace maker."""

from __future__ import annotations

from pathlib import Path

import pytest

from shipyard.actions.base import ActionFailed
from shipyard.actions.checkout import Checkout
from shipyard.errors import UserError
from shipyard.testing.fake_services import FakeServices, services_in

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
    assert "persist-credentials: accepted; it has no effect on a local checkout" in services.lines
    assert services.warnings == []


def test_path_clean_and_merge(tmp_path: Path) -> None:
    services, maker = job(tmp_path), Maker()
    sub = services.workspace / "sub"
    (sub / "src").mkdir(parents=True)
    (sub / "src" / "app.py").write_text("old")
    (sub / "src" / "extra.py").write_text("untracked")
    Checkout(maker).main(services, {"path": "sub", "clean": "false"})
    assert (sub / "src" / "app.py").read_text() == "new"
    assert (sub / "src" / "extra.py").read_text() == "untracked"
    assert maker.calls[0][1] != sub  # made elsewhere, then laid over
    Checkout(maker).main(services, {"path": "sub"})
    assert sorted(p.name for p in sub.rglob("*")) == ["README.md", "app.py", "src"]


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
