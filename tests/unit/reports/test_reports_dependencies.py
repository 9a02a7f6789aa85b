"""Dependency files: requirements, pyproject pins, lock files, and the dependency review."""

from __future__ import annotations

import pytest

from shipyard.reports.dependencies import (
    Dependency,
    DependencyChange,
    parse_lock,
    parse_pyproject,
    parse_requirements,
    review_dependencies,
    unique_dependencies,
)

REQUIREMENTS = """\
# pinned for production
-r base.txt
--index-url https://example.invalid/simple
Requests[socks]==2.19.0 ; python_version >= "3.8"  # the HTTP client
PyYAML==5.3 \\
    --hash=sha256:0000
flask>=2
-e ./local
django===4.2.1
numpy==1.*
git+https://example.invalid/x.git#egg=x
"""


def test_requirements_pins_includes_and_unpinned() -> None:
    parsed = parse_requirements(REQUIREMENTS, "requirements.txt")
    assert parsed.pinned == (
        Dependency("requests", "2.19.0", "requirements.txt:4"),
        Dependency("pyyaml", "5.3", "requirements.txt:5"),
        Dependency("django", "4.2.1", "requirements.txt:9"),
    )
    assert parsed.unpinned == ("flask", "numpy")
    assert parsed.includes == ("base.txt",)


def test_pyproject_pins_only_exact_versions() -> None:
    text = """\
[project]
name = "demo"
dependencies = ["requests==2.19.0", "click>=8"]
[project.optional-dependencies]
yaml = ["PyYAML==6.0.1"]
"""
    parsed = parse_pyproject(text)
    assert parsed.pinned == (
        Dependency("requests", "2.19.0", "pyproject.toml"),
        Dependency("pyyaml", "6.0.1", "pyproject.toml"),
    )
    assert parsed.unpinned == ("click",)
    with pytest.raises(ValueError) as info:
        parse_pyproject("[project\n")
    assert str(info.value).startswith("pyproject.toml: invalid TOML: ")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "uv.lock",
            'version = 1\n[[package]]\nname = "demo"\nversion = "0.1.0"\n'
            'source = { editable = "." }\n'
            '[[package]]\nname = "Requests"\nversion = "2.19.0"\n'
            'source = { registry = "https://pypi.org/simple" }\n',
        ),
        ("poetry.lock", '[[package]]\nname = "requests"\nversion = "2.19.0"\noptional = false\n'),
        (
            "pylock.toml",
            'lock-version = "1.0"\n[[packages]]\nname = "requests"\nversion = "2.19.0"\n',
        ),
        (
            "Pipfile.lock",
            '{"_meta": {}, "default": {"requests": {"version": "==2.19.0"}}, "develop": {}}',
        ),
    ],
)
def test_lock_files(name: str, text: str) -> None:
    assert parse_lock(text, name).pinned == (Dependency("requests", "2.19.0", name),)


def test_review_lists_added_changed_and_removed() -> None:
    base = [Dependency("requests", "2.31.0", "requirements.txt:1"), Dependency("six", "1.16.0")]
    head = [
        Dependency("requests", "2.19.0", "requirements.txt:1"),
        Dependency("pyyaml", "5.3", "requirements.txt:2"),
    ]
    assert review_dependencies(base, head) == [
        DependencyChange("added", "pyyaml", "", "5.3", "requirements.txt:2"),
        DependencyChange("changed", "requests", "2.31.0", "2.19.0", "requirements.txt:1"),
        DependencyChange("removed", "six", "1.16.0", "", ""),
    ]
    assert review_dependencies(head, head) == []


def test_unique_dependencies_keep_the_first_source() -> None:
    deps = [Dependency("b", "1", "x:1"), Dependency("a", "2", "y"), Dependency("b", "1", "z")]
    assert unique_dependencies(deps) == [Dependency("a", "2", "y"), Dependency("b", "1", "x:1")]
