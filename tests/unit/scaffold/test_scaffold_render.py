"""Rendering the eight workflows: the placeholder syntax, the values, and valid workflows."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from shipyard.errors import InternalError
from shipyard.scaffold.project import ProjectFacts, detect_project
from shipyard.scaffold.render import TEMPLATES, render_template, render_workflows
from shipyard.scaffold.stamp import edit_state
from shipyard.scaffold.values import (
    UV_TARGET,
    TemplateValues,
    install_commands,
    shipyard_requirement,
)
from shipyard.settings import ProjectSettings
from shipyard.valueclass import replace
from shipyard.workflow.reader import parse_workflow

SETTINGS = ProjectSettings(python_versions=("3.10", "3.11", "3.12", "3.13"))
VALUES = TemplateValues(
    inline={"name": "calc", "versions": '["3.12"]'},
    blocks={"steps": ["- run: one", "  shell: bash", "", "- run: two"], "empty": []},
    flags={"yes": True, "no": False},
)
JOBS = {
    "1-tests": ["test", "test-summary"],
    "2-coverage": ["coverage"],
    "3-performance": ["benchmark"],
    "4-code-quality": ["lint", "complexity"],
    "5-security": ["security-scan", "dependency-review", "codeql"],
    "6-deploy": ["build", "docker-build", "deploy-staging", "deploy-production", "rollback"],
    "continuous-integration": ["validate", "test", "build-image", "ci-summary"],
    "continuous-deployment": [
        "pre-deploy-checks",
        "build-and-push",
        "deploy-staging",
        "deploy-production",
        "post-deploy-verification",
        "rollback",
    ],
}


def _load(text: str) -> dict[Any, Any]:
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


def _steps(workflow: dict[Any, Any], job: str) -> list[dict[str, Any]]:
    steps = workflow["jobs"][job]["steps"]
    assert isinstance(steps, list)
    return steps


def _runs(workflow: dict[Any, Any], job: str) -> str:
    return "\n".join(str(step.get("run", "")) for step in _steps(workflow, job))


def test_placeholders_blocks_and_conditions() -> None:
    template = (
        "name: {{shipyard:name}} ${{ github.ref }}\n"
        "    {{shipyard:steps}}\n"
        "    {{shipyard:empty}}\n"
        "{{shipyard:if yes}}\n"
        "kept: {{shipyard:versions}}\n"
        "  {{shipyard:if not yes}}\n"
        "dropped: nested\n"
        "  {{shipyard:else}}\n"
        "kept: nested else\n"
        "  {{shipyard:end}}\n"
        "{{shipyard:else}}\n"
        "dropped: else\n"
        "{{shipyard:end}}\n"
        "{{shipyard:if no}}\n"
        "dropped: {{shipyard:unknown_but_dropped}}\n"
        "{{shipyard:end}}\n"
    )
    assert render_template(template, VALUES) == (
        "name: calc ${{ github.ref }}\n"
        "    - run: one\n"
        "      shell: bash\n"
        "\n"
        "    - run: two\n"
        'kept: ["3.12"]\n'
        "kept: nested else\n"
    )


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("a: {{shipyard:nope}}\n", "template t: unknown placeholder 'nope'"),
        ("{{shipyard:if maybe}}\n{{shipyard:end}}\n", "template t: unknown flag 'maybe'"),
        ("{{shipyard:if yes}}\n", "template t: if without end"),
        ("{{shipyard:end}}\n", "template t: end without if"),
        ("{{shipyard:else}}\n", "template t: else without if"),
    ],
)
def test_template_mistakes_are_bugs(template: str, message: str) -> None:
    with pytest.raises(InternalError) as caught:
        render_template(template, VALUES, "t")
    assert str(caught.value) == message


def test_the_sample_project_pipeline(sample_facts: ProjectFacts) -> None:
    rendered = render_workflows(sample_facts, SETTINGS)
    assert list(rendered) == [f".github/workflows/{name}.yml" for name in TEMPLATES]
    for name in TEMPLATES:
        text = rendered[f".github/workflows/{name}.yml"]
        assert text.startswith(f"# shipyard-template: {name} ")
        assert edit_state(text) == "pristine"
        assert "{{shipyard:" not in text
        assert list(_load(text)["jobs"]) == JOBS[name]
    tests = _load(rendered[".github/workflows/1-tests.yml"])
    assert tests["jobs"]["test"]["strategy"]["matrix"] == {
        "python-version": ["3.10", "3.11", "3.12", "3.13"],
        "os": ["ubuntu-latest", "windows-latest", "macos-latest"],
    }
    assert tests["jobs"]["test"]["runs-on"] == "${{ matrix.os }}"
    assert "python -m pytest tests --junitxml=junit/results.xml" in _runs(tests, "test")
    assert "shipyard report tests junit" in _runs(tests, "test-summary")
    download = _steps(tests, "test-summary")[2]
    assert download["with"] == {"pattern": "junit-*", "path": "junit", "merge-multiple": False}
    coverage = _load(rendered[".github/workflows/2-coverage.yml"])
    runs = _runs(coverage, "coverage")
    assert "python -m coverage run --source=calc -m pytest tests" in runs
    assert "shipyard report coverage --min 80 " in runs
    measure = next(
        s for s in _steps(coverage, "coverage") if s.get("name") == "Run the tests with coverage"
    )
    assert measure["continue-on-error"] is True  # a failing test fails the tests gate only
    performance = _runs(_load(rendered[".github/workflows/3-performance.yml"]), "benchmark")
    assert "shipyard bench run" in performance
    assert (
        "shipyard bench compare --base ${{ github.event.pull_request.base.sha || 'HEAD~1' }}"
        in performance
    )
    security = _load(rendered[".github/workflows/5-security.yml"])
    assert security["env"] == {"SHIPYARD_VULNDB": "${{ vars.SHIPYARD_VULNDB }}"}
    assert "shipyard report security src/calc" in _runs(security, "security-scan")
    assert security["jobs"]["dependency-review"]["if"] == "github.event_name == 'pull_request'"
    codeql = _steps(security, "codeql")
    assert [s.get("if") for s in codeql if "codeql-action" in s.get("uses", "")] == [
        "env.SHIPYARD_LOCAL != 'true'",
        "env.SHIPYARD_LOCAL != 'true'",
    ]
    deploy = _load(rendered[".github/workflows/6-deploy.yml"])
    assert deploy["env"] == {"DEPLOY_TARGETS": ""}
    assert "python -m build --outdir dist ." in _runs(deploy, "build")
    assert "no deploy target configured in [tool.shipyard] deploy-targets" in (
        _runs(deploy, "deploy-staging")
    )
    assert "no Dockerfile in the project" in _runs(deploy, "docker-build")


def test_install_step_runs_shipyard_itself_under_shipyard_run(sample_facts: ProjectFacts) -> None:
    rendered = render_workflows(sample_facts, SETTINGS)
    quality = _load(rendered[".github/workflows/4-code-quality.yml"])
    step = next(s for s in _steps(quality, "lint") if s.get("name") == "Install Shipyard")
    assert step["run"] == (
        'if [ -n "${SHIPYARD:-}" ]; then\n'
        '  echo "SHIPYARD_LOCAL=true" >> "$GITHUB_ENV"\n'
        "else\n"
        f'  python -m pip install "{shipyard_requirement()}"\n'
        "fi\n"
    )
    assert shipyard_requirement("0.1.0") == "shipyard-ci~=0.1.0"
    assert shipyard_requirement("2.3.4") == "shipyard-ci~=2.3.0"


def test_choices_reach_the_workflows(sample_facts: ProjectFacts) -> None:
    settings = replace(
        SETTINGS,
        python_versions=("3.11", "3.12"),
        coverage_min=92.5,
        quality_tools=("ruff", "mypy", "pylint"),
        deploy_targets=("web1", "web2"),
    )
    rendered = render_workflows(replace(sample_facts, has_benchmarks=False), settings)
    tests = _load(rendered[".github/workflows/1-tests.yml"])
    assert tests["jobs"]["test"]["strategy"]["matrix"]["python-version"] == ["3.11", "3.12"]
    coverage = _load(rendered[".github/workflows/2-coverage.yml"])
    assert "--min 92.5 " in _runs(coverage, "coverage")
    assert _steps(coverage, "coverage")[1]["with"]["python-version"] == "3.12"
    quality = _runs(_load(rendered[".github/workflows/4-code-quality.yml"]), "lint")
    assert "uv pip install ruff mypy pylint" in quality
    performance = _load(rendered[".github/workflows/3-performance.yml"])
    assert [s["name"] for s in _steps(performance, "benchmark")] == ["No benchmarks"]
    deploy = _load(rendered[".github/workflows/6-deploy.yml"])
    assert deploy["env"]["DEPLOY_TARGETS"] == "web1 web2"


def test_install_commands_per_manager(sample_facts: ProjectFacts) -> None:
    target = UV_TARGET
    assert install_commands(sample_facts) == [
        target,
        'uv pip install -r requirements.txt -e ".[dev]"',
    ]
    assert install_commands(sample_facts, project=False) == [
        target,
        "uv pip install -r requirements.txt -r pyproject.toml --extra dev",
    ]
    uv = replace(sample_facts, manager="uv", requirement_files=())
    assert install_commands(uv) == [
        target,
        'uv export --frozen --all-extras --no-hashes -o "$RUNNER_TEMP/uv-requirements.txt"',
        'uv pip install -r "$RUNNER_TEMP/uv-requirements.txt"',
    ]
    assert install_commands(uv, project=False)[1] == (
        "uv export --frozen --all-extras --no-hashes --no-emit-project"
        ' -o "$RUNNER_TEMP/uv-requirements.txt"'
    )
    poetry = replace(sample_facts, manager="poetry", requirement_files=())
    assert install_commands(poetry) == [
        target,
        "uv pip install poetry",
        "export POETRY_VIRTUALENVS_CREATE=false",
        "python -m poetry install --all-extras --no-interaction",
    ]
    assert install_commands(poetry, project=False)[-1] == (
        "python -m poetry install --all-extras --no-interaction --no-root"
    )
    assert install_commands(replace(sample_facts, buildable=False, requirement_files=())) == [
        target,
        'echo "PYTHONPATH=$PWD/src" >> "$GITHUB_ENV"',
    ]
    bare = replace(sample_facts, buildable=False, layout="flat", requirement_files=())
    assert install_commands(bare) == [target, 'echo "no dependency file to install"']


def test_installs_go_through_uv(sample_facts: ProjectFacts) -> None:
    rendered = render_workflows(sample_facts, SETTINGS)
    for path, text in rendered.items():
        workflow = _load(text)
        for job_id, job in workflow["jobs"].items():
            steps = job.get("steps", [])
            runs = "\n".join(s.get("run", "") for s in steps)
            uv_steps = [s for s in steps if s.get("uses", "").startswith("astral-sh/setup-uv@")]
            assert ("uv pip install" in runs) == bool(uv_steps), (path, job_id)
            assert "cache: pip" not in text, path  # setup-python's pip cache: pip is not used
    tests = _runs(_load(rendered[".github/workflows/1-tests.yml"]), "test")
    assert 'uv pip install -r requirements.txt -e ".[dev]"\nuv pip install pytest' in tests
    security = _load(rendered[".github/workflows/5-security.yml"])
    for job in ("security-scan", "dependency-review", "codeql"):  # they only read the code
        assert "-r pyproject.toml --extra dev" in _runs(security, job), job
        assert '-e "' not in _runs(security, job), job
    codeql_uv = next(s for s in _steps(security, "codeql") if "setup-uv" in s.get("uses", ""))
    assert codeql_uv["if"] == "env.SHIPYARD_LOCAL == 'true'"  # GitHub runs CodeQL instead


def test_ci_tests_once_and_checks_imports_from_the_checkout(sample_facts: ProjectFacts) -> None:
    ci = _load(
        render_workflows(sample_facts, SETTINGS)[".github/workflows/continuous-integration.yml"]
    )
    assert "strategy" not in ci["jobs"]["test"]  # the matrix is 1-tests.yml's
    assert _steps(ci, "test")[1]["with"]["python-version"] == "3.13"
    validate = _runs(ci, "validate")
    assert "uv pip install -r requirements.txt -r pyproject.toml --extra dev" in validate
    assert 'PYTHONPATH=src python -c "import calc"' in validate
    flat = replace(sample_facts, layout="flat", source="calc")
    flat_ci = _load(
        render_workflows(flat, SETTINGS)[".github/workflows/continuous-integration.yml"]
    )
    assert 'python -c "import calc"' in _runs(flat_ci, "validate")
    assert "PYTHONPATH=src" not in _runs(flat_ci, "validate")


PROJECTS = {
    "sample": None,
    "uv, docker, no benchmarks": (
        ["pyproject.toml", "uv.lock", "Dockerfile", "src/svc/__init__.py", "tests/test_svc.py"],
        '[project]\nname = "svc"\nrequires-python = ">=3.12"\n',
    ),
    "poetry, flat": (
        ["pyproject.toml", "poetry.lock", "app/__init__.py", "benchmarks/b.py"],
        '[tool.poetry]\nname = "app"\n[tool.poetry.dependencies]\npython = "^3.9"\n',
    ),
    "scripts only": (["requirements.txt", "job.py"], None),
}


@pytest.mark.parametrize("project", list(PROJECTS))
def test_every_workflow_is_valid(project: str, sample_facts: ProjectFacts) -> None:
    given = PROJECTS[project]
    facts = sample_facts if given is None else detect_project(given[0], given[1], fallback_name="x")
    settings = replace(SETTINGS, python_versions=facts.python_versions)
    for path, text in render_workflows(facts, settings).items():
        workflow = parse_workflow(text, path, complete=True)
        assert [d.message for d in workflow.diagnostics] == [], path
        assert [job.id for job in workflow.jobs] == JOBS[path.split("/")[-1][:-4]]
