"""Finding a project's dependencies: its dependency files, an installed environment, a git base.

:func:`load_file_dependencies` reads the project's dependency files — ``requirements*.txt``
and ``requirements/*.txt`` (following their ``-r``/``-c`` includes), ``pyproject.toml``
(``==`` pins) and the lock files ``uv.lock``, ``poetry.lock``, ``pylock.toml``,
``Pipfile.lock`` — with :mod:`shipyard.reports.dependencies`.
:func:`load_environment_dependencies` lists the distributions a Python interpreter has
installed (``importlib.metadata``, run in that interpreter);
:func:`load_declared_dependencies` only those the project's declared requirements lead to
there (:func:`shipyard.reports.dependencies.resolve_installed`), which leaves out what the
environment holds for other reasons — pip, the base interpreter's own setuptools seen
through ``--system-site-packages``, the scanners. :func:`load_base_dependencies` reads the
same files as they are at a git revision (``git show REV:path``), for the dependency
review of a pull request.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

from shipyard.errors import UserError
from shipyard.reports.dependencies import (
    LOCK_FILES,
    Dependency,
    InstalledDistribution,
    ParsedFile,
    parse_lock,
    parse_pyproject,
    parse_requirements,
    resolve_installed,
)
from shipyard.repository import git_bytes, git_output
from shipyard.valueclass import dataclass

# run in the scanned interpreter (standard library only): its distributions with their
# Requires-Dist, and its environment-marker values as packaging.markers computes them
_LIST_SCRIPT = """\
import json, os, platform, sys, importlib.metadata as m
def full(info):
    text = f"{info.major}.{info.minor}.{info.micro}"
    return text if info.releaselevel == "final" else text + info.releaselevel[0] + str(info.serial)
environment = {
    "implementation_name": sys.implementation.name,
    "implementation_version": full(sys.implementation.version),
    "os_name": os.name,
    "platform_machine": platform.machine(),
    "platform_release": platform.release(),
    "platform_system": platform.system(),
    "platform_version": platform.version(),
    "python_full_version": platform.python_version(),
    "platform_python_implementation": platform.python_implementation(),
    "python_version": ".".join(platform.python_version_tuple()[:2]),
    "sys_platform": sys.platform,
}
found = [[d.metadata["Name"], d.version, d.requires or []] for d in m.distributions()]
print(json.dumps({"environment": environment, "distributions": [f for f in found if f[0]]}))
"""


@dataclass(frozen=True, slots=True)
class DependencySet:
    """Pinned dependencies, unpinned requirement names, and the files they came from.

    ``declared``: every requirement the files declare, as ``(requirement text, source)``.
    """

    pinned: tuple[Dependency, ...]
    unpinned: tuple[str, ...]
    files: tuple[str, ...]
    declared: tuple[tuple[str, str], ...] = ()


def dependency_files(root: Path) -> list[str]:
    """The dependency files of the project, relative to ``root`` (``/`` separators)."""
    found = sorted(p.name for p in root.glob("requirements*.txt") if p.is_file())
    folder = root / "requirements"
    if folder.is_dir():
        found += sorted(f"requirements/{p.name}" for p in folder.glob("*.txt") if p.is_file())
    found += [name for name in ("pyproject.toml", *LOCK_FILES) if (root / name).is_file()]
    return found


def _parse(name: str, text: str) -> ParsedFile:
    base = name.rsplit("/", 1)[-1]
    try:
        if base == "pyproject.toml":
            return parse_pyproject(text, name)
        if base in LOCK_FILES:
            return parse_lock(text, name)
    except ValueError as err:
        raise UserError(str(err), hint="fix the file or leave it out of the scan") from None
    return parse_requirements(text, name)


def _collect(files: list[str], read: Callable[[str], str | None]) -> DependencySet:
    pinned: list[Dependency] = []
    unpinned: list[str] = []
    declared: list[tuple[str, str]] = []
    used: list[str] = []
    queue = list(files)
    while queue:
        name = queue.pop(0)
        if name in used:
            continue
        text = read(name)
        if text is None:
            continue
        used.append(name)
        parsed = _parse(name, text)
        pinned.extend(parsed.pinned)
        unpinned.extend(parsed.unpinned)
        declared.extend(parsed.declared)
        folder = name.rsplit("/", 1)[0] + "/" if "/" in name else ""
        for include in parsed.includes:
            queue.append(str(Path(folder + include).as_posix()))
    pinned_names = {d.name for d in pinned}
    loose = tuple(dict.fromkeys(n for n in unpinned if n not in pinned_names))
    return DependencySet(tuple(pinned), loose, tuple(used), tuple(declared))


def load_file_dependencies(root: Path, files: list[str] | None = None) -> DependencySet:
    """The dependencies the project's files pin (``files`` relative to ``root``)."""

    def read(name: str) -> str | None:
        try:
            return (root / name).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as err:
            raise UserError(f"cannot read {name}: {err}") from None

    return _collect(dependency_files(root) if files is None else files, read)


def load_base_dependencies(root: Path, base: str) -> DependencySet:
    """The dependencies pinned by the dependency files at git revision ``base``."""
    if git_output("rev-parse", "--verify", "--quiet", f"{base}^{{commit}}", cwd=root) is None:
        raise UserError(
            f"unknown base revision {base!r}",
            hint="fetch it first (git fetch origin main) or pass --base with a branch or commit",
        )
    listed = git_output("ls-tree", "--name-only", base, "./", cwd=root) or ""
    names = set(dependency_files(root))
    for line in listed.splitlines():
        name = line.rsplit("/", 1)[-1]
        if (name.startswith("requirements") and name.endswith(".txt")) or name in (
            "pyproject.toml",
            *LOCK_FILES,
        ):
            names.add(name)

    def read(name: str) -> str | None:
        data = git_bytes("show", f"{base}:./{name}", cwd=root)
        return None if data is None else data.decode("utf-8", "replace")

    return _collect(sorted(names), read)


def _installed(python: str) -> tuple[list[InstalledDistribution], dict[str, str]]:
    """The distributions ``python`` has installed, and its environment-marker values."""
    try:
        done = subprocess.run(
            [python, "-c", _LIST_SCRIPT], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        raise UserError(f"cannot run {python}: {err}") from None
    if done.returncode != 0:
        raise UserError(f"cannot list the packages of {python}: {done.stderr.strip()[-300:]}")
    from shipyard.reports.osv import normalize_name

    data = json.loads(done.stdout)
    found = [
        InstalledDistribution(normalize_name(name), version, tuple(requires))
        for name, version, requires in data["distributions"]
    ]
    return found, {str(k): str(v) for k, v in data["environment"].items()}


def load_environment_dependencies(python: str) -> DependencySet:
    """Every distribution installed for the interpreter ``python``."""
    found, _ = _installed(python)
    pinned = sorted({(d.name, d.version) for d in found})
    deps = tuple(Dependency(name, version, "") for name, version in pinned)
    return DependencySet(deps, (), ())


def load_declared_dependencies(python: str, files: DependencySet) -> DependencySet:
    """What the requirements declared in ``files`` install for ``python``, transitively.

    Each dependency's source is the declaration that leads to it; declared names that
    are not installed come back as unpinned (they cannot be checked).
    """
    found, environment = _installed(python)
    deps, missing = resolve_installed(files.declared, found, environment)
    return DependencySet(tuple(deps), tuple(missing), files.files, files.declared)
