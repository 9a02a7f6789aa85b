"""setup-uv's cache inputs, on this machine's uv cache.

Owns ``enable-cache``, ``cache-dependency-glob``, ``cache-suffix``, ``cache-local-path``,
``restore-cache``, ``save-cache``, ``prune-cache``, ``cache-python`` and
``ignore-nothing-to-cache``. On GitHub the action restores uv's cache folder from the
cache service under a key made of the platform, the Python version and the hash of the
files ``cache-dependency-glob`` matches in ``working-directory``, and saves it in its post
step (``post-if: success()``) unless the key hit exactly.

Locally uv's own cache is already persistent, shared between runs and safe for
parallel jobs, so it is used in place: ``UV_CACHE_DIR`` is set only for
``cache-local-path``. The key is computed as on GitHub; each saved key leaves a marker
under ``<data_dir>/caches/<repository>/setup-uv/``, ``cache-hit`` says whether the
current key's marker exists, and the post step writes it. As the real post step does,
it fails when uv's cache folder does not exist, unless ``ignore-nothing-to-cache``.
``enable-cache: auto`` counts as enabled (GitHub-hosted runners enable it). The switches
are true only when exactly ``true``, as the action compares them (``=== "true"``).

Deviation: nothing is pruned (``prune-cache``): the cache is the developer's own.
"""

from __future__ import annotations

import hashlib
import platform
import subprocess
from pathlib import Path

from shipyard.actions.base import ActionFailed, StepServices
from shipyard.actions.cache_store import cache_root
from shipyard.actions.inputs import Inputs
from shipyard.hashfiles import hash_files

UV_CACHE_INPUTS = {
    "enable-cache": "auto",
    "cache-dependency-glob": "**/*requirements*.txt\n**/*requirements*.in\n"
    "**/*constraints*.txt\n**/*constraints*.in\n**/pyproject.toml\n**/uv.lock\n**/*.py.lock",
    "restore-cache": "true",
    "save-cache": "true",
    "cache-suffix": "",
    "cache-local-path": "",
    "prune-cache": "true",
    "cache-python": "false",
    "ignore-nothing-to-cache": "false",
}


def restore_uv_cache(
    services: StepServices, args: Inputs, uv: Path, workdir: Path, python: str
) -> None:
    """Compute the key, set ``cache-key``/``cache-hit``, keep what the post step needs."""
    if args.get("enable-cache") not in ("auto", "true"):  # inputs.ts: === "true"
        return
    if args.get("cache-local-path"):
        services.export_env("UV_CACHE_DIR", args.get("cache-local-path"))
        services.log(f"Set UV_CACHE_DIR to {args.get('cache-local-path')}")
    globs = args.lines("cache-dependency-glob")
    digest = "-"
    if globs:
        services.log(f"Searching files using cache dependency glob: {','.join(globs)}")
        digest += hash_files(workdir, globs)
        if digest == "-":
            services.warning(
                f"No file matched to [{','.join(globs)}]. The cache will never get "
                "invalidated. Make sure you have checked out the target repository and "
                "configured the cache-dependency-glob input correctly."
            )
    if digest == "-":
        digest = "-no-dependency-glob"
    suffix = f"-{args.get('cache-suffix')}" if args.get("cache-suffix") else ""
    pruned = "-pruned" if args.is_true("prune-cache") else ""
    target = f"{platform.machine()}-unknown-linux-gnu"
    key = f"setup-uv-1-{target}-{python}{pruned}{digest}{suffix}"
    name = hashlib.sha256(key.encode()).hexdigest()
    marker = cache_root(services.info) / "setup-uv" / name
    services.set_output("cache-key", key)
    services.save_state("cache-key", key)
    services.save_state("cache-marker", str(marker))
    services.save_state("cache-folder", _cache_dir(services, uv))
    services.save_state("save-cache", "true" if args.is_true("save-cache") else "false")
    services.save_state("ignore-nothing-to-cache", args.get("ignore-nothing-to-cache"))
    hit = args.is_true("restore-cache") and marker.exists()
    if hit:
        services.save_state("cache-matched-key", key)
        services.log(f"Cache restored from key: {key}")
    else:
        services.log(f"No GitHub Actions cache found for key: {key}")
    services.set_output("cache-hit", "true" if hit else "false")


def save_uv_cache(services: StepServices) -> None:
    """The post step: write the key's marker (see the module docstring)."""
    state = services.state
    key = state.get("cache-key", "")
    if not key or state.get("save-cache") != "true":
        return
    if state.get("cache-matched-key") == key:
        services.log(f"Cache hit occurred on key {key}, not saving cache.")
        return
    folder = state.get("cache-folder", "")
    if not folder or not Path(folder).is_dir():
        if state.get("ignore-nothing-to-cache") == "true":
            return
        raise ActionFailed(
            f"Cache path {folder} does not exist on disk. This likely indicates that there "
            "are no dependencies to cache. Consider disabling the cache input if it is not "
            "needed."
        )
    marker = Path(state["cache-marker"])
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.touch()
    services.log(f"cache saved with key: {key}")


def _cache_dir(services: StepServices, uv: Path) -> str:
    if services.env.get("UV_CACHE_DIR"):
        return services.env["UV_CACHE_DIR"]
    try:
        proc = subprocess.run(
            [str(uv), "cache", "dir"],
            capture_output=True,
            text=True,
            timeout=30,
            env=dict(services.env),
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return proc.stdout.strip() if proc.returncode == 0 else ""
