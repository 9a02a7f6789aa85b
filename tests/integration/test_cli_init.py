"""``shipyard init`` as a real process on the e2e sample project copied into tmp_path."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[1] / "e2e" / "sample_project"
WORKFLOWS = [
    "1-tests.yml",
    "2-coverage.yml",
    "3-performance.yml",
    "4-code-quality.yml",
    "5-security.yml",
    "6-deploy.yml",
    "continuous-integration.yml",
    "continuous-deployment.yml",
]
DESCRIPTION = (
    "calc: package calc (src layout, src/calc); tests in tests/; benchmarks in benchmarks/; "
    "Python 3.10, 3.11, 3.12, 3.13; installs requirements.txt, .[dev]"
)
TABLE = """
[tool.shipyard]
python-versions = ["3.10", "3.11", "3.12", "3.13"]
coverage-min = 80
quality-tools = ["ruff"]
deploy-targets = []
"""


def shipyard(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shipyard", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        check=False,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "calc"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    return root


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_init_writes_the_pipeline_once(project: Path) -> None:
    original = (project / "pyproject.toml").read_text(encoding="utf-8")
    first = shipyard("init", "--yes", cwd=project)
    assert (first.returncode, first.stderr) == (0, "")
    assert first.stdout == (
        f"{DESCRIPTION}\n\n"
        + "".join(f"create     .github/workflows/{name}\n" for name in WORKFLOWS)
        + "update     pyproject.toml\n\n"
        "wrote 9 files (8 created, 1 updated)\n"
        "next: shipyard run --event pull_request  (runs the pipeline here)\n"
    )
    assert sorted(p.name for p in (project / ".github" / "workflows").iterdir()) == sorted(
        WORKFLOWS
    )
    assert (project / "pyproject.toml").read_text(encoding="utf-8") == original + TABLE
    before = _snapshot(project)
    second = shipyard("init", "--yes", cwd=project)
    assert second.returncode == 0
    assert second.stdout.endswith(
        "".join(f"unchanged  .github/workflows/{name}\n" for name in WORKFLOWS)
        + "unchanged  pyproject.toml\n\n"
        "nothing to change: the pipeline is up to date\n"
    )
    assert _snapshot(project) == before


def test_every_generated_workflow_passes_validate(project: Path) -> None:
    assert shipyard("init", "--yes", cwd=project).returncode == 0
    result = shipyard("validate", cwd=project)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "8 files valid\n")
    for name in WORKFLOWS:
        one = shipyard("validate", f".github/workflows/{name}", cwd=project)
        assert one.returncode == 0, one.stdout


def test_an_edited_workflow_is_refused_without_force(project: Path) -> None:
    assert shipyard("init", "--yes", cwd=project).returncode == 0
    edited = project / ".github" / "workflows" / "2-coverage.yml"
    text = edited.read_text(encoding="utf-8").replace("--min 80", "--min 95")
    edited.write_text(text, encoding="utf-8")
    result = shipyard("init", "--yes", "--coverage-min", "85", cwd=project)
    assert result.returncode == 0
    assert (
        "skip       .github/workflows/2-coverage.yml  "
        "(edited since shipyard init wrote it; --force overwrites it)\n"
    ) in result.stdout
    assert "update     pyproject.toml\n" in result.stdout
    assert result.stderr == "hint: shipyard init --force overwrites the edited workflows\n"
    assert edited.read_text(encoding="utf-8") == text
    assert "coverage-min = 85\n" in (project / "pyproject.toml").read_text(encoding="utf-8")
    forced = shipyard("init", "--yes", "--force", cwd=project)
    assert forced.returncode == 0
    assert (
        "update     .github/workflows/2-coverage.yml  "
        "(edited since shipyard init wrote it; overwritten (--force))\n"
    ) in forced.stdout
    assert "--min 85 " in edited.read_text(encoding="utf-8")


def test_without_yes_and_without_a_terminal_nothing_is_written(project: Path) -> None:
    before = _snapshot(project)
    result = shipyard("init", cwd=project)
    assert result.returncode == 1
    assert "create     .github/workflows/1-tests.yml\n" in result.stdout
    assert result.stderr == (
        "error: not writing without --yes: there is no terminal to ask on\n\n"
        "hint: run `shipyard init --yes` to write these files, "
        "or `shipyard init --dry-run` to see the diffs\n"
    )
    assert _snapshot(project) == before


def test_dry_run_shows_diffs_and_writes_nothing(project: Path) -> None:
    before = _snapshot(project)
    result = shipyard("init", "--dry-run", "--python", "3.12,3.13", cwd=project)
    assert result.returncode == 0
    assert "--- /dev/null\n+++ b/.github/workflows/1-tests.yml\n" in result.stdout
    assert '+        python-version: ["3.12", "3.13"]\n' in result.stdout
    assert "--- a/pyproject.toml\n+++ b/pyproject.toml\n" in result.stdout
    assert '+python-versions = ["3.12", "3.13"]\n' in result.stdout
    assert result.stdout.endswith("dry run: 8 to create, 1 to update; nothing written\n")
    assert _snapshot(project) == before


def test_the_terminal_prompt(project: Path) -> None:
    controller, terminal = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "shipyard", "init"],
            cwd=project,
            stdin=terminal,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        os.write(controller, b"y\n")
        out, err = process.communicate(timeout=60)
    finally:
        os.close(controller)
        os.close(terminal)
    assert process.returncode == 0
    assert err == "write 9 files? [y/N] "
    assert "wrote 9 files (8 created, 1 updated)\n" in out


def test_not_a_python_project(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<p>hi</p>\n", encoding="utf-8")
    result = shipyard("init", "--yes", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (
        f"error: no Python project in {tmp_path.resolve()}: no pyproject.toml, setup.py, "
        "requirements file or .py file\n\n"
        "hint: run shipyard init in the project's folder, or give its path\n"
    )


def test_bad_options(project: Path) -> None:
    result = shipyard("init", "--python", "3.x", cwd=project)
    assert result.returncode == 2
    assert (
        "argument --python: expected Python versions such as 3.11,3.12, not '3.x'" in result.stderr
    )
    result = shipyard("init", "--coverage-min", "120", cwd=project)
    assert result.returncode == 2
    assert "argument --coverage-min: expected a number from 0 to 100, not '120'" in result.stderr
