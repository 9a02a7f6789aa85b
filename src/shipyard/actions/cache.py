"""``actions/cache``, ``actions/cache/restore`` and ``actions/cache/save`` on the local store.

Owns the three actions' inputs, outputs and messages (v4):

- ``actions/cache`` restores in its main step and saves in its post step, which runs
  only when the job is succeeding (``post_if``) and the main step had no exact hit; the
  key it saves is the one the main step saw (kept as state);
- ``actions/cache/restore`` also outputs ``cache-primary-key`` and ``cache-matched-key``;
- ``actions/cache/save`` saves in its main step.

``cache-hit`` is ``true`` for an exact key match, ``false`` for a restore-key match, and,
as on GitHub (actions/cache#1466), not set at all on a miss. ``path`` lines are
``@actions/glob`` patterns (:mod:`shipyard.actions.globs`) without implicit
descendants: a matched folder is stored whole. Storage is
:mod:`shipyard.actions.cache_store`.

A save never fails its step, as ``saveImpl`` does not: a missing key or path, a bad key
or pattern, or paths that match nothing are logged as ``[warning]<message>`` (a plain
log line: ``utils.logWarning`` is ``core.info``), and ``actions/cache/save`` then adds
the ``Cache save failed.`` warning annotation whenever nothing was saved. Restores fail
their step on bad input, as ``restoreImpl`` does. ``fail-on-cache-miss`` and
``lookup-only`` are read with ``getInputAsBool`` (``true`` in any case; any other word
is false). ``upload-chunk-size`` and ``enableCrossOsArchive`` are accepted and change
nothing here; ``save-always`` gets the runner's deprecation warning (its
``deprecationMessage`` in v4's ``action.yml``) and changes nothing either: that
``action.yml`` has ``post-if: success()``.
"""

from __future__ import annotations

from collections.abc import Mapping

from shipyard.actions.base import ActionFailed, StepServices
from shipyard.actions.cache_store import CacheStore, cache_root, cache_version, restore_archive
from shipyard.actions.globs import PatternError, glob_paths, parse_patterns
from shipyard.actions.inputs import Inputs, read_inputs

RESTORE_INPUTS = {
    "path": "",
    "key": "",
    "restore-keys": "",
    "enableCrossOsArchive": "false",
    "fail-on-cache-miss": "false",
    "lookup-only": "false",
}
SAVE_INPUTS = {"path": "", "key": "", "upload-chunk-size": "", "enableCrossOsArchive": "false"}
CACHE_INPUTS = {**RESTORE_INPUTS, "upload-chunk-size": "", "save-always": "false"}
CACHE_DEPRECATED = {
    "save-always": "save-always does not work as intended and will be removed in a future "
    "release.\nA separate `actions/cache/restore` step should be used instead.\nSee "
    "https://github.com/actions/cache/tree/main/save#always-save-cache for more details."
}


def _required(args: Inputs, name: str) -> str:
    value = args.get(name)
    if not value:
        raise ActionFailed(f"Input required and not supplied: {name}")
    return value


def _check_key(key: str) -> None:
    if len(key) > 512:
        raise ActionFailed(f"Key Validation Error: {key} cannot be larger than 512 characters.")
    if "," in key:
        raise ActionFailed(f"Key Validation Error: {key} cannot contain commas.")


def restore(services: StepServices, args: Inputs, *, outputs: bool) -> None:
    """The restore step; ``outputs`` is restore-only's (keys as outputs, not state)."""
    key = _required(args, "key")
    keep = services.set_output if outputs else services.save_state
    keep("cache-primary-key", key)
    restore_keys = args.lines("restore-keys")
    paths = args.lines("path")
    if not paths:
        raise ActionFailed("Input required and not supplied: path")
    if len(restore_keys) + 1 > 10:
        raise ActionFailed("Key Validation Error: Keys are limited to a maximum of 10.")
    for each in (key, *restore_keys):
        _check_key(each)
    store = CacheStore(cache_root(services.info))
    entry = store.lookup(key, restore_keys, cache_version(paths))
    if entry is None:
        if args.is_true_any_case("fail-on-cache-miss"):
            raise ActionFailed(
                "Failed to restore cache entry. Exiting as fail-on-cache-miss is set. "
                f"Input key: {key}"
            )
        services.log(f"Cache not found for input keys: {', '.join([key, *restore_keys])}")
        return
    if not args.is_true_any_case("lookup-only"):
        size = entry.archive.stat().st_size
        services.log(f"Cache Size: ~{round(size / 1048576)} MB ({size} B)")
        restore_archive(entry.archive, services.workspace)
    keep("cache-matched-key", entry.key)
    services.set_output("cache-hit", "true" if entry.key == key else "false")
    if args.is_true_any_case("lookup-only"):
        services.log(f"Cache found and can be restored from key: {entry.key}")
    else:
        services.log(f"Cache restored from key: {entry.key}")


def log_warning(services: StepServices, message: str) -> None:
    """actions/cache's ``utils.logWarning``: ``core.info("[warning]" + message)``."""
    services.log(f"[warning]{message}")


def save(services: StepServices, args: Inputs, key: str) -> bool:
    """``saveImpl`` after the key checks: archive the ``path`` matches under ``key``.

    Whether a cache was saved; every problem is logged, never raised (see the module docs).
    """
    try:
        paths = args.lines("path")
        if not paths:
            raise ActionFailed("Input required and not supplied: path")
        _check_key(key)
        try:
            patterns = parse_patterns(
                paths, cwd=services.workspace, env=services.env, implicit_descendants=False
            )
        except PatternError as error:
            raise ActionFailed(str(error)) from None
        matched = glob_paths(patterns)
        if not matched:
            raise ActionFailed(
                "Path Validation Error: Path(s) specified in the action for caching do(es) "
                "not exist, hence no cache is being saved."
            )
    except ActionFailed as error:
        log_warning(services, str(error))
        return False
    size = CacheStore(cache_root(services.info)).save(
        key, cache_version(paths), matched, services.workspace
    )
    if size is None:
        services.log(
            f"Failed to save: Unable to reserve cache with key {key}, "
            "another job may be creating this cache."
        )
        return False
    services.log(f"Cache Size: ~{round(size / 1048576)} MB ({size} B)")
    services.log(f"Cache saved with key: {key}")
    return True


class Cache:
    """``actions/cache``: restore now, save in the post step."""

    post_if = "success()"

    def main(self, services: StepServices, inputs: Mapping[str, str]) -> None:
        args = read_inputs(services, inputs, CACHE_INPUTS, deprecated=CACHE_DEPRECATED)
        restore(services, args, outputs=False)

    def post(self, services: StepServices, inputs: Mapping[str, str]) -> None:
        """Save unless the main step hit the key exactly."""
        args = read_inputs(services, inputs, CACHE_INPUTS, warn=False)
        key = services.state.get("cache-primary-key") or args.get("key")
        if not key:
            log_warning(services, "Key is not specified.")
            return
        if services.state.get("cache-matched-key") == key:
            services.log(f"Cache hit occurred on the primary key {key}, not saving cache.")
            return
        save(services, args, key)


class CacheRestore:
    """``actions/cache/restore``."""

    def main(self, services: StepServices, inputs: Mapping[str, str]) -> None:
        restore(services, read_inputs(services, inputs, RESTORE_INPUTS), outputs=True)


class CacheSave:
    """``actions/cache/save``."""

    def main(self, services: StepServices, inputs: Mapping[str, str]) -> None:
        """``saveOnlyRun``: the save's problems are logged, then one warning annotation."""
        args = read_inputs(services, inputs, SAVE_INPUTS)
        key = args.get("key")
        if not key:
            log_warning(services, "Key is not specified.")
        if not key or not save(services, args, key):
            services.warning("Cache save failed.")
