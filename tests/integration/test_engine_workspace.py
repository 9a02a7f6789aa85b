"""Workspaces from real git repositories: snapshot vs clean, and the developer's repo untouched."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from shipyard.engine.workspace import create_workspace
from shipyard.errors import UserError
from shipyard.testing.gitrepo import git, isolate_git, write_files


@pytest.fixture(autouse=True)
def git_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate_git(tmp_path, monkeypatch)


def commit(repo: Path, message: str, files: dict[str, str]) -> str:
    write_files(repo, files)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def files_of(folder: Path) -> dict[str, str]:
    """Every file and symlink under ``folder`` except ``.git``: content, or ``-> target``."""
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if rel == ".git" or rel.startswith(".git/") or "/.git" in rel:
            continue
        if path.is_symlink():
            found[rel] = "-> " + os.readlink(path)
        elif path.is_file():
            found[rel] = path.read_text()
    return found


def repo_state(repo: Path) -> dict[str, object]:
    """What must not change: status, refs, worktrees, and every file under .git."""
    git_dir = repo / ".git"
    return {
        "status": git(repo, "--no-optional-locks", "status", "--porcelain", "-uall"),
        "refs": git(repo, "for-each-ref"),
        "worktrees": git(repo, "worktree", "list", "--porcelain"),
        "git files": {
            p.relative_to(git_dir).as_posix(): (p.stat().st_mtime_ns, _digest(p))
            for p in git_dir.rglob("*")
            if p.is_file()
        },
    }


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Two commits on ``main``, then uncommitted work of every kind."""
    path = tmp_path / "project"
    path.mkdir()
    git(path, "init", "-q", "--template=", "-b", "main")
    commit(path, "first", {"a.txt": "a1", "gone.txt": "g"})
    write_files(path, {"run.sh": "#!/bin/sh\n", ".gitignore": "*.log\nbuild/\n", "src/m.py": "m"})
    (path / "run.sh").chmod(0o755)
    os.symlink("src/m.py", path / "link")
    commit(path, "second", {"a.txt": "a2"})
    write_files(path, {"a.txt": "edited", "staged.txt": "s", "new/untracked.txt": "u"})
    write_files(path, {"debug.log": "ignored", "build/out.bin": "ignored"})
    git(path, "add", "staged.txt")
    (path / "gone.txt").unlink()
    return path


def test_snapshot_copies_the_working_tree_as_it_is(repo: Path, tmp_path: Path) -> None:
    before = repo_state(repo)
    dest = tmp_path / "ws"
    head = git(repo, "rev-parse", "HEAD")
    create_workspace(repo, dest, mode="snapshot", sha=head)
    assert files_of(dest) == {
        ".gitignore": "*.log\nbuild/\n",
        "a.txt": "edited",
        "link": "-> src/m.py",
        "new/untracked.txt": "u",
        "run.sh": "#!/bin/sh\n",
        "src/m.py": "m",
        "staged.txt": "s",
    }
    assert stat.S_IMODE((dest / "run.sh").stat().st_mode) == 0o755
    assert (dest / "a.txt").stat().st_mtime_ns == (repo / "a.txt").stat().st_mtime_ns
    assert git(dest, "rev-parse", "HEAD") == head
    assert git(dest, "symbolic-ref", "HEAD") == "refs/heads/main"
    assert git(dest, "status", "--porcelain", "-uall") == before["status"]
    assert git(dest, "diff", "HEAD") == git(repo, "diff", "HEAD")
    assert repo_state(repo) == before


def test_clean_has_only_the_committed_tree(repo: Path, tmp_path: Path) -> None:
    before = repo_state(repo)
    first = git(repo, "rev-parse", "HEAD~1")
    dest = tmp_path / "ws"
    create_workspace(repo, dest, mode="clean", sha=first)
    assert files_of(dest) == {"a.txt": "a1", "gone.txt": "g"}
    assert git(dest, "rev-parse", "HEAD") == first
    assert git(dest, "status", "--porcelain", "-uall") == ""
    assert git(dest, "rev-parse", "--symbolic-full-name", "HEAD") == "HEAD"  # detached
    assert git(dest, "rev-parse", "origin/main") == git(repo, "rev-parse", "main")
    assert repo_state(repo) == before


def test_clean_keeps_modes_and_symlinks(repo: Path, tmp_path: Path) -> None:
    dest = tmp_path / "ws"
    create_workspace(repo, dest, mode="clean", sha=git(repo, "rev-parse", "HEAD"))
    assert os.readlink(dest / "link") == "src/m.py"
    assert stat.S_IMODE((dest / "run.sh").stat().st_mode) & 0o111
    assert (dest / "gone.txt").read_text() == "g"
    assert git(dest, "symbolic-ref", "HEAD") == "refs/heads/main"


def test_snapshot_at_another_commit_detaches_head(repo: Path, tmp_path: Path) -> None:
    first = git(repo, "rev-parse", "HEAD~1")
    dest = tmp_path / "ws"
    create_workspace(repo, dest, mode="snapshot", sha=first[:10])
    assert git(dest, "rev-parse", "HEAD") == first
    assert git(dest, "rev-parse", "--symbolic-full-name", "HEAD") == "HEAD"
    assert (dest / "a.txt").read_text() == "edited"  # the working tree, whatever HEAD is
    assert git(dest, "status", "--porcelain").splitlines()[:3] == [
        " M a.txt",
        " D gone.txt",
        "?? .gitignore",  # added after sha, so untracked there
    ]


def test_submodules_and_nested_repositories_are_copied_without_git_metadata(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = repo / "vendor"  # a gitlink to an embedded repository, as a submodule
    library.mkdir()
    git(library, "init", "-q", "--template=", "-b", "main")
    commit(library, "lib", {"lib.txt": "lib"})
    git(repo, "add", "vendor")
    git(repo, "commit", "-q", "-m", "vendor", "--", "vendor")
    nested = repo / "nested"
    nested.mkdir()
    git(nested, "init", "-q")
    write_files(nested, {"inner.txt": "inner"})
    before = repo_state(repo)
    dest = tmp_path / "ws"
    monkeypatch.chdir(tmp_path)  # relative folders work too
    create_workspace(Path("project"), Path("ws"), sha=git(repo, "rev-parse", "HEAD"))
    assert (dest / "vendor" / "lib.txt").read_text() == "lib"
    assert not (dest / "vendor" / ".git").exists()
    assert (dest / "nested" / "inner.txt").read_text() == "inner"
    assert not (dest / "nested" / ".git").exists()
    assert repo_state(repo) == before
    create_workspace(repo, tmp_path / "clean", mode="clean", sha=git(repo, "rev-parse", "HEAD"))
    assert list((tmp_path / "clean" / "vendor").iterdir()) == []


def test_a_workspace_inside_the_repository_is_not_copied_into_itself(repo: Path) -> None:
    sha = git(repo, "rev-parse", "HEAD")
    create_workspace(repo, repo / "build" / "ws1", sha=sha)  # ignored by .gitignore
    create_workspace(repo, repo / "ws2", sha=sha)
    assert (repo / "ws2" / "a.txt").read_text() == "edited"
    assert not (repo / "ws2" / "build").exists()
    assert not (repo / "ws2" / "ws2").exists()


def test_errors(repo: Path, tmp_path: Path) -> None:
    sha = git(repo, "rev-parse", "HEAD")
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "file").write_text("x")
    plain = tmp_path / "plain"
    plain.mkdir()
    cases = [
        (repo, busy, sha, f"the workspace folder is not empty: {busy}"),
        (repo, tmp_path / "ws", "0" * 40, f"no commit {'0' * 40} in {repo}"),
        (repo, tmp_path / "ws", "--all", f"no commit --all in {repo}"),
        (plain, tmp_path / "ws", sha, f"not a git repository: {plain}"),
    ]
    for source, dest, commit_id, message in cases:
        with pytest.raises(UserError) as caught:
            create_workspace(source, dest, sha=commit_id)
        assert caught.value.message == message
    assert not (tmp_path / "ws").exists()
