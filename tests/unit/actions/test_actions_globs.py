"""@actions/glob matching on real files."""

from __future__ import annotations

import os
from pathlib import Path

from shipyard.actions.globs import glob_paths, parse_patterns, search_paths


def tree(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(name)


def found(root: Path, lines: list[str], **kw: bool) -> list[str]:
    implicit = kw.pop("implicit", True)
    patterns = parse_patterns(
        lines, cwd=root, env={"HOME": str(root / "home")}, implicit_descendants=implicit
    )
    return [os.path.relpath(p, root) for p in glob_paths(patterns, **kw)]


def test_wildcards_globstar_and_exclusions(tmp_path: Path) -> None:
    tree(tmp_path, "dist/a.whl", "dist/b.tar.gz", "dist/sub/c.whl", "src/x.py", "src/y/z.py")
    assert found(tmp_path, ["dist/*.whl"], directories=False) == ["dist/a.whl"]
    assert found(tmp_path, ["**/*.whl"], directories=False) == ["dist/a.whl", "dist/sub/c.whl"]
    assert found(tmp_path, ["dist/", "!dist/sub"], directories=False) == [
        "dist/a.whl",
        "dist/b.tar.gz",
    ]
    assert found(tmp_path, ["src", "# comment", "", "!**/z.py"], directories=False) == ["src/x.py"]
    assert found(tmp_path, ["dist/?.whl", "src/[xy].py"], directories=False) == [
        "dist/a.whl",
        "src/x.py",
    ]


def test_without_implicit_descendants_folders_match_themselves(tmp_path: Path) -> None:
    tree(tmp_path, "cache/a", "cache/b/c", "other/d")
    assert found(tmp_path, ["cache"], implicit=False) == ["cache"]
    assert found(tmp_path, ["cache/*"], implicit=False) == ["cache/a", "cache/b"]
    assert found(tmp_path, ["cache/**"], implicit=False) == [
        "cache",
        "cache/a",
        "cache/b",
        "cache/b/c",
    ]


def test_hidden_files_and_home(tmp_path: Path) -> None:
    tree(tmp_path, "out/.coverage", "out/.hidden/x", "out/ok.txt", ".coverage", "home/.cache/pip/f")
    assert found(tmp_path, ["out"], directories=False, exclude_hidden=True) == ["out/ok.txt"]
    assert found(tmp_path, [".coverage"], directories=False, exclude_hidden=True) == []
    assert found(tmp_path, ["out"], directories=False) == [
        "out/.coverage",
        "out/.hidden/x",
        "out/ok.txt",
    ]
    assert found(tmp_path, ["~/.cache/pip"], directories=False) == ["home/.cache/pip/f"]


def test_search_paths_drop_descendants(tmp_path: Path) -> None:
    patterns = parse_patterns(
        ["a/b/*.txt", "a/**/x", "c/d", "!a/e"], cwd=tmp_path, env={}, implicit_descendants=True
    )
    assert search_paths(patterns) == [str(tmp_path / "a"), str(tmp_path / "c/d")]


def test_symlinks_followed_and_broken_skipped(tmp_path: Path) -> None:
    tree(tmp_path, "real/f.txt")
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / "link").symlink_to(tmp_path / "real")
    (tmp_path / "dir" / "loop").symlink_to(tmp_path / "dir")
    (tmp_path / "dir" / "broken").symlink_to(tmp_path / "missing")
    assert found(tmp_path, ["dir"], directories=False) == ["dir/link/f.txt"]
