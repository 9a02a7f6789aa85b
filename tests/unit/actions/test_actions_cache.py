"""actions/cache, cache/restore and cache/save on the local store (real tars)."""

from __future__ import annotations

from pathlib import Path

import pytest

from shipyard.actions.base import ActionFailed
from shipyard.actions.cache import Cache, CacheRestore, CacheSave
from shipyard.testing.fake_services import FakeServices, services_in


def job(root: Path, name: str) -> FakeServices:
    """A job of a run in ``root``; every job shares the repository and data folder."""
    home = root / "home"
    return services_in(
        root / name,
        repo=root / "repo",
        data_dir=root / "data",
        env={"HOME": str(home), "PATH": "/usr/bin:/bin"},
    )


def write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)


def test_miss_then_save_then_exact_hit(tmp_path: Path) -> None:
    first = job(tmp_path, "one")
    inputs = {"path": "deps\n~/.cache/tool", "key": "deps-v1", "restore-keys": "deps-"}
    action = Cache()
    action.main(first, inputs)
    assert first.outputs == {}  # cache-hit is not set on a miss (actions/cache#1466)
    assert first.lines == ["Cache not found for input keys: deps-v1, deps-"]
    write(first.workspace, {"deps/a.txt": "A", "deps/sub/b.txt": "B"})
    write(tmp_path / "home", {".cache/tool/c.txt": "C"})
    (first.workspace / "deps" / "link").symlink_to("a.txt")
    post = first.post_services()
    action.post(post, inputs)
    assert post.lines[-1] == "Cache saved with key: deps-v1"
    (tmp_path / "home" / ".cache" / "tool" / "c.txt").unlink()

    second = job(tmp_path, "two")
    action.main(second, inputs)
    assert second.outputs == {"cache-hit": "true"}
    assert second.lines[-1] == "Cache restored from key: deps-v1"
    assert (second.workspace / "deps" / "sub" / "b.txt").read_text() == "B"
    assert (second.workspace / "deps" / "link").readlink() == Path("a.txt")
    assert (tmp_path / "home" / ".cache" / "tool" / "c.txt").read_text() == "C"
    post = second.post_services()
    action.post(post, inputs)
    assert post.lines == ["Cache hit occurred on the primary key deps-v1, not saving cache."]


def test_restore_keys_prefer_newest_and_version_must_match(tmp_path: Path) -> None:
    saver = job(tmp_path, "saver")
    for key, text in (("pip-old", "old"), ("pip-new", "new")):
        write(saver.workspace, {"d/f.txt": text})
        CacheSave().main(saver, {"path": "d", "key": key})
    restorer = job(tmp_path, "restorer")
    CacheRestore().main(restorer, {"path": "d", "key": "pip-xyz", "restore-keys": "nope\npip-"})
    assert restorer.outputs == {
        "cache-primary-key": "pip-xyz",
        "cache-matched-key": "pip-new",
        "cache-hit": "false",
    }
    assert (restorer.workspace / "d" / "f.txt").read_text() == "new"
    other_paths = job(tmp_path, "other")
    CacheRestore().main(other_paths, {"path": "d\ne", "key": "pip-new"})
    assert other_paths.outputs == {"cache-primary-key": "pip-new"}  # another version


def test_first_writer_wins_and_lookup_only(tmp_path: Path) -> None:
    one, two = job(tmp_path, "one"), job(tmp_path, "two")
    write(one.workspace, {"d/f": "one"})
    write(two.workspace, {"d/f": "two"})
    CacheSave().main(one, {"path": "d", "key": "k"})
    CacheSave().main(two, {"path": "d", "key": "k"})
    assert two.lines == [
        "Failed to save: Unable to reserve cache with key k, "
        "another job may be creating this cache."
    ]
    look = job(tmp_path, "look")
    CacheRestore().main(look, {"path": "d", "key": "k", "lookup-only": "true"})
    assert look.lines == ["Cache found and can be restored from key: k"]
    assert not (look.workspace / "d").exists()
    three = job(tmp_path, "three")
    Cache().main(three, {"path": "d", "key": "k"})
    assert (three.workspace / "d" / "f").read_text() == "one"


def test_errors_and_warnings(tmp_path: Path) -> None:
    services = job(tmp_path, "j")
    cases = [
        ({"path": "d"}, "Input required and not supplied: key"),
        ({"key": "k"}, "Input required and not supplied: path"),
        ({"path": "d", "key": "a,b"}, "Key Validation Error: a,b cannot contain commas."),
        (
            {"path": "d", "key": "k" * 513},
            f"Key Validation Error: {'k' * 513} cannot be larger than 512 characters.",
        ),
        (
            {"path": "d", "key": "k", "restore-keys": "\n".join("abcdefghij")},
            "Key Validation Error: Keys are limited to a maximum of 10.",
        ),
        (
            {"path": "d", "key": "k", "fail-on-cache-miss": "true"},
            "Failed to restore cache entry. Exiting as fail-on-cache-miss is set. Input key: k",
        ),
    ]
    for inputs, message in cases:
        with pytest.raises(ActionFailed) as caught:
            Cache().main(services, inputs)
        assert str(caught.value) == message
    CacheSave().main(services, {"path": "missing", "key": "k"})
    assert services.warnings == [
        "Path Validation Error: Path(s) specified in the action for caching do(es) not exist, "
        "hence no cache is being saved."
    ]
