"""Project settings: the ``[tool.shipyard]`` table of a project's ``pyproject.toml``.

Owns reading and checking that table into :class:`ProjectSettings`, with defaults for
everything (a project without the table gets the defaults). Errors name the file, the
key and what was expected.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from shipyard.errors import UserError
from shipyard.valueclass import dataclass, field

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

DEFAULT_PYTHONS = ("3.10", "3.11", "3.12", "3.13")
GATES = ("tests", "coverage", "quality", "security", "performance")


@dataclass(frozen=True, slots=True)
class ProjectSettings:
    """What ``[tool.shipyard]`` chose (see the module docstring)."""

    python_versions: tuple[str, ...] = DEFAULT_PYTHONS
    coverage_min: float = 80.0
    quality_tools: tuple[str, ...] = ("ruff",)
    quality_fail_on_format: bool = False
    security_db: str | None = None
    benchmarks: str = "benchmarks"
    deploy_targets: tuple[str, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict, compare=False)


def _strings(value: object, key: str, path: Path) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return tuple(str(v) for v in value)
    raise UserError(f"{path}: [tool.shipyard] {key} must be a list of strings")


def load_project_settings(root: Path) -> ProjectSettings:
    """Read ``root/pyproject.toml``'s ``[tool.shipyard]`` (defaults when absent)."""
    path = root / "pyproject.toml"
    if not path.is_file():
        return ProjectSettings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise UserError(f"cannot read {path}: {err}") from None
    except tomllib.TOMLDecodeError as err:
        raise UserError(f"{path}: invalid TOML: {err}", hint="fix the syntax error") from None
    table = data.get("tool", {}).get("shipyard", {})
    if not isinstance(table, dict):
        raise UserError(f"{path}: [tool.shipyard] must be a table")
    settings = ProjectSettings(raw=dict(table))
    values: dict[str, Any] = {}
    if "python-versions" in table:
        values["python_versions"] = _strings(table["python-versions"], "python-versions", path)
    if "coverage-min" in table:
        minimum = table["coverage-min"]
        if (
            isinstance(minimum, bool)
            or not isinstance(minimum, (int, float))
            or not (0 <= minimum <= 100)
        ):
            raise UserError(f"{path}: [tool.shipyard] coverage-min must be a number from 0 to 100")
        values["coverage_min"] = float(minimum)
    if "quality-tools" in table:
        values["quality_tools"] = _strings(table["quality-tools"], "quality-tools", path)
    if "quality-fail-on-format" in table:
        values["quality_fail_on_format"] = bool(table["quality-fail-on-format"])
    if "security-db" in table:
        values["security_db"] = str(table["security-db"])
    if "benchmarks" in table:
        values["benchmarks"] = str(table["benchmarks"])
    if "deploy-targets" in table:
        values["deploy_targets"] = _strings(table["deploy-targets"], "deploy-targets", path)
    from shipyard.valueclass import replace

    return replace(settings, **values)
