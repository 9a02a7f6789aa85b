"""``hashFiles()`` on real files: GitHub's digest-of-digests, globbing and negation."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from shipyard.actions.globs import PatternError
from shipyard.engine.evaluation import hash_files_function
from shipyard.expr import EvaluationError
from shipyard.hashfiles import hash_files, matcher


def _expected(*contents: bytes) -> str:
    total = hashlib.sha256()
    for content in contents:
        total.update(hashlib.sha256(content).digest())
    return total.hexdigest()


def test_hash_of_matching_files_in_sorted_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "req.txt").write_bytes(b"two")
    (tmp_path / "req.txt").write_bytes(b"one")
    (tmp_path / "other.md").write_bytes(b"x")
    assert hash_files(tmp_path, ["**/req.txt"]) == _expected(b"two", b"one")
    assert hash_files(tmp_path, ["req.txt"]) == _expected(b"one")


def test_negation_and_no_match(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"a")
    (tmp_path / "b.txt").write_bytes(b"b")
    assert hash_files(tmp_path, ["*.txt", "!b.txt"]) == _expected(b"a")
    assert hash_files(tmp_path, ["*.nothing"]) == ""


def test_directory_pattern_matches_its_files(tmp_path: Path) -> None:
    (tmp_path / "src" / "pkg").mkdir(parents=True)
    (tmp_path / "src" / "pkg" / "m.py").write_bytes(b"m")
    assert hash_files(tmp_path, ["src"]) == _expected(b"m")


def test_matcher_rules() -> None:
    m = matcher(["*.py", "!setup.py", "docs/**/*.md", "./lib/?.c", "x[0-9].txt"])
    assert m("a.py") and not m("sub/a.py") and not m("setup.py")
    assert m("docs/a.md") and m("docs/x/y/a.md")
    assert m("lib/a.c") and not m("lib/ab.c")
    assert m("x1.txt") and not m("xa.txt")


def test_patterns_are_walked_in_the_order_given(tmp_path: Path) -> None:
    # @actions/glob visits each pattern's search path in pattern order, not sorted.
    (tmp_path / "b.txt").write_bytes(b"b")
    (tmp_path / "a.txt").write_bytes(b"a")
    assert hash_files(tmp_path, ["b.txt", "a.txt"]) == _expected(b"b", b"a")
    assert hash_files(tmp_path, ["*.txt"]) == _expected(b"a", b"b")


def test_files_outside_the_workspace_are_not_hashed(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (tmp_path / "outside.txt").write_bytes(b"x")
    assert hash_files(workspace, [str(tmp_path / "outside.txt")]) == ""


@pytest.mark.parametrize("pattern", ["../outside.txt", "a/../b/*", "b/./x", "!../x"])
def test_relative_pathing_is_refused_as_actions_glob_refuses_it(
    tmp_path: Path, pattern: str
) -> None:
    written = pattern.lstrip("!")
    with pytest.raises(PatternError) as caught:
        hash_files(tmp_path, [pattern])
    assert str(caught.value) == (
        f"Invalid pattern '{written}'. Relative pathing '.' and '..' is not allowed."
    )
    assert hash_files(tmp_path, ["./*.txt"]) == ""  # a leading `.` is the workspace


def test_the_hash_files_function_fails_in_the_runners_words(tmp_path: Path) -> None:
    function = hash_files_function(tmp_path)
    with pytest.raises(EvaluationError) as caught:
        function("../**", "it's")
    assert caught.value.message == (
        f"hashFiles('../**, it''s') failed. Fail to hash files under directory '{tmp_path}' "
        "(Invalid pattern '../**'. Relative pathing '.' and '..' is not allowed.)"
    )
