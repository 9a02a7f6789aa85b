"""Advisory sources: an OSV database on disk (a folder or a zip), and the OSV online service.

:func:`open_vulndb` opens a database: a folder tree of OSV records (``.yaml``/``.yml``/
``.json``, such as the PyPA advisory database) or a ``.zip`` of them (as OSV publishes
per ecosystem). Opening indexes the records by package name without parsing them: the
affected package names are read from each record's text by a pattern (records where the
pattern finds none are parsed whole on the first lookup). :meth:`VulnDB.advisories`
parses, on demand, only the records of the packages asked for. The whole PyPA database
opens in a fraction of a second this way.

Where the database is: ``--db``, else ``$SHIPYARD_VULNDB``, else ``[tool.shipyard]
security-db`` (relative to the project) — :func:`locate_vulndb`.

:func:`query_online` asks ``api.osv.dev`` about each dependency (only with
``--online``); it stops at the first network failure and says why.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from shipyard.errors import UserError
from shipyard.reports.dependencies import Dependency
from shipyard.reports.osv import Advisory, normalize_name, parse_osv_json, parse_osv_yaml

VULNDB_ENV = "SHIPYARD_VULNDB"
OSV_QUERY_URL = "https://api.osv.dev/v1/query"
SUFFIXES = (".yaml", ".yml", ".json")
_YAML_NAME = re.compile(
    r"^[ \t-]*package:[ \t]*\r?\n(?:[ \t]+(?:ecosystem|purl):.*\r?\n){0,2}"
    r"[ \t]+name:[ \t]*(.+?)[ \t]*\r?$",
    re.M,
)
_JSON_NAME = re.compile(r'"package"\s*:\s*\{[^{}]*?"name"\s*:\s*"([^"\\]+)"')


def _names(text: str, suffix: str) -> list[str]:
    pattern = _JSON_NAME if suffix == ".json" else _YAML_NAME
    return [normalize_name(m.strip("'\"")) for m in pattern.findall(text)]


class VulnDB:
    """An OSV database opened lazily (see the module docstring)."""

    def __init__(self, location: Path):
        self.location = location
        self.records = 0
        self.problems: list[str] = []
        self._zip: zipfile.ZipFile | None = None
        self._index: dict[str, list[str]] = {}
        self._unindexed: list[str] = []
        self._parsed: dict[str, Advisory | None] = {}
        if location.is_dir():
            self._scan_folder()
        else:
            self._scan_zip()

    def _read(self, key: str) -> str:
        if self._zip is not None:
            return self._zip.read(key).decode("utf-8", "replace")
        return Path(key).read_text(encoding="utf-8", errors="replace")

    def _add(self, key: str, text: str) -> None:
        self.records += 1
        names = _names(text, Path(key).suffix.lower())
        if not names:
            self._unindexed.append(key)
        for name in dict.fromkeys(names):
            self._index.setdefault(name, []).append(key)

    def _scan_folder(self) -> None:
        for folder, dirs, files in os.walk(self.location):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if name.lower().endswith(SUFFIXES):
                    key = os.path.join(folder, name)
                    self._add(key, self._read(key))

    def _scan_zip(self) -> None:
        try:
            self._zip = zipfile.ZipFile(self.location)
        except (OSError, zipfile.BadZipFile) as err:
            raise UserError(f"cannot open the advisory database {self.location}: {err}") from None
        for info in self._zip.infolist():
            if not info.is_dir() and info.filename.lower().endswith(SUFFIXES):
                self._add(info.filename, self._read(info.filename))

    def _advisory(self, key: str) -> Advisory | None:
        if key not in self._parsed:
            try:
                text = self._read(key)
                parse = parse_osv_json if key.lower().endswith(".json") else parse_osv_yaml
                self._parsed[key] = parse(text)
            except (OSError, KeyError, ValueError) as err:
                self.problems.append(f"{key}: {err}")
                self._parsed[key] = None
        return self._parsed[key]

    def _index_unindexed(self) -> None:
        keys, self._unindexed = self._unindexed, []
        for key in keys:
            advisory = self._advisory(key)
            for name in advisory.packages if advisory else ():
                self._index.setdefault(name, []).append(key)

    def advisories(self, name: str) -> list[Advisory]:
        """The advisories that name ``name`` among their affected PyPI packages."""
        self._index_unindexed()
        wanted = normalize_name(name)
        found = [self._advisory(key) for key in self._index.get(wanted, ())]
        return [a for a in found if a is not None and wanted in a.packages]

    def lookup(self, dependencies: Sequence[Dependency]) -> dict[str, list[Advisory]]:
        """The advisories of each dependency's package, keyed by normalised name."""
        return {dep.name: self.advisories(dep.name) for dep in dependencies}


def locate_vulndb(
    option: str | None, environ: Mapping[str, str], configured: str | None, root: Path
) -> Path | None:
    """The database location chosen by ``--db``, ``$SHIPYARD_VULNDB`` or the settings."""
    if option:
        return Path(option)
    if environ.get(VULNDB_ENV):
        return Path(environ[VULNDB_ENV])
    if configured:
        path = Path(configured)
        return path if path.is_absolute() else root / path
    return None


def open_vulndb(location: Path) -> VulnDB:
    """Open (index) the database at ``location``; a missing one is a user error."""
    if not location.exists():
        raise UserError(
            f"no advisory database at {location}",
            hint="give a folder or zip of OSV records with --db, $SHIPYARD_VULNDB or "
            "[tool.shipyard] security-db",
        )
    if not location.is_dir() and location.suffix.lower() != ".zip":
        raise UserError(f"the advisory database {location} is neither a folder nor a .zip")
    return VulnDB(location)


def query_online(
    dependencies: Sequence[Dependency], timeout: float = 10.0
) -> tuple[dict[str, list[Advisory]], str | None]:
    """Ask the OSV service about each dependency: advisories by name, and why it stopped."""
    found: dict[str, list[Advisory]] = {}
    for dep in dependencies:
        body = {"package": {"name": dep.name, "ecosystem": "PyPI"}, "version": dep.version}
        request = urllib.request.Request(
            OSV_QUERY_URL,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # nosec B310
                data = json.loads(response.read())
        except (urllib.error.URLError, OSError, ValueError) as err:
            return found, f"OSV service unreachable: {getattr(err, 'reason', err)}"
        advisories = []
        for record in data.get("vulns") or []:
            try:
                advisories.append(parse_osv_json(json.dumps(record)))
            except ValueError:
                continue
        found[dep.name] = advisories
    return found, None
