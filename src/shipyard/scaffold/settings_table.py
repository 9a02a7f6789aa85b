"""The ``[tool.shipyard]`` table ``shipyard init`` writes into ``pyproject.toml`` (pure).

Owns two decisions. :func:`choose_settings`: each choice comes from the command line
when given, else from the table as the user left it, else from what was detected
(``coverage-min`` 80, ``deploy-targets`` empty). :func:`render_settings_table`: the new
``pyproject.toml`` text — the table appended when missing; in an existing table, the keys
it lacks are added after its last entry and only the keys chosen on the command line are
replaced; every other line of the file stays as it was, comments and layout included.
The key names are those :mod:`shipyard.settings` reads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection

from shipyard.errors import UserError
from shipyard.scaffold.project import ProjectFacts, parse_pyproject
from shipyard.settings import ProjectSettings
from shipyard.valueclass import replace

_HEADER = re.compile(r"^\s*\[\s*tool\s*\.\s*shipyard\s*\]\s*(#.*)?$")
_ANY_HEADER = re.compile(r"^\s*\[")
KEYS = ("python-versions", "coverage-min", "quality-tools", "deploy-targets", "benchmarks")


def choose_settings(
    facts: ProjectFacts,
    current: ProjectSettings,
    *,
    python_versions: tuple[str, ...] | None = None,
    coverage_min: float | None = None,
) -> ProjectSettings:
    """The settings the pipeline is rendered with (precedence in the module docstring)."""
    raw = current.raw
    return replace(
        current,
        python_versions=python_versions
        or (current.python_versions if "python-versions" in raw else facts.python_versions),
        coverage_min=coverage_min
        if coverage_min is not None
        else (current.coverage_min if "coverage-min" in raw else 80.0),
        quality_tools=current.quality_tools if "quality-tools" in raw else facts.quality_tools,
        deploy_targets=current.deploy_targets,
        benchmarks=current.benchmarks if "benchmarks" in raw else facts.benchmarks,
    )


def format_number(value: float) -> str:
    """``80.0`` → ``80``, ``82.5`` → ``82.5``."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _value(key: str, settings: ProjectSettings) -> str:
    if key == "python-versions":
        return json.dumps(list(settings.python_versions))
    if key == "coverage-min":
        return format_number(settings.coverage_min)
    if key == "quality-tools":
        return json.dumps(list(settings.quality_tools))
    if key == "deploy-targets":
        return json.dumps(list(settings.deploy_targets))
    return json.dumps(settings.benchmarks)


def _wanted(settings: ProjectSettings) -> list[str]:
    keys = list(KEYS[:4])
    if settings.benchmarks != "benchmarks" or "benchmarks" in settings.raw:
        keys.append("benchmarks")
    return keys


def _entry_end(lines: list[str], start: int, stop: int) -> int:
    """The index after the last line of the entry starting at ``start`` (multi-line arrays)."""
    depth = 0
    index = start
    while index < stop:
        text = re.sub(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'|#.*$', "", lines[index])
        depth += text.count("[") + text.count("{") - text.count("]") - text.count("}")
        index += 1
        if depth <= 0:
            break
    return index


def render_settings_table(
    text: str | None, settings: ProjectSettings, *, replace_keys: Collection[str] = ()
) -> str:
    """The ``pyproject.toml`` text holding ``settings`` in ``[tool.shipyard]``."""
    entries = [(key, f"{key} = {_value(key, settings)}") for key in _wanted(settings)]
    if not text or not text.strip():
        return "[tool.shipyard]\n" + "".join(line + "\n" for _, line in entries)
    lines = text.splitlines()
    header = next((i for i, line in enumerate(lines) if _HEADER.match(line)), None)
    if header is None:
        if "shipyard" in parse_pyproject(text).get("tool", {}):
            raise UserError(
                "pyproject.toml: shipyard init can only update a [tool.shipyard] table "
                "written as a table header",
                hint="write it as a [tool.shipyard] section, or remove it and run init again",
            )
        block = ["", "[tool.shipyard]", *(line for _, line in entries)]
        while lines and not lines[-1].strip():
            lines.pop()
        newline = "\r\n" if "\r\n" in text else "\n"
        return newline.join(lines + block) + newline
    stop = next(
        (i for i in range(header + 1, len(lines)) if _ANY_HEADER.match(lines[i])), len(lines)
    )
    last = header
    index = header + 1
    present: dict[str, tuple[int, int]] = {}
    while index < stop:
        match = re.match(r'^\s*"?([A-Za-z0-9_-]+)"?\s*=', lines[index])
        if match is None:
            index += 1
            continue
        end = _entry_end(lines, index, stop)
        present[match.group(1)] = (index, end)
        last = end - 1
        index = end
    replaced = {key: line for key, line in entries if key in present and key in replace_keys}
    starts = {present[key][0]: key for key in replaced}
    missing = [line for key, line in entries if key not in present]
    if not missing and all(
        "\n".join(lines[present[k][0] : present[k][1]]).strip() == v for k, v in replaced.items()
    ):
        return text
    result: list[str] = []
    index = 0
    while index < len(lines):
        key = starts.get(index)
        end = present[key][1] if key is not None else index + 1
        result.append(replaced[key] if key is not None else lines[index])
        if index <= last < end:
            result.extend(missing)
        index = end
    newline = "\r\n" if "\r\n" in text else "\n"
    return newline.join(result) + newline
