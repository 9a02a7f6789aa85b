"""Finding a project's benchmarks without importing them.

Two kinds, both found by reading source (the AST), so that finding them runs no project
code and works the same on a checkout of another commit:

- **timeit-style**: top-level functions named ``bench_*`` in ``<folder>/*.py`` (folder
  ``benchmarks`` unless ``[tool.shipyard] benchmarks`` names another; files whose name
  starts with ``_`` are skipped). A benchmark takes no argument, or exactly one when its
  module defines ``setup_<function>()`` or ``setup_<function without bench_>()``, whose
  result it receives. Its name is ``<module>.<function>`` (``bench_core.bench_sort``).
- **pytest-benchmark**: test functions with a ``benchmark`` parameter in ``test_*.py`` /
  ``*_test.py`` files under ``tests/`` (or ``test/``): :func:`find_pytest_benchmark_files`.
"""

from __future__ import annotations

import ast
from pathlib import Path

from shipyard.errors import UserError
from shipyard.valueclass import dataclass

TEST_FOLDERS = ("tests", "test")


@dataclass(frozen=True, slots=True)
class Benchmark:
    """One ``bench_*`` function: ``name`` is ``module.function``; ``path`` its file."""

    name: str
    path: Path
    line: int
    setup: str | None = None


def _setup_name(function: str, defined: set[str]) -> str | None:
    for candidate in (f"setup_{function}", f"setup_{function.removeprefix('bench_')}"):
        if candidate in defined:
            return candidate
    return None


def _parse(path: Path) -> ast.Module:
    try:
        return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (OSError, UnicodeDecodeError) as err:
        raise UserError(f"cannot read {path}: {err}") from None
    except SyntaxError as err:
        raise UserError(
            f"{path}:{err.lineno}: invalid Python in a benchmark file: {err.msg}",
            hint="fix the syntax error; benchmarks are found by reading their source",
        ) from None


def benchmarks_in_file(path: Path) -> list[Benchmark]:
    """The ``bench_*`` functions of one file, in file order."""
    tree = _parse(path)
    functions = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    defined = {f.name for f in functions}
    found: list[Benchmark] = []
    for node in functions:
        if not node.name.startswith("bench_") or isinstance(node, ast.AsyncFunctionDef):
            continue
        setup = _setup_name(node.name, defined)
        arguments = node.args
        required = len(arguments.posonlyargs) + len(arguments.args) - len(arguments.defaults)
        if arguments.kwonlyargs and len(arguments.kw_defaults) != len(arguments.kwonlyargs):
            continue
        if required > (1 if setup else 0):
            continue
        found.append(Benchmark(f"{path.stem}.{node.name}", path, node.lineno, setup))
    return found


def discover_benchmarks(root: Path, folder: str = "benchmarks") -> list[Benchmark]:
    """Every benchmark under ``root/folder``, by file then line (empty when no folder)."""
    directory = root / folder
    if not directory.is_dir():
        return []
    found: list[Benchmark] = []
    for path in sorted(directory.glob("*.py")):
        if not path.name.startswith("_"):
            found.extend(benchmarks_in_file(path))
    return found


def _uses_benchmark_fixture(path: Path) -> bool:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (OSError, UnicodeDecodeError, SyntaxError):
        return False  # pytest will report it; it is not ours to judge here
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith(
            "test"
        ):
            names = [a.arg for a in (*node.args.posonlyargs, *node.args.args)]
            if "benchmark" in names:
                return True
    return False


def find_pytest_benchmark_files(root: Path) -> list[Path]:
    """Test files (relative to ``root``) with a test that takes the ``benchmark`` fixture."""
    found: list[Path] = []
    for name in TEST_FOLDERS:
        folder = root / name
        if not folder.is_dir():
            continue
        candidates = {*folder.rglob("test_*.py"), *folder.rglob("*_test.py")}
        found.extend(p.relative_to(root) for p in sorted(candidates) if _uses_benchmark_fixture(p))
    return found
