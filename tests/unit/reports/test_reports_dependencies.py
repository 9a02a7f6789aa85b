"""Dependency files: requirements, pyproject pins, lock files, and the dependency review."""

from __future__ import annotations

import pytest

from shipyard.reports.dependencies import (
    Dependency,
    DependencyChange,
    InstalledDistribution,
    parse_lock,
    parse_pyproject,
    parse_requirements,
    resolve_installed,
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


LINUX_311 = {
    "python_version": "3.11",
    "python_full_version": "3.11.7",
    "sys_platform": "linux",
    "platform_system": "Linux",
}
# an environment as `python -m venv --system-site-packages` over Python 3.11 leaves it after
# `pip install -e ".[dev]" bandit`: the interpreter's own setuptools and pip are there too
INSTALLED = [
    InstalledDistribution("pip", "23.2.1"),
    InstalledDistribution("setuptools", "65.5.0"),
    InstalledDistribution("Bandit", "1.9.4", ("PyYAML>=5.3.1", "stevedore>=1.20.0")),
    InstalledDistribution("stevedore", "5.10.0"),
    InstalledDistribution("pyyaml", "6.0.3"),
    InstalledDistribution(
        "coverage",
        "7.6.1",
        ('tomli; python_full_version <= "3.11.0a6" and extra == "toml"',),
    ),
    InstalledDistribution("tomli", "2.0.1"),
    InstalledDistribution(
        "pytest",
        "8.3.2",
        (
            "iniconfig",
            'colorama; sys_platform == "win32"',
            'exceptiongroup>=1; python_version < "3.11"',
            'setuptools; extra == "dev"',
        ),
    ),
    InstalledDistribution("iniconfig", "2.0.0"),
    InstalledDistribution("colorama", "0.4.6"),
]


def test_declared_requirements_are_kept_with_their_source() -> None:
    parsed = parse_requirements("-r base.txt\nflask>=2\nrequests==2.19.0  # pinned\n", "r.txt")
    assert parsed.declared == (("flask>=2", "r.txt:2"), ("requests==2.19.0", "r.txt:3"))
    pyproject = parse_pyproject(
        '[project]\nname = "App"\ndependencies = ["coverage[toml]>=7"]\n'
        '[project.optional-dependencies]\ndev = ["pytest"]\nall = ["app[dev]"]\n'
    )
    assert pyproject.declared == (
        ("coverage[toml]>=7", "pyproject.toml"),
        ("pytest", "pyproject.toml"),
    )


def test_resolve_installed_follows_the_declared_requirements_only() -> None:
    declared = [
        ("bandit>=1.7", "pyproject.toml"),
        ("coverage[toml]>=7.4", "pyproject.toml"),
        ("pytest>=8", "requirements-dev.txt:1"),
        ("hypothesis>=6", "requirements-dev.txt:2"),
        ('pywin32; sys_platform == "win32"', "requirements-dev.txt:3"),
    ]
    found, missing = resolve_installed(declared, INSTALLED, LINUX_311)
    assert found == [
        Dependency("bandit", "1.9.4", "pyproject.toml"),
        Dependency("coverage", "7.6.1", "pyproject.toml"),
        Dependency("iniconfig", "2.0.0", "requirements-dev.txt:1"),
        Dependency("pytest", "8.3.2", "requirements-dev.txt:1"),
        Dependency("pyyaml", "6.0.3", "pyproject.toml"),
        Dependency("stevedore", "5.10.0", "pyproject.toml"),
    ]  # no pip, no setuptools (pytest wants it only for its dev extra), no colorama
    assert missing == ["hypothesis"]


def test_resolve_installed_evaluates_markers_in_the_scanned_interpreter() -> None:
    python_310 = {**LINUX_311, "python_version": "3.10", "python_full_version": "3.10.13"}
    declared = [("coverage[toml]", "pyproject.toml"), ("pytest[dev]", "pyproject.toml")]
    found, missing = resolve_installed(declared, INSTALLED, python_310)
    assert [d.name for d in found] == [
        "coverage",
        "iniconfig",
        "pytest",
        "setuptools",
        "tomli",
    ]
    assert missing == []  # exceptiongroup is pytest's, not declared: not the project's to install
