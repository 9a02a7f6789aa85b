"""``shipyard validate`` as a real process on workflow files in temporary repositories."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]


def shipyard(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shipyard", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )


def repo(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    """A git repository holding ``files`` (paths relative to its root), committed."""
    subprocess.run([*GIT, "init", "-q", "-b", "main"], cwd=tmp_path, check=True)
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    subprocess.run([*GIT, "add", "-A"], cwd=tmp_path, check=True)
    subprocess.run([*GIT, "commit", "-q", "-m", "init"], cwd=tmp_path, check=True)
    return tmp_path


VALID = """\
name: CI
on:
  push:
    branches: [main]
  pull_request:
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: echo build
  test:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - run: echo test
"""

MANY_ERRORS = """\
on:
  push:
  schedule:
    - cron: '61 * * * *'
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - id: 1bad
        run: echo
      - if: ${{ secrets.TOKEN != '' }}
        run: echo
  test:
    needs: [biuld]
    runs-on: ubuntu-latest
    unknown-key: 1
    steps:
      - run: echo
  a:
    needs: b
    runs-on: ubuntu-latest
    steps: [{run: echo}]
  b:
    needs: a
    runs-on: ubuntu-latest
    steps: [{run: echo}]
"""

W = ".github/workflows"


def test_valid_file(tmp_path: Path) -> None:
    root = repo(tmp_path, {f"{W}/ci.yml": VALID})
    proc = shipyard("validate", f"{W}/ci.yml", cwd=root)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "1 file valid\n")


def test_every_error_of_a_file_sorted_with_hints(tmp_path: Path) -> None:
    root = repo(tmp_path, {f"{W}/many.yml": MANY_ERRORS})
    proc = shipyard("validate", cwd=root)
    f = f"{W}/many.yml"
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        f"{f} (Line: 4, Col: 13): Invalid cron expression. Expected format: '* * * * *' "
        "(minute hour day month weekday)",
        "  hint: five fields: minute (0-59), hour (0-23), day of month (1-31), "
        "month (1-12 or jan-dec), day of week (0-6 or sun-sat)",
        f"{f} (Line: 9, Col: 13): The identifier '1bad' is invalid. IDs may only contain "
        "alphanumeric characters, '_', and '-'. IDs must start with a letter or '_' and and "
        "must be less than 100 characters.",
        "  hint: for example '_1bad'",
        f"{f} (Line: 11, Col: 13): Unrecognized named-value: 'secrets'. Located at position 1 "
        "within expression: secrets.TOKEN != ''",
        f"{f} (Line: 14, Col: 13): Job 'test' depends on unknown job 'biuld'.",
        "  hint: did you mean 'build'? (jobs: build, test, a, b)",
        f"{f} (Line: 16, Col: 5): Unexpected value 'unknown-key'",
        f"{f} (Line: 20, Col: 12): Job 'a' depends on job 'b' which creates a cycle in the "
        "dependency graph.",
        "  hint: the cycle is a -> b -> a",
        f"{f} (Line: 24, Col: 12): Job 'b' depends on job 'a' which creates a cycle in the "
        "dependency graph.",
        "  hint: the cycle is b -> a -> b",
    ]
    assert proc.stderr == "1 of 1 file invalid: 7 errors\n"


def test_yaml_syntax_error_is_positioned_without_traceback(tmp_path: Path) -> None:
    root = repo(tmp_path, {f"{W}/broken.yml": "on: push\njobs:\n  x: [\n"})
    proc = shipyard("validate", cwd=root)
    assert proc.returncode == 1
    assert proc.stdout == (
        f"{W}/broken.yml (Line: 4, Col: 1): "
        "While parsing a flow node, did not find expected node content\n"
    )
    assert "Traceback" not in proc.stdout + proc.stderr


def test_a_file_that_is_not_utf8_is_one_problem_among_others(tmp_path: Path) -> None:
    latin = b"on: push\njobs:\n  x:\n    runs-on: x\n    steps:\n      - run: echo caf\xe9\n"
    root = repo(tmp_path, {f"{W}/a.yml": latin, f"{W}/b.yml": VALID})
    proc = shipyard("validate", cwd=root)
    assert proc.returncode == 1
    assert proc.stdout == (
        f"{W}/a.yml (Line: 6, Col: 22): not valid UTF-8 (byte 67)\n"
        "  hint: GitHub reads workflow files as UTF-8; re-save the file in that encoding\n"
    )
    assert proc.stderr == "1 of 2 files invalid: 1 error\n"
    data = json.loads(shipyard("validate", "--json", cwd=root).stdout)
    assert data[f"{W}/a.yml"] == {
        "valid": False,
        "errors": [{"message": "not valid UTF-8 (byte 67)", "line": 6, "column": 22}],
        "summary": {"events": [], "job_ids": [], "jobs": []},
    }
    assert data[f"{W}/b.yml"]["valid"] is True


def test_missing_path(tmp_path: Path) -> None:
    proc = shipyard("validate", "nope.yml", cwd=tmp_path)
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr == "error: no such file or folder: nope.yml\n\nhint: check the path\n"


def test_missing_default_folder(tmp_path: Path) -> None:
    proc = shipyard("validate", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stderr == (
        "error: no such file or folder: .github/workflows\n\n"
        "hint: run it from the repository root, or pass workflow files or folders\n"
    )


def test_from_a_subfolder_the_default_is_the_repositorys_workflows(tmp_path: Path) -> None:
    root = repo(tmp_path, {f"{W}/ci.yml": VALID, "src/pkg/__init__.py": ""})
    proc = shipyard("validate", cwd=root / "src" / "pkg")
    assert (proc.returncode, proc.stderr) == (0, "1 file valid\n")


def test_default_folder_reads_only_top_level_workflow_files(tmp_path: Path) -> None:
    root = repo(
        tmp_path,
        {
            f"{W}/ci.yml": VALID,
            f"{W}/other.yaml": VALID,
            f"{W}/sub/broken.yml": "jobs: [\n",
            f"{W}/notes.txt": "not: [yaml\n",
            f"{W}/README.md": "# workflows\n",
        },
    )
    proc = shipyard("validate", "--json", cwd=root)
    assert proc.returncode == 0
    assert list(json.loads(proc.stdout)) == [f"{W}/ci.yml", f"{W}/other.yaml"]
    assert shipyard("validate", cwd=root).stderr == "2 files valid\n"


def test_json_for_one_file_has_exactly_the_documented_keys(tmp_path: Path) -> None:
    text = """\
on:
  workflow_dispatch:
  push:
  pull_request:
jobs:
  zeta:
    runs-on: ubuntu-latest
    steps: [{run: a}, {run: b}]
  alpha:
    needs: [zeta, biuld]
    runs-on: ubuntu-latest
    steps: [{run: a}]
  call:
    needs: zeta
    uses: octo/repo/.github/workflows/reuse.yml@v1
"""
    root = repo(tmp_path, {f"{W}/ci.yml": text})
    proc = shipyard("validate", f"{W}/ci.yml", "--json", cwd=root)
    assert proc.returncode == 1
    assert json.loads(proc.stdout) == {
        "valid": False,
        "errors": [
            {"message": "Job 'alpha' depends on unknown job 'biuld'.", "line": 10, "column": 19}
        ],
        "summary": {
            "events": ["pull_request", "push", "workflow_dispatch"],
            "job_ids": ["zeta", "alpha", "call"],
            "jobs": [
                {"id": "zeta", "needs": [], "steps": 2},
                {"id": "alpha", "needs": ["zeta", "biuld"], "steps": 1},
                {"id": "call", "needs": ["zeta"], "steps": None},
            ],
        },
    }


def test_json_for_several_files_is_keyed_by_path(tmp_path: Path) -> None:
    root = repo(tmp_path, {f"{W}/a.yml": VALID, f"{W}/b.yml": MANY_ERRORS})
    proc = shipyard("validate", "--json", cwd=root)
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert list(data) == [f"{W}/a.yml", f"{W}/b.yml"]
    assert data[f"{W}/a.yml"]["valid"] is True
    assert data[f"{W}/a.yml"]["errors"] == []
    assert data[f"{W}/b.yml"]["valid"] is False
    assert [e["line"] for e in data[f"{W}/b.yml"]["errors"]] == [4, 9, 11, 14, 16, 20, 24]
    assert all(set(v) == {"valid", "errors", "summary"} for v in data.values())


def test_warnings_do_not_fail_validation(tmp_path: Path) -> None:
    text = "on: push\njobs:\n  build:\n    runs-on: x\n    timeout-minutes: 2.5\n    steps:\n"
    root = repo(tmp_path, {f"{W}/ci.yml": text + "      - run: echo\n"})
    proc = shipyard("validate", cwd=root)
    assert proc.returncode == 0
    assert proc.stdout == (
        f"warning: {W}/ci.yml (Line: 5, Col: 22): 'timeout-minutes' is 2.5: GitHub truncates it "
        "to 2 minutes, Shipyard honours the fraction\n"
        "  hint: write a whole number of minutes (e.g. 2) to run the same on both\n"
    )
    assert proc.stderr == "1 file valid, 1 warning\n"
    data = json.loads(shipyard("validate", "--json", cwd=root).stdout)
    assert (data["valid"], data["errors"]) == (True, [])


CALLER = """\
on: push
jobs:
  call:
    uses: ./.github/workflows/called.yml
"""
CALLED_BAD = """\
on: workflow_call
jobs:
  first:
    runs-on: ubuntu-latest
    steps: [{run: echo}]
  inner:
    needs: [first, nope]
    runs-on: ubuntu-latest
    steps: [{run: echo}]
"""


def test_local_reusable_workflow_is_followed(tmp_path: Path) -> None:
    root = repo(tmp_path, {f"{W}/caller.yml": CALLER, f"{W}/called.yml": CALLED_BAD})
    problem = f"{W}/called.yml (Line: 7, Col: 20): Job 'inner' depends on unknown job 'nope'."
    # validating the caller alone reports the called file's error at the called file
    proc = shipyard("validate", f"{W}/caller.yml", cwd=root)
    assert proc.returncode == 1
    assert proc.stdout == problem + "\n  hint: the jobs are: first, inner\n"
    data = json.loads(shipyard("validate", f"{W}/caller.yml", "--json", cwd=root).stdout)
    assert data["errors"] == [{"message": problem, "line": None, "column": None}]
    assert data["summary"]["jobs"] == [{"id": "call", "needs": [], "steps": None}]
    # validating both shows the problem once; both files are invalid
    both = shipyard("validate", cwd=root)
    assert both.stdout == proc.stdout
    assert both.stderr == "2 of 2 files invalid: 1 error\n"


def test_missing_called_workflow(tmp_path: Path) -> None:
    root = repo(tmp_path, {f"{W}/caller.yml": CALLER})
    proc = shipyard("validate", cwd=root)
    assert proc.returncode == 1
    assert proc.stdout == f"{W}/caller.yml (Line: 4, Col: 11): Unable to find reusable workflow\n"


@pytest.mark.parametrize(
    ("snippet", "message"),
    [
        (
            "    if: ${{ contains('a', 'b' }}\n",
            "(Line: 4, Col: 9): Unexpected end of expression: ''b''. Located at position 15 "
            "within expression: contains('a', 'b'",
        ),
        (
            "    if: ${{ (github.ref == 'x' }}\n",
            "(Line: 4, Col: 9): Unexpected end of expression: ''x''. Located at position 16 "
            "within expression: (github.ref == 'x'",
        ),
    ],
)
def test_unclosed_expressions_use_githubs_words(tmp_path: Path, snippet: str, message: str) -> None:
    text = f"on: push\njobs:\n  build:\n{snippet}    runs-on: x\n    steps: [{{run: a}}]\n"
    root = repo(tmp_path, {f"{W}/ci.yml": text})
    proc = shipyard("validate", cwd=root)
    assert (proc.returncode, proc.stdout) == (1, f"{W}/ci.yml {message}\n")
