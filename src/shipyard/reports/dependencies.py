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

Pure: text in, values out.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass

from packaging.requirements import InvalidRequirement, Requirement

from shipyard.reports.osv import normalize_name

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
    """What one dependency file pins, what it leaves unpinned, and which files it includes."""

    pinned: tuple[Dependency, ...] = ()
    unpinned: tuple[str, ...] = ()
    includes: tuple[str, ...] = ()


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
        if version is None or requirement.url:
            unpinned.append(name)
        else:
            pinned.append(Dependency(name, version, f"{source}:{number}"))
    return ParsedFile(tuple(pinned), tuple(unpinned), tuple(includes))


def parse_pyproject(text: str, source: str = "pyproject.toml") -> ParsedFile:
    """The ``==`` pins of ``[project]`` dependencies and optional dependencies."""
    try:
        project = tomllib.loads(text).get("project", {})
    except tomllib.TOMLDecodeError as err:
        raise ValueError(f"{source}: invalid TOML: {err}") from None
    entries = list(project.get("dependencies", []))
    for group in (project.get("optional-dependencies") or {}).values():
        entries.extend(group)
    pinned: list[Dependency] = []
    unpinned: list[str] = []
    for entry in entries:
        try:
            requirement = Requirement(str(entry))
        except InvalidRequirement:
            continue
        version = pinned_version(requirement)
        if version is None:
            unpinned.append(normalize_name(requirement.name))
        else:
            pinned.append(Dependency(normalize_name(requirement.name), version, source))
    return ParsedFile(tuple(pinned), tuple(unpinned))


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
