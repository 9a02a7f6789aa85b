"""A project's dependencies with their versions, read from its dependency files, and the
review of what a change adds or changes.

Readers, one per format, each returning :class:`Dependency` values (normalised name,
version, the file and line it came from) plus the requirements that pin no version
(they cannot be checked against advisories offline):

- ``requirements*.txt`` (:func:`parse_requirements`): ``name==version`` (and ``===``)
  lines, extras and markers allowed, comments, hashes and line continuations understood;
  ``-r``/``-c`` includes are returned for the caller to follow;
- ``pyproject.toml`` (:func:`parse_pyproject`): ``[project]`` dependencies and optional
  dependencies pinned with ``==``;
- lock files (:func:`parse_lock`): ``uv.lock`` and ``poetry.lock`` (``[[package]]``),
  ``pylock.toml`` (``[[packages]]``), ``Pipfile.lock`` (JSON).

:func:`review_dependencies` compares two sets (the base branch's and the working tree's)
into what was added, changed and removed.

:func:`resolve_installed` follows what the project declares (every requirement of its
files, pinned or not: :attr:`ParsedFile.declared`) through an environment's installed
distributions, their ``Requires-Dist`` markers evaluated there with the extras asked for:
the project's dependencies at the versions it really runs with — not whatever else that
environment holds (pip, the interpreter's own setuptools, the scanners themselves).

Pure: text in, values out.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Mapping

from packaging.markers import InvalidMarker, UndefinedComparison, UndefinedEnvironmentName
from packaging.requirements import InvalidRequirement, Requirement

from shipyard.reports.osv import normalize_name
from shipyard.valueclass import dataclass

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

LOCK_FILES = ("uv.lock", "poetry.lock", "pylock.toml", "Pipfile.lock")


@dataclass(frozen=True, slots=True)
class Dependency:
    """A package at a version; ``source`` is ``file`` or ``file:line`` (empty: environment)."""

    name: str
    version: str
    source: str = ""

    def to_json(self) -> dict[str, str]:
        """``{"name", "version", "source"}``."""
        return {"name": self.name, "version": self.version, "source": self.source}


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """What one dependency file pins, what it leaves unpinned, and which files it includes.

    ``declared`` holds every requirement it declares, pinned or not, as
    ``(requirement text, source)`` — what :func:`resolve_installed` starts from.
    """

    pinned: tuple[Dependency, ...] = ()
    unpinned: tuple[str, ...] = ()
    includes: tuple[str, ...] = ()
    declared: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class DependencyChange:
    """One difference: ``kind`` is ``added``, ``changed`` or ``removed``."""

    kind: str
    name: str
    before: str = ""
    after: str = ""
    source: str = ""

    def to_json(self) -> dict[str, str]:
        """``{"kind", "name", "before", "after", "source"}``."""
        return {
            "kind": self.kind,
            "name": self.name,
            "before": self.before,
            "after": self.after,
            "source": self.source,
        }


def pinned_version(requirement: Requirement) -> str | None:
    """The version a requirement pins with one ``==``/``===`` (no wildcard), else None."""
    specs = list(requirement.specifier)
    if len(specs) == 1 and specs[0].operator in ("==", "===") and "*" not in specs[0].version:
        return specs[0].version
    return None


def _logical_lines(text: str) -> Iterable[tuple[int, str]]:
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        if not pending:
            start = number
        line = re.sub(r"(^|\s)#.*$", "", raw).rstrip()
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        yield start, (pending + line).strip()
        pending = ""
    if pending.strip():
        yield start, pending.strip()


def parse_requirements(text: str, source: str) -> ParsedFile:
    """A ``requirements.txt`` file (see the module docstring)."""
    pinned: list[Dependency] = []
    unpinned: list[str] = []
    includes: list[str] = []
    declared: list[tuple[str, str]] = []
    for number, line in _logical_lines(text):
        if not line:
            continue
        include = re.match(r"^(?:-r|--requirement|-c|--constraint)(?:\s+|=)(\S+)", line)
        if include:
            includes.append(include.group(1))
            continue
        if line.startswith("-"):
            continue  # -e, --index-url, --hash on its own line ...
        line = re.sub(r"\s--hash[=\s]\S+", "", line)
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        version = pinned_version(requirement)
        name = normalize_name(requirement.name)
        declared.append((line, f"{source}:{number}"))
        if version is None or requirement.url:
            unpinned.append(name)
        else:
            pinned.append(Dependency(name, version, f"{source}:{number}"))
    return ParsedFile(tuple(pinned), tuple(unpinned), tuple(includes), tuple(declared))


def parse_pyproject(text: str, source: str = "pyproject.toml") -> ParsedFile:
    """The ``==`` pins of ``[project]`` dependencies and optional dependencies."""
    try:
        project = tomllib.loads(text).get("project", {})
    except tomllib.TOMLDecodeError as err:
        raise ValueError(f"{source}: invalid TOML: {err}") from None
    entries = list(project.get("dependencies", []))
    for group in (project.get("optional-dependencies") or {}).values():
        entries.extend(group)
    itself = normalize_name(str(project.get("name", "")))
    pinned: list[Dependency] = []
    unpinned: list[str] = []
    declared: list[tuple[str, str]] = []
    for entry in entries:
        try:
            requirement = Requirement(str(entry))
        except InvalidRequirement:
            continue
        if normalize_name(requirement.name) == itself:
            continue  # `all = ["project[a,b]"]`: those groups are read anyway
        declared.append((str(entry), source))
        version = pinned_version(requirement)
        if version is None:
            unpinned.append(normalize_name(requirement.name))
        else:
            pinned.append(Dependency(normalize_name(requirement.name), version, source))
    return ParsedFile(tuple(pinned), tuple(unpinned), declared=tuple(declared))


def parse_lock(text: str, source: str) -> ParsedFile:
    """The packages of a lock file, chosen by the file name in ``source``."""
    base = source.replace("\\", "/").rsplit("/", 1)[-1]
    pinned: list[Dependency] = []
    try:
        if base == "Pipfile.lock":
            data = json.loads(text)
            for section in ("default", "develop"):
                for name, item in (data.get(section) or {}).items():
                    version = str(item.get("version", "")).lstrip("=")
                    if version:
                        pinned.append(Dependency(normalize_name(name), version, source))
            return ParsedFile(tuple(pinned))
        data = tomllib.loads(text)
    except (ValueError, AttributeError) as err:
        raise ValueError(f"{source}: cannot read the lock file: {err}") from None
    key = "packages" if base.startswith("pylock") else "package"
    for item in data.get(key, []):
        source_table = item.get("source") or {}
        if isinstance(source_table, dict) and ({"editable", "virtual"} & set(source_table)):
            continue  # the project itself
        if item.get("name") and item.get("version"):
            pinned.append(
                Dependency(normalize_name(str(item["name"])), str(item["version"]), source)
            )
    return ParsedFile(tuple(pinned))


def review_dependencies(
    base: Iterable[Dependency], head: Iterable[Dependency]
) -> list[DependencyChange]:
    """What ``head`` adds, changes and removes against ``base`` (by name, sorted)."""
    before: dict[str, Dependency] = {}
    for dep in base:
        before.setdefault(dep.name, dep)
    after: dict[str, Dependency] = {}
    for dep in head:
        after.setdefault(dep.name, dep)
    changes = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old is None and new is not None:
            changes.append(DependencyChange("added", name, "", new.version, new.source))
        elif new is None and old is not None:
            changes.append(DependencyChange("removed", name, old.version, "", old.source))
        elif old is not None and new is not None and old.version != new.version:
            changes.append(DependencyChange("changed", name, old.version, new.version, new.source))
    return changes


def unique_dependencies(dependencies: Iterable[Dependency]) -> list[Dependency]:
    """One entry per (name, version), the first source kept, sorted by name."""
    seen: dict[tuple[str, str], Dependency] = {}
    for dep in dependencies:
        seen.setdefault((dep.name, dep.version), dep)
    return sorted(seen.values(), key=lambda d: (d.name, d.version))


@dataclass(frozen=True, slots=True)
class InstalledDistribution:
    """A distribution an environment has installed, with its ``Requires-Dist`` lines."""

    name: str
    version: str
    requires: tuple[str, ...] = ()


def _applies(
    requirement: Requirement, environment: Mapping[str, str], extras: Iterable[str]
) -> bool:
    if requirement.marker is None:
        return True
    try:
        return any(requirement.marker.evaluate({**environment, "extra": extra}) for extra in extras)
    except (InvalidMarker, UndefinedComparison, UndefinedEnvironmentName):
        return True  # a marker this environment cannot decide: keep the dependency checked


def resolve_installed(
    declared: Iterable[tuple[str, str]],
    installed: Iterable[InstalledDistribution],
    environment: Mapping[str, str],
) -> tuple[list[Dependency], list[str]]:
    """The installed distributions the ``declared`` requirements need, transitively.

    ``declared`` holds ``(requirement text, source)`` pairs (:attr:`ParsedFile.declared`);
    ``environment`` the interpreter's marker values (``python_version``, ``sys_platform``…).
    A requirement counts when its marker holds there (for a dependency's own requirements,
    with one of the extras asked of it). Each dependency found keeps the source of the
    declaration that reached it first. Returns the dependencies, sorted by name, and the
    declared names that are not installed (they cannot be checked).
    """
    by_name = {normalize_name(d.name): d for d in installed}
    found: dict[str, Dependency] = {}
    extras_done: dict[str, set[str]] = {}
    missing: list[str] = []
    queue: list[tuple[Requirement, str, bool]] = []
    for text, source in declared:
        try:
            requirement = Requirement(text)
        except InvalidRequirement:
            continue
        if _applies(requirement, environment, ("",)):
            queue.append((requirement, source, True))
    while queue:
        requirement, source, top = queue.pop(0)
        name = normalize_name(requirement.name)
        dist = by_name.get(name)
        if dist is None:
            if top and name not in missing:
                missing.append(name)
            continue
        done = extras_done.setdefault(name, set())
        new = {"", *(normalize_name(e) for e in requirement.extras)} - done
        if not new:
            continue
        done |= new
        found.setdefault(name, Dependency(name, dist.version, source))
        for text in dist.requires:
            try:
                child = Requirement(text)
            except InvalidRequirement:
                continue
            if _applies(child, environment, sorted(new)):
                queue.append((child, source, False))
    return sorted(found.values(), key=lambda d: d.name), missing
