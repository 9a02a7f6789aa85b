"""OSV advisories: reading records, deciding whether a PyPI version is affected, and severity.

:func:`parse_osv_yaml` (the PyPA database's files) and :func:`parse_osv_json` (OSV's
zips and API) read one record into an :class:`Advisory`; malformed records raise
``ValueError``. Only ``PyPI`` packages are kept, their names normalised as PEP 503 says
(:func:`normalize_name`).

A version is affected (:func:`affects`) when it is listed in an affected entry's explicit
``versions``, or lies in one of its ``ECOSYSTEM`` ranges, compared with
``packaging.version``: the range's events (``introduced``, ``fixed``, ``last_affected``,
``limit``) are sorted and walked as the OSV specification says — affected from an
``introduced`` on, not from a ``fixed`` on, not after a ``last_affected``. ``GIT`` and
``SEMVER`` ranges are ignored (PyPI versions are not commits).

Severity (:func:`advisory_severity`): ``database_specific.severity`` (``CRITICAL``,
``HIGH``, ``MODERATE``/``MEDIUM``, ``LOW``) when the database gives one, else the
rating of the CVSS base score computed from the record's ``CVSS_V3`` (or ``CVSS_V2``)
vector; an advisory with neither counts as ``high``, and its note says so.

Pure: text in, values out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

import yaml
from packaging.version import InvalidVersion, Version

from shipyard.reports.cvss import rate_vector
from shipyard.valueclass import dataclass

NO_SEVERITY_NOTE = "the advisory gives no severity: counted as high"
_DATABASE_SEVERITIES = {"critical": "critical", "high": "high", "moderate": "medium"}
_DATABASE_SEVERITIES.update({"medium": "medium", "low": "low"})


class _StringLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """A safe loader that keeps every plain scalar a string (``2.10`` stays ``"2.10"``)."""


_StringLoader.yaml_implicit_resolvers = {}


@dataclass(frozen=True, slots=True)
class AffectedPackage:
    """One ``affected`` entry for a PyPI package: ranges as (kind, version) events."""

    name: str
    ranges: tuple[tuple[tuple[str, str], ...], ...]
    versions: frozenset[str]


@dataclass(frozen=True, slots=True)
class Advisory:
    """One OSV record, reduced to what a dependency scan needs."""

    id: str
    summary: str
    aliases: tuple[str, ...]
    affected: tuple[AffectedPackage, ...]
    severity: str
    severity_source: str
    withdrawn: bool = False
    url: str = ""

    @property
    def packages(self) -> frozenset[str]:
        """The normalised names of the packages it affects."""
        return frozenset(a.name for a in self.affected)


def normalize_name(name: str) -> str:
    """PEP 503: lower case, runs of ``-``, ``_`` and ``.`` become one ``-``."""
    return re.sub(r"[-_.]+", "-", name.strip()).lower()


def parse_osv_yaml(text: str) -> Advisory:
    """One advisory from an OSV YAML document."""
    try:
        data = yaml.load(text, Loader=_StringLoader)  # nosec B506 - a safe loader
    except yaml.YAMLError as err:
        raise ValueError(f"invalid YAML: {err}") from None
    return parse_osv_record(data)


def parse_osv_json(text: str | bytes) -> Advisory:
    """One advisory from an OSV JSON document."""
    try:
        data = json.loads(text)
    except ValueError as err:
        raise ValueError(f"invalid JSON: {err}") from None
    return parse_osv_record(data)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _summary(data: Mapping[str, Any]) -> str:
    summary = _text(data.get("summary")).strip()
    if not summary:
        sentences = re.split(r"(?<=\.)\s", " ".join(_text(data.get("details")).split()))
        for sentence in sentences:  # whole sentences, until the summary says something
            summary = f"{summary} {sentence}".strip()
            if len(summary) >= 60:
                break
    return summary if len(summary) <= 160 else summary[:157] + "..."


def _affected(entry: Mapping[str, Any]) -> AffectedPackage | None:
    package = entry.get("package") or {}
    if _text(package.get("ecosystem")).split(":")[0].lower() != "pypi" or not package.get("name"):
        return None
    ranges = []
    for rng in entry.get("ranges") or []:
        if _text(rng.get("type")).upper() != "ECOSYSTEM":
            continue
        events = []
        for event in rng.get("events") or []:
            for kind in ("introduced", "fixed", "last_affected", "limit"):
                if kind in event:
                    events.append((kind, _text(event[kind])))
        ranges.append(tuple(events))
    versions = frozenset(_text(v) for v in entry.get("versions") or [])
    return AffectedPackage(normalize_name(_text(package["name"])), tuple(ranges), versions)


def parse_osv_record(data: object) -> Advisory:
    """An :class:`Advisory` from a decoded OSV record (raises ``ValueError`` when malformed)."""
    if not isinstance(data, Mapping) or not data.get("id"):
        raise ValueError("not an OSV record (no id)")
    try:
        affected = tuple(a for a in map(_affected, data.get("affected") or []) if a is not None)
        severity, source = advisory_severity(data)
    except (AttributeError, TypeError) as err:
        raise ValueError(f"{data.get('id')}: malformed OSV record: {err}") from None
    url = next(
        (_text(r.get("url")) for r in data.get("references") or [] if r.get("type") == "ADVISORY"),
        "",
    )
    return Advisory(
        id=_text(data["id"]),
        summary=_summary(data),
        aliases=tuple(_text(a) for a in data.get("aliases") or []),
        affected=affected,
        severity=severity,
        severity_source=source,
        withdrawn=bool(data.get("withdrawn")),
        url=url,
    )


def advisory_severity(data: Mapping[str, Any]) -> tuple[str, str]:
    """(severity, where it came from) of a record; ``("high", NO_SEVERITY_NOTE)`` when none."""
    specific = [data.get("database_specific") or {}]
    for entry in data.get("affected") or []:
        specific += [entry.get("database_specific") or {}, entry.get("ecosystem_specific") or {}]
    for table in specific:
        value = _DATABASE_SEVERITIES.get(_text(table.get("severity")).lower())
        if value:
            return value, f"database severity {_text(table.get('severity'))}"
    entries = list(data.get("severity") or [])
    for entry in data.get("affected") or []:
        entries += list(entry.get("severity") or [])
    rated = []
    for entry in entries:
        kind, vector = _text(entry.get("type")), _text(entry.get("score"))
        try:
            result = rate_vector(kind, vector)
        except ValueError:
            continue
        if result is not None:
            rated.append((kind == "CVSS_V3" or vector.startswith("CVSS:3"), result, vector))
    if rated:
        _, (score, rating), vector = max(rated, key=lambda item: (item[0], item[1][0]))
        if rating != "none":
            return rating, f"CVSS {score:.1f} ({vector})"
    return "high", NO_SEVERITY_NOTE


def _version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


_LOWEST = Version("0.dev0")


def _in_range(version: Version, events: tuple[tuple[str, str], ...]) -> bool:
    parsed = []
    for kind, text in events:
        bound = _LOWEST if kind == "introduced" and text == "0" else _version(text)
        if bound is None:
            return False
        parsed.append((bound, kind != "introduced", kind))
    affected = False
    for bound, _, kind in sorted(parsed):
        if kind == "introduced":
            affected = affected or version >= bound
        elif version > bound or (version == bound and kind != "last_affected"):
            affected = False  # from a fixed (or limit) version on; after a last_affected one
    return affected


def affects(advisory: Advisory, name: str, version: str) -> bool:
    """Whether ``name`` at ``version`` is affected (withdrawn advisories affect nothing)."""
    if advisory.withdrawn:
        return False
    wanted = normalize_name(name)
    parsed = _version(version)
    for entry in advisory.affected:
        if entry.name != wanted:
            continue
        if version in entry.versions:
            return True
        if parsed is not None:
            if any(_version(v) == parsed for v in entry.versions):
                return True
            if any(_in_range(parsed, events) for events in entry.ranges):
                return True
    return False


def fixed_versions(advisory: Advisory, name: str) -> tuple[str, ...]:
    """The versions that fix ``name``, as the advisory's ranges list them (sorted, unique)."""
    wanted = normalize_name(name)
    found = {
        text
        for entry in advisory.affected
        if entry.name == wanted
        for events in entry.ranges
        for kind, text in events
        if kind == "fixed"
    }
    return tuple(sorted(found, key=lambda t: (_version(t) or _LOWEST, t)))


def matching(advisories: Iterable[Advisory], name: str, version: str) -> list[Advisory]:
    """The advisories that affect ``name`` at ``version``, by id, each once."""
    found = {a.id: a for a in advisories if affects(a, name, version)}
    return [found[key] for key in sorted(found)]
