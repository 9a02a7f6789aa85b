"""What fills the placeholders of the pipeline's templates, from the facts and settings (pure).

Owns :func:`template_values`: the one-line values (the Python matrix, the pytest and
coverage commands, the coverage minimum, the code to scan, the Shipyard requirement), the
blocks (the uv setup step, the install commands for pip-style, uv and Poetry projects —
with the project, or its dependencies only —, the step that installs Shipyard, the build
and version scripts, the deploy-target check) and the flags of the templates' conditions.

Installs go through ``uv pip install`` (``astral-sh/setup-uv`` in each job that installs):
from a warm cache it installs in milliseconds where pip takes seconds, on GitHub as under
``shipyard run``. ``UV_PYTHON`` names the interpreter ``python`` runs (setup-python's;
under ``shipyard run``, its job-private environment), because ``uv pip install --system``
would skip a virtual environment and ``uv pip install`` alone wants one. Jobs that only read the
code (lint, security, benchmarks) install the dependencies without building the project.

The "Install Shipyard" step is how one file serves both places: ``shipyard run`` sets
``SHIPYARD=true`` in every step's environment and puts itself on ``PATH``, so the step
only records ``SHIPYARD_LOCAL=true`` in ``$GITHUB_ENV`` (later ``if:`` conditions read
``env.SHIPYARD_LOCAL``: the process variable ``SHIPYARD`` is not in the ``env`` context,
here as on GitHub); on GitHub it installs ``shipyard-ci`` from PyPI.
"""

from __future__ import annotations

import json

from shipyard import __version__
from shipyard.scaffold.project import ProjectFacts
from shipyard.scaffold.settings_table import format_number
from shipyard.settings import ProjectSettings
from shipyard.valueclass import dataclass

OS_LIST = ("ubuntu-latest", "windows-latest", "macos-latest")
TOOL_PACKAGES = {
    "ruff": "ruff", "black": "black", "isort": "isort", "flake8": "flake8",
    "pylint": "pylint", "mypy": "mypy", "radon": "radon", "bandit": "bandit",
}  # fmt: skip

SETUP_UV = """\
- name: Set up uv
  uses: astral-sh/setup-uv@v5"""

INSTALL_SHIPYARD = """\
- name: Install Shipyard
  # `shipyard run` sets SHIPYARD=true and serves these steps itself; on GitHub, use PyPI
  run: |
    if [ -n "${{SHIPYARD:-}}" ]; then
      echo "SHIPYARD_LOCAL=true" >> "$GITHUB_ENV"
    else
      python -m pip install "{requirement}"
    fi"""

BUILD = """\
rm -rf dist
if ! python -c "import build" 2>/dev/null; then
  python -m pip install build || echo "::warning::cannot install build; building the wheel with pip"
fi
if python -c "import build" 2>/dev/null; then
  python -m build --outdir dist . || python -m build --no-isolation --outdir dist .
else
  python -m pip wheel . --no-deps --wheel-dir dist \\
    || python -m pip wheel . --no-deps --no-build-isolation --wheel-dir dist
  echo "::notice::built the wheel with pip wheel; no sdist without the build package"
fi
ls -l dist"""

VERSION = """\
wheel=$(ls dist/*.whl 2>/dev/null | head -n 1 || true)
if [ -n "$wheel" ]; then
  version=$(basename "$wheel" | cut -d- -f2)
else
  version="0+g${GITHUB_SHA::7}"
fi
if [ "$GITHUB_REF_TYPE" = tag ] && [ "${GITHUB_REF_NAME#v}" != "$version" ]; then
  echo "::error::tag $GITHUB_REF_NAME does not match the package version $version"
  exit 1
fi
echo "version=$version" >> "$GITHUB_OUTPUT"
echo "version $version\""""

DEPLOY_CHECK = """\
if [ -z "$DEPLOY_TARGETS" ]; then
  why="no deploy target configured in [tool.shipyard] deploy-targets"
  echo "::notice::$why; skipping $GITHUB_JOB"
else
  echo "deploy targets: $DEPLOY_TARGETS"
fi"""

DEPLOY_UNSUPPORTED = """\
echo "::error::deploy targets are configured ($DEPLOY_TARGETS), but this Shipyard cannot deploy yet"
exit 1"""


@dataclass(frozen=True, slots=True)
class TemplateValues:
    """Placeholder values: one-line ones, blocks (lists of lines), condition flags."""

    inline: dict[str, str]
    blocks: dict[str, list[str]]
    flags: dict[str, bool]


def shipyard_requirement(version: str = __version__) -> str:
    """``shipyard-ci~=0.1.0``: this Shipyard's release series, as the workflows install it."""
    major, minor = [*version.split("."), "0", "0"][:2]
    return f"shipyard-ci~={major}.{minor}.0"


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else 0 for p in version.split("."))


# sys.executable, not `command -v python`: a native path on Windows runners too
UV_TARGET = "export UV_PYTHON=\"$(python -c 'import sys; print(sys.executable)')\""


def install_commands(facts: ProjectFacts, *, project: bool = True) -> list[str]:
    """The bash commands that install the dependencies, and the project unless ``project``
    is false (jobs that only read the code); ``UV_PYTHON`` stays set for the step's
    further ``uv pip install`` lines."""
    sources = [f"-r {name}" for name in facts.requirement_files]
    lines = [UV_TARGET]
    extras = "".join(f" --extra {extra}" for extra in facts.extras)
    if facts.manager == "uv":
        emit = "" if project else " --no-emit-project"
        lines.append(
            f"uv export --frozen --all-extras --no-hashes{emit}"
            ' -o "$RUNNER_TEMP/uv-requirements.txt"'
        )
        sources.append('-r "$RUNNER_TEMP/uv-requirements.txt"')
    elif facts.manager == "poetry":
        sources.append("poetry")
    elif facts.buildable and project:
        chosen = f"[{','.join(facts.extras)}]" if facts.extras else ""
        sources.append(f'-e ".{chosen}"')
    elif facts.buildable:
        sources.append(f"-r pyproject.toml{extras}")
    if sources:
        lines.append("uv pip install " + " ".join(sources))
    if facts.manager == "poetry":
        root = "" if project else " --no-root"
        lines += [
            "export POETRY_VIRTUALENVS_CREATE=false",
            f"python -m poetry install --all-extras --no-interaction{root}",
        ]
    if not facts.buildable and facts.layout == "src":
        lines.append('echo "PYTHONPATH=$PWD/src" >> "$GITHUB_ENV"')
    if len(lines) == 1:
        lines.append('echo "no dependency file to install"')
    return lines


def _import_check(facts: ProjectFacts) -> str:
    """CI's import check, after the dependencies only: the package from the checkout."""
    if facts.source == ".":
        return "python -m pip check"
    prefix = "PYTHONPATH=src " if facts.layout == "src" else ""
    return f'{prefix}python -c "import {facts.package}"'


def _pytest(facts: ProjectFacts) -> str:
    return "python -m pytest" + (f" {facts.tests}" if facts.tests else "")


def template_values(facts: ProjectFacts, settings: ProjectSettings) -> TemplateValues:
    """Every placeholder's value for ``facts`` rendered with ``settings``."""
    versions = sorted(settings.python_versions, key=_version_key)
    default_python = versions[-1] if versions else "3.x"
    coverage_source = "" if facts.coverage_configured else f" --source={facts.package}"
    tools = [t for t in settings.quality_tools if t in TOOL_PACKAGES] or ["ruff"]
    src_top = facts.source.split("/")[0] if facts.layout == "src" else facts.source
    compile_paths = " ".join(p for p in (src_top, facts.tests) if p)
    bench = "pytest pytest-benchmark" if facts.uses_pytest_benchmark else "pytest"
    inline = {
        "python_matrix": json.dumps(list(settings.python_versions)),
        "default_python": json.dumps(default_python),
        "package": facts.package,
        "image": facts.package.replace("_", "-"),
        "code_paths": facts.source,
        "compile_paths": compile_paths,
        "pytest": _pytest(facts),
        "coverage_run": f"python -m coverage run{coverage_source} -m pytest"
        + (f" {facts.tests}" if facts.tests else ""),
        "coverage_min": format_number(settings.coverage_min),
        "benchmarks_dir": settings.benchmarks,
        "bench_packages": bench,
        "quality_tools": ", ".join(tools),
        "quality_packages": " ".join(dict.fromkeys(TOOL_PACKAGES[t] for t in tools)),
        "import_check": _import_check(facts),
        "deploy_targets": json.dumps(" ".join(settings.deploy_targets)),
        "release_files": " dist/*" if facts.buildable else "",
    }
    blocks = {
        "setup_uv": SETUP_UV.splitlines(),
        "install": install_commands(facts),
        "install_deps": install_commands(facts, project=False),
        "uv_target": [UV_TARGET],
        "install_shipyard": INSTALL_SHIPYARD.format(
            requirement=shipyard_requirement()
        ).splitlines(),
        "build": BUILD.splitlines(),
        "version": VERSION.splitlines(),
        "deploy_check": DEPLOY_CHECK.splitlines(),
        "deploy_unsupported": DEPLOY_UNSUPPORTED.splitlines(),
    }
    flags = {
        "benchmarks": facts.has_benchmarks,
        "dockerfile": facts.dockerfile,
        "buildable": facts.buildable,
    }
    return TemplateValues(inline, blocks, flags)
