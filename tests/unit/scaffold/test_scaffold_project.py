"""Detecting a project from its listing and pyproject.toml: layouts, versions, installers."""

from __future__ import annotations

import pytest

from shipyard.errors import UserError
from shipyard.scaffold.project import ProjectFacts, detect_project, is_python_project


def test_src_layout(sample_facts: ProjectFacts) -> None:
    assert sample_facts == ProjectFacts(
        name="calc",
        package="calc",
        layout="src",
        source="src/calc",
        tests="tests",
        benchmarks="benchmarks",
        has_benchmarks=True,
        python_versions=("3.10", "3.11", "3.12", "3.13"),
        requires_python=">=3.10",
        manager="pip",
        requirement_files=("requirements.txt",),
        extras=("dev",),
        buildable=True,
        dockerfile=False,
        quality_tools=("ruff",),
        coverage_configured=False,
        uses_pytest_benchmark=False,
    )


def test_flat_layout_without_pyproject() -> None:
    files = ["setup.py", "docs/conf.py", "tests/test_app.py", "my_app/__init__.py", "my_app/x.py"]
    facts = detect_project(files, None, fallback_name="my-app")
    assert (facts.name, facts.package, facts.layout, facts.source) == (
        "my-app",
        "my_app",
        "flat",
        "my_app",
    )
    assert facts.python_versions == ("3.9", "3.10", "3.11", "3.12", "3.13")
    assert facts.requires_python is None
    assert facts.buildable is True


def test_flat_layout_prefers_the_package_named_like_the_project() -> None:
    files = ["pyproject.toml", "alpha/__init__.py", "beta/__init__.py"]
    facts = detect_project(files, '[project]\nname = "Beta"\n', fallback_name="x")
    assert (facts.package, facts.source) == ("beta", "beta")


def test_single_module_project() -> None:
    files = ["pyproject.toml", "calc.py", "test_calc.py", "setup_helpers.py"]
    facts = detect_project(files, '[project]\nname = "calc"\n', fallback_name="x")
    assert (facts.package, facts.layout, facts.source, facts.tests) == (
        "calc",
        "flat",
        "calc.py",
        None,
    )


def test_no_package_found_is_noted() -> None:
    facts = detect_project(["requirements.txt", "notebook.txt"], None, fallback_name="Data-Thing")
    assert (facts.package, facts.source) == ("data_thing", ".")
    assert facts.notes == (
        "no package or module named data_thing found; checking the whole folder",
    )
    assert facts.buildable is False


def test_uv_project() -> None:
    files = ["pyproject.toml", "uv.lock", "src/app/__init__.py"]
    text = (
        '[project]\nname = "app"\nrequires-python = ">=3.12"\n'
        '[project.optional-dependencies]\ntest = ["pytest"]\n'
    )
    facts = detect_project(files, text, fallback_name="x")
    assert (facts.manager, facts.extras, facts.python_versions) == (
        "uv",
        ("test",),
        ("3.12", "3.13"),
    )


def test_poetry_project() -> None:
    text = (
        '[tool.poetry]\nname = "svc"\n[tool.poetry.dependencies]\npython = "^3.11"\n'
        '[tool.poetry.group.dev.dependencies]\npytest-benchmark = "*"\n'
    )
    facts = detect_project(
        ["pyproject.toml", "poetry.lock", "svc/__init__.py"], text, fallback_name="x"
    )
    assert (facts.manager, facts.requires_python, facts.python_versions) == (
        "poetry",
        "^3.11",
        ("3.11", "3.12", "3.13"),
    )
    assert facts.uses_pytest_benchmark is True


def test_requirement_files_and_what_they_name() -> None:
    files = [
        "requirements.txt",
        "requirements-dev.txt",
        "requirements-docs.txt",
        "requirements_test.txt",
        "app.py",
    ]
    facts = detect_project(
        files,
        None,
        fallback_name="app",
        requirement_texts={"requirements-dev.txt": "pytest-benchmark\n"},
    )
    assert facts.requirement_files == (
        "requirements-dev.txt",
        "requirements.txt",
        "requirements_test.txt",
    )
    assert facts.uses_pytest_benchmark is True


def test_tools_docker_and_coverage_configuration() -> None:
    text = (
        '[project]\nname = "a"\n[tool.mypy]\nstrict = true\n[tool.coverage.run]\nsource = ["a"]\n'
    )
    files = ["pyproject.toml", "a/__init__.py", "Dockerfile", ".pylintrc", "test/test_a.py"]
    facts = detect_project(files, text, fallback_name="a")
    assert facts.quality_tools == ("ruff", "mypy", "pylint")
    assert facts.dockerfile is True
    assert facts.coverage_configured is True
    assert facts.tests == "test"


def test_benchmarks_from_the_command_count() -> None:
    facts = detect_project(
        ["pyproject.toml", "benchmarks/helpers.py"], None, fallback_name="a", benchmark_count=0
    )
    assert facts.has_benchmarks is False
    facts = detect_project(
        ["pyproject.toml"], None, fallback_name="a", benchmarks_folder="perf", benchmark_count=2
    )
    assert (facts.has_benchmarks, facts.benchmarks) == (True, "perf")


def test_requires_python_allowing_none_of_the_matrix() -> None:
    with pytest.raises(UserError) as caught:
        detect_project(
            ["pyproject.toml"],
            '[project]\nname = "a"\nrequires-python = ">=3.14"\n',
            fallback_name="a",
        )
    assert caught.value.message == (
        "pyproject.toml: requires-python '>=3.14' allows none of Python 3.9, 3.10, 3.11, 3.12, 3.13"
    )
    assert caught.value.hint == "choose the versions to test with --python 3.13"


def test_invalid_toml() -> None:
    with pytest.raises(UserError) as caught:
        detect_project(["pyproject.toml"], "[project\n", fallback_name="a")
    assert caught.value.message.startswith("pyproject.toml: invalid TOML: ")
    assert caught.value.hint == "fix the syntax error"


def test_is_python_project() -> None:
    assert is_python_project(["setup.cfg"])
    assert is_python_project(["requirements-dev.txt"])
    assert is_python_project(["scripts/run.py"])
    assert not is_python_project(["README.md", "index.html"])
