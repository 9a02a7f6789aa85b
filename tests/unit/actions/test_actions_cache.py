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
        "another job may be creating this cache.",
        "##[warning]Cache save failed.",
    ]
    assert two.warnings == ["Cache save failed."]  # saveOnlyRun: cacheId stayed -1
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
        (
            {"path": "d", "key": "k", "fail-on-cache-miss": "TRUE"},  # getInputAsBool
            "Failed to restore cache entry. Exiting as fail-on-cache-miss is set. Input key: k",
        ),
    ]
    for inputs, message in cases:
        with pytest.raises(ActionFailed) as caught:
            Cache().main(services, inputs)
        assert str(caught.value) == message
    services = job(tmp_path, "words")
    Cache().main(services, {"path": "d", "key": "k", "fail-on-cache-miss": "yes"})
    Cache().main(services, {"path": "d", "key": "k", "lookup-only": "banana"})
    assert services.lines == ["Cache not found for input keys: k"] * 2
    assert services.warnings == []


NOT_FOUND = (
    "Path Validation Error: Path(s) specified in the action for caching do(es) not exist, "
    "hence no cache is being saved."
)


@pytest.mark.parametrize(
    ("inputs", "logged"),
    [
        ({"path": "d"}, "Key is not specified."),
        ({"key": "k"}, "Input required and not supplied: path"),
        ({"path": "d", "key": "a,b"}, "Key Validation Error: a,b cannot contain commas."),
        (
            {"path": "d", "key": "k" * 513},
            f"Key Validation Error: {'k' * 513} cannot be larger than 512 characters.",
        ),
        (
            {"path": "../d", "key": "k"},
            "Invalid pattern '../d'. Relative pathing '.' and '..' is not allowed.",
        ),
        ({"path": "missing", "key": "k"}, NOT_FOUND),
    ],
)
def test_save_only_logs_problems_and_warns_once(
    tmp_path: Path, inputs: dict[str, str], logged: str
) -> None:
    """saveImpl catches every problem: utils.logWarning (core.info "[warning]..."), then
    saveOnlyRun's one annotation; the step does not fail."""
    services = job(tmp_path, "j")
    CacheSave().main(services, inputs)
    assert services.lines == [f"[warning]{logged}", "##[warning]Cache save failed."]
    assert services.warnings == ["Cache save failed."]


def test_post_step_logs_problems_without_annotations(tmp_path: Path) -> None:
    services = job(tmp_path, "j")
    action = Cache()
    action.main(services, {"path": "missing", "key": "k"})
    post = services.post_services()
    action.post(post, {"path": "missing", "key": "k"})
    assert post.lines == [f"[warning]{NOT_FOUND}"] and post.warnings == []
    empty = job(tmp_path, "empty").post_services()
    action.post(empty, {"path": "d"})
    assert empty.lines == ["[warning]Key is not specified."] and empty.warnings == []


DEPRECATED = (
    "Input 'save-always' has been deprecated with message: save-always does not work as "
    "intended and will be removed in a future release.\nA separate `actions/cache/restore` "
    "step should be used instead.\nSee https://github.com/actions/cache/tree/main/save"
    "#always-save-cache for more details."
)


def test_save_always_is_deprecated_whatever_its_value(tmp_path: Path) -> None:
    for value in ("true", "false"):
        services = job(tmp_path, value)
        Cache().main(services, {"path": "d", "key": "k", "save-always": value})
        assert services.warnings == [DEPRECATED]
    other_case = job(tmp_path, "case")  # the runner's lookup is case-sensitive
    Cache().main(other_case, {"path": "d", "key": "k", "Save-Always": "true"})
    assert other_case.warnings == []
    restore_only = job(tmp_path, "restore")  # cache/restore has no such input
    CacheRestore().main(restore_only, {"path": "d", "key": "k", "save-always": "true"})
    assert restore_only.warnings == [
        "Unexpected input(s) 'save-always', valid inputs are ['path', 'key', 'restore-keys', "
        "'enableCrossOsArchive', 'fail-on-cache-miss', 'lookup-only']"
    ]
