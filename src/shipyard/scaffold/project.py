"""What ``shipyard init`` finds in a Python project, as :class:`ProjectFacts` (pure).

Owns :func:`detect_project`: from the project's file listing (relative POSIX paths, as the
command collects them) and the text of its ``pyproject.toml``, the distribution and
import names, the layout (``src/<package>`` or flat), the tests and benchmarks folders,
the Python versions ``requires-python`` allows (within 3.9–3.13, see
:mod:`shipyard.scaffold.requires`), the dependency files and how to install them
(pip with ``requirements*.txt`` and the extras ``dev``/``test``…, uv with ``uv.lock``,
Poetry), whether the project builds a wheel, has a Dockerfile, and which quality tools
it configures. Nothing here reads a file or runs a process.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping
from typing import Any

from shipyard.errors import UserError
from shipyard.scaffold.requires import CANDIDATES, evaluate_requires_python
from shipyard.valueclass import dataclass

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

TEST_EXTRAS = ("dev", "test", "tests", "testing")
NOT_PACKAGES = {
    "tests", "test", "testing", "docs", "doc", "benchmarks", "bench", "scripts", "examples",
    "build", "dist", "site", "tools", "setup", "conftest", "noxfile", "tasks",
}  # fmt: skip
PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg")


@dataclass(frozen=True, slots=True)
class ProjectFacts:
    """A project as ``shipyard init`` sees it (fields described in the module docstring)."""

    name: str
    package: str
    layout: str  # "src" or "flat"
    source: str  # the package's folder or module: "src/calc", "calc", "calc.py"
    tests: str | None  # "tests", "test" or None (pytest finds them itself)
    benchmarks: str  # the benchmarks folder the pipeline reads
    has_benchmarks: bool
    python_versions: tuple[str, ...]
    requires_python: str | None
    manager: str  # "pip", "uv" or "poetry"
    requirement_files: tuple[str, ...]
    extras: tuple[str, ...]  # the extras CI installs (dev, test, ...)
    buildable: bool
    dockerfile: bool
    quality_tools: tuple[str, ...]
    coverage_configured: bool
    uses_pytest_benchmark: bool
    notes: tuple[str, ...] = ()


def normalize_name(name: str) -> str:
    """A distribution name as an import name: ``my-Pkg.x`` → ``my_pkg_x``."""
    return re.sub(r"[-_.]+", "_", name).lower()


def parse_pyproject(text: str | None) -> dict[str, Any]:
    """The parsed ``pyproject.toml`` (empty without one); invalid TOML is a user error."""
    if text is None:
        return {}
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise UserError(
            f"pyproject.toml: invalid TOML: {err}", hint="fix the syntax error"
        ) from None


def _table(data: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    for key in keys:
        value = data.get(key) if isinstance(data, Mapping) else None
        if not isinstance(value, dict):
            return {}
        data = value
    return dict(data)


def _find_package(files: set[str], wanted: str) -> tuple[str, str, str] | None:
    """(import name, layout, source) of the project's package, preferring ``wanted``."""
    for layout, prefix in (("src", "src/"), ("flat", "")):
        packages = sorted(
            {
                f[len(prefix) :].split("/")[0]
                for f in files
                if f.startswith(prefix)
                and f.endswith("/__init__.py")
                and f[len(prefix) :].count("/") == 1
            }
            - NOT_PACKAGES
        )
        modules = sorted(
            f[len(prefix) : -3]
            for f in files
            if f.startswith(prefix) and f.endswith(".py") and "/" not in f[len(prefix) :]
        )
        modules = [m for m in modules if m not in NOT_PACKAGES and not m.startswith("test")]
        if wanted in packages:
            return wanted, layout, f"{prefix}{wanted}"
        if wanted in modules:
            return wanted, layout, f"{prefix}{wanted}.py"
        if packages and (layout == "src" or len(packages) == 1):
            return packages[0], layout, f"{prefix}{packages[0]}"
        if layout == "src" and len(modules) == 1:
            return modules[0], layout, f"{prefix}{modules[0]}.py"
    return None


def _has_python(files: Iterable[str], folder: str) -> bool:
    return any(f.startswith(folder + "/") and f.endswith(".py") for f in files)


def _requirement_files(files: set[str]) -> tuple[str, ...]:
    """Root ``requirements*.txt`` CI installs: the plain one and the dev/test/CI ones."""
    found = sorted(f for f in files if re.fullmatch(r"requirements[\w.-]*\.txt", f))
    chosen = [f for f in found if f == "requirements.txt" or re.search(r"dev|test|ci", f[12:])]
    return tuple(chosen)


def _quality_tools(files: set[str], tool: Mapping[str, Any]) -> tuple[str, ...]:
    tools = ["ruff"]
    if "mypy" in tool or files & {"mypy.ini", ".mypy.ini"}:
        tools.append("mypy")
    if "pylint" in tool or files & {".pylintrc", "pylintrc"}:
        tools.append("pylint")
    return tuple(tools)


def _all_dependencies(data: Mapping[str, Any]) -> str:
    project = _table(data, "project")
    texts = [str(project.get("dependencies", ""))]
    texts += [str(v) for v in _table(project, "optional-dependencies").values()]
    texts += [str(v) for v in _table(data, "dependency-groups").values()]
    poetry = _table(data, "tool", "poetry")
    texts += [str(poetry.get("dependencies", "")), str(poetry.get("dev-dependencies", ""))]
    texts += [str(v) for v in _table(poetry, "group").values()]
    return " ".join(texts).lower()


def is_python_project(files: Iterable[str]) -> bool:
    """Whether the listing looks like a Python project at all."""
    return any(
        f in PROJECT_MARKERS or f.endswith(".py") or re.fullmatch(r"requirements[\w.-]*\.txt", f)
        for f in files
    )


def detect_project(
    files: Iterable[str],
    pyproject: str | None,
    *,
    fallback_name: str,
    benchmarks_folder: str = "benchmarks",
    benchmark_count: int | None = None,
    requirement_texts: Mapping[str, str] | None = None,
) -> ProjectFacts:
    """The facts of a project from its listing and ``pyproject.toml`` text.

    ``benchmark_count`` is what the command found by reading the benchmark files (None:
    decide from the listing alone: any ``.py`` file in ``benchmarks_folder``).
    ``requirement_texts`` (file → text) lets the test dependencies named there count.
    """
    listing = {f.strip("/") for f in files}
    data = parse_pyproject(pyproject)
    project = _table(data, "project")
    poetry = _table(data, "tool", "poetry")
    tool = _table(data, "tool")
    notes: list[str] = []
    name = str(project.get("name") or poetry.get("name") or fallback_name)
    found = _find_package(listing, normalize_name(name))
    if found is None:
        package, layout, source = normalize_name(name), "flat", "."
        notes.append(f"no package or module named {package} found; checking the whole folder")
    else:
        package, layout, source = found
    tests = next((d for d in ("tests", "test") if _has_python(listing, d)), None)
    requires = project.get("requires-python")
    if requires is None and isinstance(poetry.get("dependencies"), dict):
        requires = poetry["dependencies"].get("python")
    versions: tuple[str, ...] = CANDIDATES
    if requires is not None:
        versions = evaluate_requires_python(str(requires))
        if not versions:
            raise UserError(
                f"pyproject.toml: requires-python {str(requires)!r} allows none of "
                f"Python {', '.join(CANDIDATES)}",
                hint="choose the versions to test with --python 3.13",
            )
    manager = (
        "uv" if "uv.lock" in listing else "poetry" if poetry or "poetry.lock" in listing else "pip"
    )
    declared = tuple(_table(project, "optional-dependencies")) or tuple(_table(poetry, "extras"))
    extras = tuple(e for e in declared if e.lower() in TEST_EXTRAS)
    requirements = _requirement_files(listing)
    buildable = bool(_table(data, "build-system") or project or poetry) or bool(
        listing & {"setup.py", "setup.cfg"}
    )
    texts = _all_dependencies(data) + " ".join((requirement_texts or {}).values()).lower()
    has_benchmarks = (
        _has_python(listing, benchmarks_folder) if benchmark_count is None else benchmark_count > 0
    )
    coverage = _table(data, "tool", "coverage", "run")
    return ProjectFacts(
        name=name,
        package=package,
        layout=layout,
        source=source,
        tests=tests,
        benchmarks=benchmarks_folder,
        has_benchmarks=has_benchmarks,
        python_versions=versions,
        requires_python=None if requires is None else str(requires),
        manager=manager,
        requirement_files=requirements,
        extras=extras,
        buildable=buildable,
        dockerfile=bool(listing & {"Dockerfile", "Containerfile"}),
        quality_tools=_quality_tools(listing, tool),
        coverage_configured=bool(coverage.get("source")) or ".coveragerc" in listing,
        uses_pytest_benchmark="pytest-benchmark" in texts or "pytest_benchmark" in texts,
        notes=tuple(notes),
    )
