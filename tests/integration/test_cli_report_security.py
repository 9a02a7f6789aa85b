"""``shipyard report security`` as a real process: Bandit, ruff, an OSV fixture database, git."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYPA = ROOT.parent / "shared" / "vulndb" / "pypa"

REQUESTS_ADVISORY = """\
id: PYSEC-2018-28
details: The Requests package before 2.20.0 for Python sends an HTTP Authorization
  header to an http URI upon receiving a same-hostname https-to-http redirect.
affected:
- package:
    name: requests
    ecosystem: PyPI
  ranges:
  - type: ECOSYSTEM
    events:
    - introduced: '0'
    - fixed: 2.20.0
aliases:
- CVE-2018-18074
"""

# Every version of pytest: lets the environment scan find something in this very venv.
PYTEST_ADVISORY = """\
id: DEMO-2099-1
summary: A made-up advisory for every pytest release
database_specific:
  severity: LOW
affected:
- package: {name: pytest, ecosystem: PyPI}
  ranges:
  - type: ECOSYSTEM
    events: [{introduced: '0'}]
"""

CLEAN = '''\
"""A tiny module."""

import json


def dump(value: object) -> str:
    """Serialise a value."""
    return json.dumps(value)
'''

SHELL = '''\
"""Runs commands."""

import subprocess


def run(command: str) -> int:
    """Run a command in a shell."""
    return subprocess.call(command, shell=True)
'''


def vulndb(tmp_path: Path) -> Path:
    folder = tmp_path / "vulndb" / "vulns"
    (folder / "requests").mkdir(parents=True)
    (folder / "requests" / "PYSEC-2018-28.yaml").write_text(REQUESTS_ADVISORY, encoding="utf-8")
    (folder / "pytest").mkdir()
    (folder / "pytest" / "DEMO-2099-1.yaml").write_text(PYTEST_ADVISORY, encoding="utf-8")
    (tmp_path / "vulndb" / "README.md").write_text("not a record\n", encoding="utf-8")
    return tmp_path / "vulndb"


def project(tmp_path: Path, source: str, requirements: str = "") -> Path:
    root = tmp_path / "project"
    (root / "app").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "app"\nversion = "1"\n', "utf-8")
    (root / "app" / "__init__.py").write_text(source, encoding="utf-8")
    if requirements:
        (root / "requirements.txt").write_text(requirements, encoding="utf-8")
    return root


def shipyard(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    drop = ("GITHUB_STEP_SUMMARY", "SHIPYARD_GATES_FILE", "SHIPYARD_VULNDB", "SAFETY_API_KEY")
    base = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("PYTEST_")}
    return subprocess.run(
        [sys.executable, "-m", "shipyard", "report", "security", *args],
        cwd=cwd,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )


def test_shell_true_is_a_high_bandit_finding(tmp_path: Path) -> None:
    root = project(tmp_path, SHELL)
    done = shipyard(root, "--sarif", "security.sarif")
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "Shipyard offline code analysis: bandit, ruff S rules"
    assert any(line.startswith("high      app/__init__.py:8:12  B602  ") for line in lines)
    assert lines[-1].startswith("security gate failed: 1 high finding: B602 at app/__init__.py:8")
    sarif = json.loads((root / "security.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    bandit = sarif["runs"][0]
    assert bandit["tool"]["driver"]["name"] == "bandit"
    assert [r["ruleId"] for r in bandit["results"] if r["level"] == "error"] == ["B602"]


def test_vulnerable_pin_fails_naming_the_advisory(tmp_path: Path) -> None:
    root = project(tmp_path, CLEAN, "requests==2.19.0\nflask>=2\n")
    gates = tmp_path / "gates.jsonl"
    done = shipyard(
        root,
        "--db",
        str(vulndb(tmp_path)),
        "--json",
        "security.json",
        env={"SHIPYARD_GATES_FILE": str(gates), "GITHUB_STEP_SUMMARY": str(tmp_path / "s.md")},
    )
    assert done.returncode == 1, done.stdout + done.stderr
    markdown = (tmp_path / "s.md").read_text(encoding="utf-8")
    assert markdown.startswith(
        "## Security\n\n**Security gate failed:** 1 high finding: PYSEC-2018-28"
    )
    assert "| osv database | ran | 1 |" in markdown
    verdict = (
        "1 high finding: PYSEC-2018-28 in requests 2.19.0"
        " (PYSEC-2018-28: no severity given, counted as high)"
    )
    assert done.stdout.splitlines()[-1] == f"security gate failed: {verdict}"
    assert "dependencies: 1 checked (from files), 1 unpinned not checked" in done.stdout
    assert json.loads(gates.read_text(encoding="utf-8")) == {
        "name": "security",
        "passed": False,
        "summary": verdict,
    }
    data = json.loads((root / "security.json").read_text(encoding="utf-8"))
    assert [(v["id"], v["fixed"], v["source"]) for v in data["vulnerabilities"]] == [
        ("PYSEC-2018-28", ["2.20.0"], "requirements.txt:1")
    ]
    assert data["dependencies"]["unpinned"] == ["flask"]
    sources = {s["name"]: s for s in data["sources"]}
    assert sources["osv database"]["status"] == "ran"
    assert sources["osv database"]["note"].endswith("vulndb (2 records)")
    assert sources["safety"]["status"] == "not configured"


def test_clean_project_passes_and_a_zip_database_works_from_the_environment(
    tmp_path: Path,
) -> None:
    root = project(tmp_path, CLEAN, "requests==2.31.0\n")
    archive = tmp_path / "pypi.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("PYSEC-2018-28.json", json.dumps({"id": "PYSEC-2018-28", "affected": []}))
        for path in sorted(vulndb(tmp_path).rglob("*.yaml")):
            bundle.write(path, path.name)
    done = shipyard(root, env={"SHIPYARD_VULNDB": str(archive)})
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == (
        "security gate passed: no high or critical finding (0 findings, 1 dependency checked);"
        " skipped: safety (set SAFETY_API_KEY to run Safety)"
    )
    env_scan = shipyard(root, "--from", "env", "--db", str(archive))
    assert env_scan.returncode == 0, env_scan.stdout + env_scan.stderr
    assert "DEMO-2099-1  pytest " in env_scan.stdout
    assert f"(from env {sys.executable})" in env_scan.stdout


PIP_ADVISORY = """\
id: DEMO-2099-2
summary: A made-up advisory for every pip release
affected:
- package: {name: pip, ecosystem: PyPI}
  ranges:
  - type: ECOSYSTEM
    events: [{introduced: '0'}]
"""


def test_without_pins_the_declared_dependencies_are_scanned_as_installed(tmp_path: Path) -> None:
    root = project(tmp_path, CLEAN)
    (root / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "1"\ndependencies = ["pytest>=8", "absent-pkg"]\n',
        encoding="utf-8",
    )
    db = vulndb(tmp_path)
    (db / "vulns" / "pip").mkdir()
    (db / "vulns" / "pip" / "DEMO-2099-2.yaml").write_text(PIP_ADVISORY, encoding="utf-8")
    done = shipyard(root, "--db", str(db), "--json", "s.json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"(from declared {sys.executable})" in done.stdout
    assert "DEMO-2099-1  pytest " in done.stdout  # declared: checked at its installed version
    data = json.loads((root / "s.json").read_text(encoding="utf-8"))
    checked = {d["name"]: d["source"] for d in data["dependencies"]["checked"]}
    assert checked["pytest"] == checked["pluggy"] == "pyproject.toml"  # pluggy: via pytest
    assert "pip" not in checked  # installed here, but not the project's
    assert "DEMO-2099-2" not in done.stdout
    assert data["dependencies"]["unpinned"] == ["absent-pkg"]


def test_a_configured_database_absent_from_this_machine_is_skipped_and_said(
    tmp_path: Path,
) -> None:
    root = project(tmp_path, CLEAN, "requests==2.19.0\n")
    missing = tmp_path / "nowhere" / "pypa"
    with (root / "pyproject.toml").open("a", encoding="utf-8") as table:
        table.write(f'[tool.shipyard]\nsecurity-db = "{missing.as_posix()}"\n')
    done = shipyard(root)
    assert done.returncode == 0, done.stdout + done.stderr
    note = f"[tool.shipyard] security-db {missing} is not on this machine"
    assert f"  osv database   skipped  {note}" in done.stdout
    assert done.stdout.splitlines()[-1] == (
        "security gate passed: no high or critical finding (0 findings, 1 dependency checked);"
        f" skipped: osv database ({note}), safety (set SAFETY_API_KEY to run Safety)"
    )


def test_without_a_database_the_dependency_scan_is_skipped_and_said(tmp_path: Path) -> None:
    done = shipyard(project(tmp_path, CLEAN, "requests==2.19.0\n"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert (
        "  dependency scan skipped  no advisory database: give --db, $SHIPYARD_VULNDB or"
        " [tool.shipyard] security-db"
    ) in done.stdout


def test_missing_database_is_an_input_error(tmp_path: Path) -> None:
    root = project(tmp_path, CLEAN)
    gates = tmp_path / "gates.jsonl"
    done = shipyard(root, "--db", "nowhere", env={"SHIPYARD_GATES_FILE": str(gates)})
    assert done.returncode == 1
    assert done.stderr.splitlines()[-3:] == [
        "error: no advisory database at nowhere",
        "",
        "hint: give a folder or zip of OSV records with --db, $SHIPYARD_VULNDB or"
        " [tool.shipyard] security-db",
    ]
    line = json.loads(gates.read_text(encoding="utf-8"))
    assert line["passed"] is False
    assert line["summary"] == "not checked: no advisory database at nowhere"


def git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def test_dependency_review_against_a_base_branch(tmp_path: Path) -> None:
    root = project(tmp_path, CLEAN, "requests==2.31.0\nsix==1.16.0\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "base")
    (root / "requirements.txt").write_text("requests==2.19.0\npyyaml==6.0.1\n", encoding="utf-8")
    done = shipyard(root, "--base", "main", "--db", str(vulndb(tmp_path)), "--json", "s.json")
    assert done.returncode == 1, done.stdout + done.stderr
    assert (
        "\n".join(
            [
                "dependency review against main:",
                "  added    pyyaml 6.0.1",
                "  changed  requests 2.31.0 -> 2.19.0",
                "  removed  six 1.16.0",
                "  the change brings 1 advisory: PYSEC-2018-28",
            ]
        )
        in done.stdout
    )
    data = json.loads((root / "s.json").read_text(encoding="utf-8"))
    assert data["vulnerabilities"][0]["in_change"] is True
    unknown = shipyard(root, "--base", "no-such-branch")
    assert unknown.returncode == 1
    assert "error: unknown base revision 'no-such-branch'" in unknown.stderr


@pytest.mark.skipif(not PYPA.is_dir(), reason="the shared PyPA advisory database is not here")
def test_the_pypa_database_finds_pysec_2018_28_in_requests_2_19_0(tmp_path: Path) -> None:
    root = project(tmp_path, CLEAN, "requests==2.19.0\n")
    done = shipyard(root, "--db", str(PYPA), "--json", "s.json")
    assert done.returncode == 1, done.stdout + done.stderr
    data = json.loads((root / "s.json").read_text(encoding="utf-8"))
    ids = [v["id"] for v in data["vulnerabilities"]]
    assert "PYSEC-2018-28" in ids
    found = next(v for v in data["vulnerabilities"] if v["id"] == "PYSEC-2018-28")
    assert found["fixed"] == ["2.20.0"]
    assert found["aliases"] == ["CVE-2018-18074", "GHSA-x84v-xcm2-53pg"]
    assert "PYSEC-2018-28 in requests 2.19.0" in done.stdout.splitlines()[-1]
