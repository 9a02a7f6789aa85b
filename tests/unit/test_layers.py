"""The layer rules of docs/architecture: the pure core imports no I/O and no higher layer."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "shipyard"

# Layers, lowest first. A module may import its own layer or any lower one.
LAYERS: list[set[str]] = [
    {"valueclass", "errors", "diagnostics", "source", "settings", "__init__"},
    {"expr"},
    {"workflow", "stepio", "reports"},
    {"plan"},
    {"repository", "hashfiles", "backends", "actions", "store", "tools", "workflow_cache"},
    {"engine", "scaffold", "notify"},
    {"cli", "web", "worker", "testing", "__main__"},
]
PURE = {"expr", "workflow", "plan", "stepio", "reports"}
# Modules that do I/O, or read the clock or the environment.
IO_MODULES = {
    "os", "subprocess", "socket", "pathlib", "shutil", "tempfile", "time", "asyncio",
    "sqlite3", "urllib", "http", "io", "glob", "signal", "threading", "multiprocessing",
    "datetime", "random", "select", "selectors",
}  # fmt: skip
# Reading the package's own data files is not I/O on the user's world.
ALLOWED = {("workflow", "importlib.resources")}


def _layer(top: str) -> int:
    for index, names in enumerate(LAYERS):
        if top in names:
            return index
    raise AssertionError(f"module shipyard.{top} is in no layer: add it to LAYERS")


def _imports(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno))
    return found


def _modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_module_respects_layers(path: Path) -> None:
    top = path.relative_to(SRC).parts[0].removesuffix(".py")
    own = _layer(top)
    for name, line in _imports(path):
        parts = name.split(".")
        if parts[0] == "shipyard" and len(parts) > 1:
            target = parts[1]
            assert _layer(target) <= own, (
                f"{path.relative_to(SRC)}:{line}: shipyard.{top} (layer {own}) imports "
                f"higher layer shipyard.{target} (layer {_layer(target)})"
            )
            if top == "expr":
                assert target not in {"workflow", "plan"}, "expr never imports workflow"
        elif top in PURE and (top, name) not in ALLOWED:
            assert parts[0] not in IO_MODULES, (
                f"{path.relative_to(SRC)}:{line}: pure module imports I/O module {name}"
            )


def test_every_module_has_a_docstring() -> None:
    missing = [
        str(p.relative_to(SRC))
        for p in _modules()
        if p.stat().st_size and ast.get_docstring(ast.parse(p.read_text(encoding="utf-8"))) is None
    ]
    assert missing == []


def test_value_types_come_from_valueclass() -> None:
    """The stdlib decorator generates code at import: every run would pay for it again."""
    offenders = [
        f"{p.relative_to(SRC)}:{line}"
        for p in _modules()
        if p.name != "valueclass.py"
        for name, line in _imports(p)
        if name == "dataclasses"
    ]
    assert offenders == [], "use `from shipyard.valueclass import dataclass` (see its docstring)"
