"""``shipyard report quality`` as a real process running the real tools on a tiny project."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PYPROJECT = """\
[project]
name = "tiny"
version = "0.1.0"

[tool.ruff]
line-length = 100
"""

CLEAN = '''\
"""A tiny module."""


def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b
'''

UNDEFINED = '''\
"""A tiny module."""


def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + c
'''

BADLY_FORMATTED = '''\
"""A tiny module."""
def add(a: int,b: int) -> int:
    """Add two numbers."""
    return a+b
'''

TYPE_ERROR = '''\
"""A tiny module."""


def name() -> str:
    """Return a name."""
    return 42
'''


def project(tmp_path: Path, source: str, extra: str = "") -> Path:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT + extra, encoding="utf-8")
    package = tmp_path / "tiny"
    package.mkdir()
    (package / "__init__.py").write_text('"""Tiny."""\n', encoding="utf-8")
    (package / "core.py").write_text(source, encoding="utf-8")
    return tmp_path


def shipyard(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("GITHUB_STEP_SUMMARY", "SHIPYARD_GATES_FILE") and not k.startswith("PYTEST_")
    }
    return subprocess.run(
        [sys.executable, "-m", "shipyard", "report", "quality", *args],
        cwd=cwd,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )


def test_undefined_name_is_critical_and_fails_the_gate(tmp_path: Path) -> None:
    root = project(tmp_path, UNDEFINED)
    gates = tmp_path / "gates.jsonl"
    summary = tmp_path / "summary.md"
    env = {"SHIPYARD_GATES_FILE": str(gates), "GITHUB_STEP_SUMMARY": str(summary)}
    done = shipyard(root, "--json", "out/quality.json", env=env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "critical  tiny/core.py:6:16  F821  Undefined name `c`  [ruff]" in done.stdout
    verdict = "1 critical issue: F821 Undefined name `c` at tiny/core.py:6"
    assert done.stdout.splitlines()[-1] == f"quality gate failed: {verdict}"
    line = json.loads(gates.read_text(encoding="utf-8"))
    assert line == {"name": "quality", "passed": False, "summary": verdict}
    assert f"**Quality gate failed:** {verdict}" in summary.read_text(encoding="utf-8")
    data = json.loads((root / "out" / "quality.json").read_text(encoding="utf-8"))
    assert data["gate"] == line
    assert data["tools"] == [{"name": "ruff", "status": "ran", "note": "", "findings": 1}]
    assert data["counts"]["critical"] == 1
    assert data["findings"][0]["path"] == "tiny/core.py"


def test_clean_formatted_code_passes(tmp_path: Path) -> None:
    done = shipyard(project(tmp_path, CLEAN))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines() == [
        "  ruff     0 findings",
        "quality gate passed: no critical issue (0 findings)",
    ]


def test_bad_formatting_alone_is_reported_but_passes(tmp_path: Path) -> None:
    root = project(tmp_path, BADLY_FORMATTED)
    done = shipyard(root, "--json", "q.json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (
        "low       tiny/core.py:2  format  file would be reformatted  [ruff format]" in done.stdout
    )
    assert done.stdout.splitlines()[-1] == "quality gate passed: no critical issue (1 finding)"
    data = json.loads((root / "q.json").read_text(encoding="utf-8"))
    assert data["categories"]["format"] == 1
    assert data["fail_on_format"] is False


def test_formatting_fails_when_configured_or_asked(tmp_path: Path) -> None:
    root = project(tmp_path, BADLY_FORMATTED, "\n[tool.shipyard]\nquality-fail-on-format = true\n")
    done = shipyard(root)
    assert done.returncode == 1
    assert done.stdout.splitlines()[-1] == (
        "quality gate failed: 1 blocking issue: format file would be reformatted at tiny/core.py:2"
    )


def test_type_error_from_mypy_is_critical_and_tools_come_from_the_option(tmp_path: Path) -> None:
    root = project(tmp_path, TYPE_ERROR)
    done = shipyard(root, "--tools", "ruff,mypy", "tiny")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "  mypy     1 finding" in done.stdout
    assert done.stdout.splitlines()[-1] == (
        "quality gate failed: 1 critical issue: return-value Incompatible return value type"
        ' (got "int", expected "str") at tiny/core.py:6'
    )


@pytest.mark.skipif(importlib.util.find_spec("pylint") is not None, reason="pylint is installed")
def test_a_tool_that_is_not_installed_is_skipped_and_named(tmp_path: Path) -> None:
    root = project(tmp_path, CLEAN, '\n[tool.shipyard]\nquality-tools = ["ruff", "pylint"]\n')
    done = shipyard(root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "  pylint   not installed  install pylint to run it" in done.stdout
    assert done.stdout.splitlines()[-1] == (
        "quality gate passed: no critical issue (0 findings); skipped: pylint (not installed)"
    )


def test_complexity_from_radon_is_a_medium_finding(tmp_path: Path) -> None:
    branches = "".join(f"    if x == {n}:\n        return {n}\n" for n in range(45))
    source = (
        f'"""Complex."""\n\n\ndef pick(x: int) -> int:\n    """Pick."""\n{branches}    return -1\n'
    )
    root = project(tmp_path, source)
    done = shipyard(root, "--tools", "radon")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (
        "medium    tiny/core.py:4:1  CC-F  function `pick` has cyclomatic complexity 46 (rank F)"
        "  [radon]"
    ) in done.stdout


def test_bad_command_line_and_unknown_configured_tool(tmp_path: Path) -> None:
    root = project(tmp_path, CLEAN, '\n[tool.shipyard]\nquality-tools = ["ruff", "prospector"]\n')
    bad = shipyard(root, "--tools", "lintr")
    assert bad.returncode == 2
    assert (
        "unknown tool lintr; known: ruff, black, isort, flake8, pylint, mypy, radon, bandit"
        in bad.stderr
    )
    done = shipyard(root)
    assert done.returncode == 1
    assert done.stderr.splitlines()[-3:] == [
        "error: pyproject.toml: [tool.shipyard] quality-tools names unknown tool prospector",
        "",
        "hint: known tools: ruff, black, isort, flake8, pylint, mypy, radon, bandit",
    ]
