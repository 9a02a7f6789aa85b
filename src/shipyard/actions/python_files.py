"""Which Python versions ``actions/setup-python`` is asked for: its inputs and version files.

Owns setup-python's ``resolveVersionInput``: the ``python-version`` lines win (with a
warning when ``python-version-file`` is also set); else ``python-version-file`` is read
by its kind — a ``.toml`` file gives ``project.requires-python`` (or, without a
``[project]`` table, Poetry's ``tool.poetry.dependencies.python``) as a range with commas
turned into spaces; ``.tool-versions`` gives its ``python`` line; ``Pipfile`` gives
``requires.python_full_version`` or ``requires.python_version``; any other file gives one
version a line (first word; blank and ``#`` lines skipped); else ``.python-version`` in
the workspace, if there is one. Messages are the real action's.

Deviation: on Python 3.10 (no ``tomllib``) TOML files are read with a small reader that
knows tables and ``key = "string"`` lines only, which is all these keys need.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from shipyard.actions.base import ActionFailed, StepServices
from shipyard.actions.inputs import Inputs, resolve_path
from shipyard.actions.versions import parse_range


def resolve_versions(services: StepServices, args: Inputs) -> list[str]:
    """The version specs to set up, in order (the last becomes the default)."""
    versions = args.lines("python-version")
    version_file = args.get("python-version-file")
    if versions:
        if version_file:
            services.warning(
                "Both python-version and python-version-file inputs are specified, "
                "only python-version will be used."
            )
        return versions
    if version_file:
        path = resolve_path(version_file, services)
        if not path.is_file():
            raise ActionFailed(
                f"The specified python version file at: {version_file} doesn't exist."
            )
        return read_version_file(services, path, version_file)
    services.log(
        "[warning]Neither 'python-version' nor 'python-version-file' inputs were supplied. "
        "Attempting to find '.python-version' file."
    )
    default = services.workspace / ".python-version"
    if default.is_file():
        return _plain(services, default, ".python-version")
    services.log("[warning].python-version doesn't exist.")
    return []


def read_version_file(services: StepServices, path: Path, shown: str) -> list[str]:
    """``getVersionInputFromFile``: the versions a file names, by its kind."""
    if path.name.endswith(".toml"):
        return _pyproject(services, path, shown)
    if path.name == ".tool-versions":
        return _tool_versions(services, path, shown)
    if path.name == "Pipfile":
        return _pipfile(services, path, shown)
    return _plain(services, path, shown)


def _plain(services: StepServices, path: Path, shown: str) -> list[str]:
    text = path.read_text(encoding="utf-8", errors="replace").strip()
    versions = [
        line.strip().split()[0]
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    ]
    services.log(f"Resolved {shown} as {', '.join(versions)}")
    return versions


def _pyproject(services: StepServices, path: Path, shown: str) -> list[str]:
    data = load_toml(path.read_text(encoding="utf-8", errors="replace"))
    if "project" in data:
        value = _dig(data, "project", "requires-python")
    else:
        value = _dig(data, "tool", "poetry", "dependencies", "python")
    found = [value] if isinstance(value, str) else []
    services.log(f"Extracted {','.join(found)} from {shown}")
    ranges = [" ".join(v.split(",")) for v in found]
    return [r for r in ranges if parse_range(r) is not None]


def _tool_versions(services: StepServices, path: Path, shown: str) -> list[str]:
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.strip().startswith("#"):
            continue
        match = re.match(r"^\s*python\s+v?(\S+)", line)
        if match:
            return [match[1]]
    services.warning(f"No Python version found in {shown}")
    return []


def _pipfile(services: StepServices, path: Path, shown: str) -> list[str]:
    data = load_toml(path.read_text(encoding="utf-8", errors="replace"))
    value = _dig(data, "requires", "python_full_version") or _dig(
        data, "requires", "python_version"
    )
    if not isinstance(value, str):
        services.warning(f"No Python version found in {shown}")
        return []
    services.log(f"Extracted {value} from {shown}")
    return [value]


def _dig(data: dict[str, Any], *keys: str) -> object:
    current: object = data
    for key in keys:
        if not isinstance(current, dict) or key not in current:
            return None
        current = current[key]
    return current


if sys.version_info >= (3, 11):
    import tomllib

    def load_toml(text: str) -> dict[str, Any]:
        """A TOML document as a dict (``{}`` when it is not valid TOML)."""
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            return {}

else:

    def load_toml(text: str) -> dict[str, Any]:
        """A TOML document as a dict, read with the small reader (see the module docs)."""
        return _small_toml(text)


def _small_toml(text: str) -> dict[str, Any]:
    root: dict[str, Any] = {}
    table = root
    for raw in text.splitlines():
        line = raw.strip()
        header = re.fullmatch(r"\[\s*([^\[\]]+?)\s*\]", line)
        if header:
            table = root
            for part in header[1].split("."):
                table = table.setdefault(part.strip().strip('"'), {})
            continue
        pair = re.fullmatch(r"""([\w.-]+|"[^"]+")\s*=\s*(?:"([^"]*)"|'([^']*)')\s*(#.*)?""", line)
        if pair:
            table[pair[1].strip('"')] = pair[2] if pair[2] is not None else pair[3]
    return root
