"""setup-python's ``cache: pip | pipenv | poetry``, kept in Shipyard's data folder.

Owns the cache input of ``actions/setup-python``. The real action restores the package
manager's download cache from GitHub's cache service under a key made of the Python
version and the hash of the dependency files (``cache-dependency-path``, by default
``**/requirements.txt`` — falling back to ``**/pyproject.toml`` — for pip,
``**/Pipfile.lock`` for pipenv, ``**/poetry.lock`` for poetry), and saves it in its post
step when the key was not an exact hit.

Here the cache is a folder used in place: one per repository, package manager and Python
version under ``<data_dir>/caches/<repository>/setup-python/``, handed to the tools
through ``PIP_CACHE_DIR`` (pip, pipenv), ``PIPENV_CACHE_DIR`` and ``POETRY_CACHE_DIR``.
Package managers keep these caches safe to share between parallel jobs. Each key that
was saved leaves a marker beside the folder; ``cache-hit`` is ``true`` when the current
key's marker exists, so a changed lock file still starts from the warm folder (as the
real restore key does) but reports a miss. The post step (``post-if: success()``) writes
the marker, and fails as the real one does when the folder was never created.

Deviation: Poetry's virtual environments (``POETRY_VIRTUALENVS_PATH``) stay in the job's
temporary folder; sharing them in place between parallel jobs would not be safe.
"""

from __future__ import annotations

from pathlib import Path

from shipyard.actions.base import ActionFailed, StepServices
from shipyard.actions.cache_store import cache_root
from shipyard.actions.inputs import Inputs
from shipyard.hashfiles import hash_files

_DEFAULT_PATHS = {
    "pip": "**/requirements.txt",
    "pipenv": "**/Pipfile.lock",
    "poetry": "**/poetry.lock",
}
_VARIABLES = {
    "pip": ("PIP_CACHE_DIR",),
    "pipenv": ("PIP_CACHE_DIR", "PIPENV_CACHE_DIR"),
    "poetry": ("POETRY_CACHE_DIR",),
}
_BACKUP = "**/pyproject.toml"


def restore_python_cache(services: StepServices, args: Inputs, python_version: str) -> None:
    """Point the package manager at its cache folder; output ``cache-hit``."""
    manager = args.get("cache")
    if manager not in _DEFAULT_PATHS:
        raise ActionFailed(f"Caching for '{manager}' is not supported")
    patterns = args.lines("cache-dependency-path") or [_DEFAULT_PATHS[manager]]
    digest = hash_files(services.workspace, patterns)
    if not digest and manager == "pip":
        digest = hash_files(services.workspace, [_BACKUP])
    if not digest:
        shown = ",".join(patterns) + (f" or {_BACKUP}" if manager == "pip" else "")
        raise ActionFailed(
            f"No file in {services.workspace} matched to [{shown}], "
            "make sure you have checked out the target repository"
        )
    runner_os = services.env.get("RUNNER_OS", "Linux")
    key = f"setup-python-{runner_os}-python-{python_version}-{manager}-{digest}"
    base = cache_root(services.info) / "setup-python"
    folder = base / f"{manager}-{python_version}"
    marker = base / f"{manager}-{python_version}.keys" / digest
    for name in _VARIABLES[manager]:
        services.export_env(name, str(folder))
    if manager == "poetry":
        services.export_env("POETRY_VIRTUALENVS_PATH", str(services.temp / "poetry-virtualenvs"))
    services.save_state("cache-primary-key", key)
    services.save_state("cache-paths", str(folder))
    services.save_state("cache-marker", str(marker))
    services.save_state("cache-manager", manager)
    hit = marker.exists()
    if hit:
        services.save_state("cache-matched-key", key)
        services.log(f"Cache restored from key: {key}")
    else:
        services.log(f"{manager} cache is not found")
    services.set_output("cache-hit", "true" if hit else "false")


def save_python_cache(services: StepServices) -> None:
    """The post step: record the key as saved, unless it was an exact hit."""
    state = services.state
    key = state.get("cache-primary-key", "")
    if not key:
        return
    if state.get("cache-matched-key") == key:
        services.log(f"Cache hit occurred on the primary key {key}, not saving cache.")
        return
    folder = state.get("cache-paths", "")
    if not folder or not Path(folder).is_dir():
        raise ActionFailed(
            f"Cache folder path is retrieved for {state.get('cache-manager', 'pip')} but "
            f"doesn't exist on disk: {folder}. This likely indicates that there are no "
            "dependencies to cache. Consider removing the cache step if it is not needed."
        )
    marker = Path(state["cache-marker"])
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.touch()
    services.log(f"Cache saved with the key: {key}")
