"""``astral-sh/setup-uv``: a uv on ``PATH``, from this machine or installed once from PyPI.

Owns the action's main step. The version asked for is ``version``, else the one
``version-file`` names, else ``required-version`` of ``uv.toml`` or ``pyproject.toml``
(``[tool.uv]``) in ``working-directory``, else ``latest``. It is looked for among the
``uv`` on the step's ``PATH``, the one beside the interpreter running Shipyard (as a
``pip install shipyard-ci uv`` leaves it) and those installed in the tool cache
(``<tool_cache>/uv/<version>/bin/uv``); when none fits, it is installed there with
``<python> -m pip install --target`` from PyPI (``python`` is the interpreter running
Shipyard), in a temporary folder renamed into place, so parallel jobs never see half an
install and later runs find it at once. One install runs at a time (a lock file in the
tool cache): the parallel jobs of a first run wait for it, then find it, instead of each
downloading uv. Then, as the real action: ``UV_TOOL_BIN_DIR`` /
the user's local ``bin`` on ``PATH``, ``UV_TOOL_DIR``, ``UV_PYTHON`` from
``python-version``, ``activate-environment`` (``uv venv``, ``VIRTUAL_ENV``, its ``bin``
first on ``PATH``), ``UV_NO_MODIFY_PATH`` honoured; outputs ``uv-version``, ``uv-path``,
``uvx-path``, ``python-version``, ``venv``. The cache inputs are
:mod:`shipyard.actions.uv_cache`.

Inputs are read as v7's ``src/utils/inputs.ts`` reads them: ``activate-environment``
with ``getBooleanInput``, the other switches (``ignore-empty-workdir``, the cache ones)
true only when exactly ``true`` (``True`` or ``yes`` mean false); ``venv-path`` without
``activate-environment`` gets the action's warning and ``resolution-strategy`` other
than ``highest``/``lowest`` its error.

Deviations: ``latest`` means the newest uv found here (PyPI is asked only when there is
none); ``checksum``, ``github-token``, ``manifest-file`` and ``resolution-strategy``
(once checked) change nothing; ``UV_PYTHON_INSTALL_DIR`` is not redirected, so uv keeps
using the Pythons the developer already has.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path

from shipyard.actions.base import ActionFailed, StepServices
from shipyard.actions.inputs import Inputs, failure, read_inputs, resolve_path
from shipyard.actions.python_files import load_toml
from shipyard.actions.uv_cache import UV_CACHE_INPUTS, restore_uv_cache, save_uv_cache
from shipyard.actions.versions import Range, Version, parse_range, parse_version

DEFAULTS = {
    "version": "",
    "version-file": "",
    "python-version": "",
    "activate-environment": "false",
    "venv-path": "",
    "working-directory": "",
    "checksum": "",
    "github-token": "",
    "tool-dir": "",
    "tool-bin-dir": "",
    "manifest-file": "",
    "add-problem-matchers": "true",
    "resolution-strategy": "highest",
    "ignore-empty-workdir": "false",
    **UV_CACHE_INPUTS,
}


class SetupUv:
    """The built-in ``astral-sh/setup-uv``; ``python`` runs ``-m pip`` for installs."""

    post_if = "success()"

    def __init__(self, python: str = sys.executable) -> None:
        self._python = python

    def main(self, services: StepServices, inputs: Mapping[str, str]) -> None:
        args = read_inputs(
            services, inputs, DEFAULTS, also=("server-url", "uv-file", "pyproject-file")
        )
        activate = _check_inputs(services, args)
        workdir = resolve_path(args.get("working-directory") or ".", services)
        if not workdir.is_dir():
            raise ActionFailed(f"ENOENT: no such file or directory, scandir '{workdir}'")
        if not any(workdir.iterdir()):
            if args.is_true("ignore-empty-workdir"):
                services.log(
                    "Empty workdir detected. Ignoring because ignore-empty-workdir is enabled"
                )
            else:
                services.warning(
                    "Empty workdir detected. This may cause unexpected behavior. "
                    "You can enable ignore-empty-workdir to mute this warning."
                )
        wanted = _requested_version(services, args, workdir)
        uv, version = self._find_or_install(services, wanted)
        modify_path = "UV_NO_MODIFY_PATH" not in services.env
        _tool_bin(services, args.get("tool-bin-dir"), modify_path)
        services.set_output("uv-path", str(uv))
        services.set_output("uvx-path", str(uv.parent / "uvx"))
        services.save_state("uv-path", str(uv))
        if modify_path and shutil.which("uv", path=services.env.get("PATH")) != str(uv):
            services.add_path(str(uv.parent))
            services.log(f"Added {uv.parent} to the path")
        if args.get("tool-dir"):
            services.export_env("UV_TOOL_DIR", args.get("tool-dir"))
        if args.get("python-version"):
            services.export_env("UV_PYTHON", args.get("python-version"))
            services.log(f"Set UV_PYTHON to {args.get('python-version')}")
        if activate:
            _activate(services, uv, args, workdir, modify_path)
        services.set_output("uv-version", version)
        services.save_state("uv-version", version)
        services.log(f"Successfully installed uv version {version}")
        python = args.get("python-version") or _python_version(services, uv, workdir)
        services.set_output("python-version", python)
        restore_uv_cache(services, args, uv, workdir, python)

    def post(self, services: StepServices, inputs: Mapping[str, str]) -> None:
        """Record the cache key (see :mod:`shipyard.actions.uv_cache`)."""
        save_uv_cache(services)

    def _find_or_install(self, services: StepServices, wanted: str) -> tuple[Path, str]:
        spec = None if wanted == "latest" else parse_range(wanted)
        if wanted != "latest" and spec is None:
            raise ActionFailed(f"Invalid uv version: {wanted}")
        beside = Path(self._python).parent / "uv"
        fitting = self._fitting(services, spec, beside)
        if not fitting:
            with _install_lock(services.tool_cache):
                fitting = self._fitting(services, spec, beside)  # a parallel job's install
                if not fitting:
                    requirement = "uv" if spec is None else "uv" + _pip_specifier(wanted, spec)
                    return self._install(services, requirement)
        version, path = max(fitting, key=lambda pair: pair[0])
        services.log(f"Found uv in tool-cache for {version}")
        return path, str(version)

    def _fitting(
        self, services: StepServices, spec: Range | None, beside: Path
    ) -> list[tuple[Version, Path]]:
        found = _installed(services, beside)
        return [(v, p) for v, p in found if spec is None or spec.satisfied_by(v)]

    def _install(self, services: StepServices, requirement: str) -> tuple[Path, str]:
        root = services.tool_cache / "uv"
        root.mkdir(parents=True, exist_ok=True)
        building = root / f".tmp-{uuid.uuid4().hex}"
        services.log(f"Installing {requirement} from PyPI into the tool cache")
        argv = [
            self._python,
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "--no-warn-script-location",
            "--quiet",
            "--target",
            str(building),
            requirement,
        ]
        try:
            if services.exec(argv) != 0:
                raise failure(
                    f"Could not install {requirement} with pip",
                    "install uv yourself (https://docs.astral.sh/uv/) and put it on PATH",
                )
            version = _uv_version(building / "bin" / "uv")
            if version is None:
                raise ActionFailed(
                    f"pip installed {requirement}, but {building}/bin/uv does not run"
                )
            final = root / str(version)
            with contextlib.suppress(OSError):  # another job installed it first
                building.rename(final)
        finally:
            shutil.rmtree(building, ignore_errors=True)
        return final / "bin" / "uv", str(version)


def _check_inputs(services: StepServices, args: Inputs) -> bool:
    """What ``src/utils/inputs.ts`` checks as it loads: whether to activate a venv.

    ``activate-environment`` is read with ``getBooleanInput`` (a word outside the YAML 1.2
    core schema fails); the other switches compare with ``"true"`` where they are used.
    """
    activate = args.flag("activate-environment")
    if args.get("venv-path") and not activate:
        services.warning("venv-path is only used when activate-environment is true")
    strategy = args.get("resolution-strategy")
    if strategy not in ("", "highest", "lowest"):
        raise ActionFailed(
            f"Invalid resolution-strategy: {strategy}. Must be 'highest' or 'lowest'."
        )
    return activate


def _requested_version(services: StepServices, args: Inputs, workdir: Path) -> str:
    if args.get("version"):
        return _pep440_to_range(args.get("version"))
    if args.get("version-file"):
        named = _version_from_file(resolve_path(args.get("version-file"), services))
        if named is None:
            raise ActionFailed(
                f"Could not determine uv version from file: {args.get('version-file')}"
            )
        return _pep440_to_range(named)
    for name in ("uv.toml", "pyproject.toml"):
        named = _version_from_file(workdir / name)
        if named is not None:
            return _pep440_to_range(named)
    services.log(
        "Could not determine uv version from uv.toml or pyproject.toml. Falling back to latest."
    )
    return "latest"


def _version_from_file(path: Path) -> str | None:
    """``required-version`` of uv.toml / ``[tool.uv]``, or a ``uv`` line of other files."""
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.name.endswith(".toml"):
        data = load_toml(text)
        table = data if path.name == "uv.toml" else data.get("tool", {}).get("uv", {})
        value = table.get("required-version") if isinstance(table, dict) else None
        return value if isinstance(value, str) else None
    match = re.search(r"^\s*uv\s*(?:==\s*)?v?([0-9][^\s;#]*)", text, re.MULTILINE)
    return match[1] if match else None


def _pep440_to_range(text: str) -> str:
    text = text.strip()
    if text == "latest":
        return text
    return " ".join(part.strip().removeprefix("==") for part in text.split(","))


def _pip_specifier(wanted: str, spec: Range) -> str:
    if parse_version(wanted) is not None:
        return f"=={wanted}"
    if len(spec.alternatives) != 1:
        raise ActionFailed(f"No uv version matching {wanted} is installed here")
    parts = []
    for op, bound in spec.alternatives[0]:
        plain = Version(bound.major, bound.minor, bound.patch)
        parts.append(f"{'==' if op == '=' else op}{plain}")
    return ",".join(parts)


_VERSIONS: dict[tuple[str, int], Version | None] = {}


def _uv_version(path: Path) -> Version | None:
    """``uv --version``'s version (remembered while the file is unchanged)."""
    try:
        key = (os.path.realpath(path), path.stat().st_mtime_ns)
    except OSError:
        return None
    if key not in _VERSIONS:
        try:
            out = subprocess.run(
                [str(path), "--version"], capture_output=True, text=True, timeout=30, check=False
            ).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        words = out.split()
        _VERSIONS[key] = parse_version(words[1]) if len(words) > 1 else None
    return _VERSIONS[key]


@contextlib.contextmanager
def _install_lock(tool_cache: Path) -> Iterator[None]:
    """Held while uv is looked for again and installed: one install across jobs and runs."""
    tool_cache.mkdir(parents=True, exist_ok=True)
    with (tool_cache / ".uv-install.lock").open("a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _installed(services: StepServices, beside: Path) -> list[tuple[Version, Path]]:
    found: list[tuple[Version, Path]] = []
    on_path = shutil.which("uv", path=services.env.get("PATH"))
    candidates = [Path(on_path)] if on_path else []
    if beside.is_file() and os.access(beside, os.X_OK):
        candidates.append(beside)
    root = services.tool_cache / "uv"
    if root.is_dir():
        candidates += [
            d / "bin" / "uv" for d in sorted(root.iterdir()) if not d.name.startswith(".")
        ]
    for path in candidates:
        version = _uv_version(path)
        if version is not None:
            found.append((version, path))
    return found


def _tool_bin(services: StepServices, tool_bin: str, modify_path: bool) -> None:
    env = services.env
    if tool_bin:
        services.export_env("UV_TOOL_BIN_DIR", tool_bin)
        folder = tool_bin
    elif env.get("XDG_BIN_HOME"):
        folder = env["XDG_BIN_HOME"]
    elif env.get("XDG_DATA_HOME"):
        folder = env["XDG_DATA_HOME"] + "/../bin"
    else:
        folder = f"{env.get('HOME', os.path.expanduser('~'))}/.local/bin"
    if modify_path:
        services.add_path(folder)


def _activate(services: StepServices, uv: Path, args: Inputs, workdir: Path, modify: bool) -> None:
    if not modify:
        raise ActionFailed("UV_NO_MODIFY_PATH and activate-environment cannot be used together.")
    venv = (
        resolve_path(args.get("venv-path"), services)
        if args.get("venv-path")
        else workdir / ".venv"
    )
    services.log(f"Activating python venv at {venv}...")
    if services.exec([str(uv), "venv", str(venv)], cwd=workdir) != 0:
        raise ActionFailed(f"The process '{uv}' failed with exit code 1")
    services.add_path(str(venv / "bin"))
    services.export_env("VIRTUAL_ENV", str(venv))
    services.set_output("venv", str(venv))


def _python_version(services: StepServices, uv: Path, workdir: Path) -> str:
    env = dict(services.env)
    try:
        found = subprocess.run(
            [str(uv), "python", "find", "--directory", str(workdir)],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
            check=False,
        ).stdout.strip()
        out = subprocess.run(
            [found, "--version"], capture_output=True, text=True, timeout=30, check=False
        ).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out[1] if len(out) > 1 else "unknown"
