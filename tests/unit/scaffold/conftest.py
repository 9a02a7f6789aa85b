"""Shared inputs of the scaffold tests: the sample project's listing and pyproject.toml."""

from __future__ import annotations

import pytest

from shipyard.scaffold.project import ProjectFacts, detect_project

SAMPLE_FILES = [
    "pyproject.toml",
    "requirements.txt",
    "README.md",
    "src/calc/__init__.py",
    "tests/test_calc.py",
    "benchmarks/bench_calc.py",
]
SAMPLE_PYPROJECT = """\
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "calc"
version = "0.1.0"
requires-python = ">=3.10"

[project.optional-dependencies]
dev = ["pytest", "coverage"]
docs = ["sphinx"]
"""


@pytest.fixture
def sample_facts() -> ProjectFacts:
    return detect_project(SAMPLE_FILES, SAMPLE_PYPROJECT, fallback_name="sample")
