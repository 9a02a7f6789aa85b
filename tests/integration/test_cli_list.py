"""``shipyard list`` as a real process: which workflows an event fires, in git repositories."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
W = ".github/workflows"


def shipyard(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shipyard", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )


def git(root: Path, *args: str) -> None:
    subprocess.run([*GIT, *args], cwd=root, check=True, capture_output=True)


def repo(tmp_path: Path, files: dict[str, str]) -> Path:
    """A git repository on ``main`` holding ``files``, committed."""
    git(tmp_path, "init", "-q", "-b", "main")
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "init")
    return tmp_path


STEPS = "    runs-on: ubuntu-latest\n    steps: [{run: echo}]\n"
CI = f"""\
name: CI
on:
  push:
    branches: [main]
jobs:
  build:
{STEPS}"""
RELEASE = f"""\
name: Release
on:
  push:
    branches: ['release/**']
    tags: ['v*']
jobs:
  publish:
{STEPS}"""


def test_push_on_the_checked_out_branch(tmp_path: Path) -> None:
    root = repo(tmp_path, {f"{W}/ci.yml": CI, f"{W}/release.yml": RELEASE})
    proc = shipyard("list", cwd=root)
    assert proc.returncode == 0
    assert proc.stdout == (
        "event push on refs/heads/main\n"
        "\n"
        f"{W}/ci.yml (CI): fires\n"
        "  why: push to branch 'main'; branch 'main' matches 'main' in branches: [main]\n"
        "  - build\n"
        "\n"
        f"{W}/release.yml (Release): skips\n"
        "  why: branch 'main' does not match branches: ['release/**']\n"
    )


def test_another_checked_out_branch(tmp_path: Path) -> None:
    root = repo(tmp_path, {f"{W}/ci.yml": CI, f"{W}/release.yml": RELEASE})
    git(root, "checkout", "-q", "-b", "release/1.0")
    data = json.loads(shipyard("list", "--json", cwd=root).stdout)
    assert data["ref"] == "refs/heads/release/1.0"
    fired = {w["path"]: w["fires"] for w in data["workflows"]}
    assert fired == {f"{W}/ci.yml": False, f"{W}/release.yml": True}


def test_tag_ref_against_branch_and_tag_filters(tmp_path: Path) -> None:
    root = repo(tmp_path, {f"{W}/ci.yml": CI, f"{W}/release.yml": RELEASE})
    proc = shipyard("list", "--ref", "refs/tags/v1.2", cwd=root)
    assert proc.returncode == 0
    assert proc.stdout == (
        "event push on refs/tags/v1.2\n"
        "\n"
        f"{W}/ci.yml (CI): skips\n"
        "  why: tag 'v1.2' was pushed, but on.push filters only branches (branches: [main])\n"
        "\n"
        f"{W}/release.yml (Release): fires\n"
        "  why: push to tag 'v1.2'; tag 'v1.2' matches 'v*' in tags: ['v*']\n"
        "  - publish\n"
    )
    # a short ref is a branch
    short = json.loads(shipyard("list", "--ref", "release/2", "--json", cwd=root).stdout)
    assert short["ref"] == "refs/heads/release/2"
    assert [w["fires"] for w in short["workflows"]] == [False, True]


PR = f"""\
on:
  pull_request:
    branches: [main]
jobs:
  check:
{STEPS}"""


def test_pull_request_matches_the_base_branch(tmp_path: Path) -> None:
    root = repo(tmp_path, {f"{W}/pr.yml": PR})
    into_main = shipyard("list", "--event", "pull_request", "--ref", "feature", cwd=root)
    assert into_main.returncode == 0
    assert into_main.stdout == (
        "event pull_request on refs/heads/feature into main\n"
        "\n"
        f"{W}/pr.yml: fires\n"
        "  why: pull_request into 'main'; base branch 'main' matches 'main' in branches: [main]\n"
        "  - check\n"
    )
    args = ("list", "--event", "pull_request", "--base", "develop", "--type", "opened")
    other = shipyard(*args, cwd=root)
    assert other.stdout == (
        "event pull_request (opened) on refs/heads/main into develop\n"
        "\n"
        f"{W}/pr.yml: skips\n"
        "  why: base branch 'develop' does not match branches: [main]\n"
    )
    closed = shipyard("list", "--event", "pull_request", "--type", "closed", "--json", cwd=root)
    row = json.loads(closed.stdout)["workflows"][0]
    assert row["reason"] == (
        "activity type 'closed' is not in types: [opened, synchronize, reopened] "
        "(the default for pull_request)"
    )


PATHS = f"""\
on:
  push:
    paths: ['src/**', '!src/**/*.md']
jobs:
  test:
{STEPS}"""


def test_path_filters_with_and_without_changed_paths(tmp_path: Path) -> None:
    root = repo(tmp_path, {f"{W}/paths.yml": PATHS})
    unknown = shipyard("list", cwd=root)
    assert unknown.stdout.splitlines()[2:4] == [
        f"{W}/paths.yml: fires",
        "  why: push to branch 'main'; path filters not evaluated (no --path given)",
    ]
    data = json.loads(shipyard("list", "--json", cwd=root).stdout)
    assert data["paths"] is None
    assert data["workflows"][0]["reason"].endswith("path filters not evaluated (no --path given)")

    hit = shipyard("list", "--path", "README.md", "--path", "src/app.py", cwd=root)
    assert hit.stdout == (
        "event push on refs/heads/main\n"
        "changed paths: README.md, src/app.py\n"
        "\n"
        f"{W}/paths.yml: fires\n"
        "  why: push to branch 'main'; changed path 'src/app.py' matches 'src/**' in "
        "paths: ['src/**', '!src/**/*.md']\n"
        "  - test\n"
    )
    miss = shipyard("list", "--path", "src/docs/x.md", "--json", cwd=root)
    row = json.loads(miss.stdout)["workflows"][0]
    assert (row["fires"], row["jobs"]) == (False, [])
    assert row["reason"] == (
        "no changed path matches paths: ['src/**', '!src/**/*.md'] (changed: 'src/docs/x.md')"
    )


DISPATCH = f"""\
name: Deploy
on:
  workflow_dispatch:
    inputs:
      target:
        type: choice
        options: [staging, production]
        default: staging
      dry-run:
        type: boolean
  schedule:
    - cron: '0 3 * * *'
jobs:
  deploy:
    name: deploy to ${{{{ inputs.target }}}}
{STEPS}"""


def test_workflow_dispatch_inputs(tmp_path: Path) -> None:
    root = repo(tmp_path, {f"{W}/deploy.yml": DISPATCH})
    default = shipyard("list", "--event", "workflow_dispatch", cwd=root)
    assert default.returncode == 0
    assert default.stdout.splitlines()[-1] == "  - deploy to staging"
    args = ("list", "-e", "workflow_dispatch", "--input", "target=production", "--json")
    data = json.loads(shipyard(*args, "--input", "dry-run=TRUE", cwd=root).stdout)
    row = data["workflows"][0]
    assert row["inputs"] == {"target": "production", "dry-run": True}
    assert [j["name"] for j in row["jobs"]] == ["deploy to production"]


def test_invalid_choice_lists_the_options(tmp_path: Path) -> None:
    root = repo(tmp_path, {f"{W}/deploy.yml": DISPATCH})
    proc = shipyard("list", "-e", "workflow_dispatch", "--input", "target=qa", cwd=root)
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr == (
        f"error: {W}/deploy.yml: invalid inputs for workflow_dispatch:\n"
        "  - input 'target' must be one of 'staging', 'production', got 'qa'\n"
        "\n"
        "hint: the inputs are declared under on.workflow_dispatch.inputs in the workflow file\n"
    )


def test_input_needs_workflow_dispatch(tmp_path: Path) -> None:
    root = repo(tmp_path, {f"{W}/deploy.yml": DISPATCH})
    proc = shipyard("list", "--input", "target=qa", cwd=root)
    assert proc.returncode == 1
    assert proc.stderr == (
        "error: --input applies to workflow_dispatch, not push\n\n"
        "hint: add --event workflow_dispatch\n"
    )


def test_schedule_with_cron(tmp_path: Path) -> None:
    root = repo(tmp_path, {f"{W}/deploy.yml": DISPATCH})
    hit = shipyard("list", "--event", "schedule", "--cron", "0 3 * * *", cwd=root)
    assert hit.stdout == (
        "event schedule on refs/heads/main for cron '0 3 * * *'\n"
        "\n"
        f"{W}/deploy.yml (Deploy): fires\n"
        "  why: schedule '0 3 * * *'; cron '0 3 * * *' is one of this workflow's schedules\n"
        "  - deploy to \n"  # no inputs on a schedule: GitHub's name is 'deploy to '
    )
    miss = shipyard("list", "--event", "schedule", "--cron", "0 4 * * *", cwd=root)
    assert miss.stdout.splitlines()[-1] == (
        "  why: cron '0 4 * * *' is not one of this workflow's schedules ['0 3 * * *']"
    )


MATRIX = """\
on: push
jobs:
  setup:
    runs-on: ubuntu-latest
    outputs:
      matrix: ${{ steps.m.outputs.matrix }}
    steps:
      - id: m
        run: echo "matrix={}" >> "$GITHUB_OUTPUT"
  test:
    strategy:
      matrix:
        python: ['3.11', '3.12']
        os: [ubuntu-latest, macos-latest]
        exclude:
          - {python: '3.12', os: macos-latest}
    runs-on: ${{ matrix.os }}
    steps: [{run: echo}]
  build-matrix:
    needs: [setup, test]
    strategy:
      matrix: ${{ fromJSON(needs.setup.outputs.matrix) }}
    runs-on: ubuntu-latest
    steps: [{run: echo}]
"""


def test_matrix_jobs_are_expanded_and_needs_matrices_deferred(tmp_path: Path) -> None:
    root = repo(tmp_path, {f"{W}/matrix.yml": MATRIX})
    proc = shipyard("list", cwd=root)
    assert proc.returncode == 0
    assert proc.stdout.splitlines()[2:] == [
        f"{W}/matrix.yml: fires",
        "  why: push to branch 'main'",
        "  - setup",
        "  - test (3.11, ubuntu-latest)",
        "  - test (3.11, macos-latest)",
        "  - test (3.12, ubuntu-latest)",
        "  - build-matrix (matrix from needs.setup outputs: expanded at run time)"
        "  [needs: setup, test]",
    ]


def test_json_structure(tmp_path: Path) -> None:
    root = repo(tmp_path, {f"{W}/matrix.yml": MATRIX, f"{W}/pr.yml": PR})
    proc = shipyard("list", "--json", cwd=root)
    assert proc.returncode == 0
    data = json.loads(proc.stdout)
    first, second = data.pop("workflows")
    assert data == {
        "event": "push",
        "ref": "refs/heads/main",
        "base": None,
        "type": None,
        "cron": None,
        "paths": None,
    }
    jobs = first.pop("jobs")
    assert first == {
        "path": f"{W}/matrix.yml",
        "name": f"{W}/matrix.yml",
        "fires": True,
        "reason": "push to branch 'main'",
        "error": None,
        "inputs": {},
    }
    assert jobs[1] == {
        "id": "test",
        "name": "test (3.11, ubuntu-latest)",
        "needs": [],
        "matrix": {"python": "3.11", "os": "ubuntu-latest"},
        "deferred": False,
        "deferred_reason": None,
    }
    assert jobs[-1] == {
        "id": "build-matrix",
        "name": "build-matrix",
        "needs": ["setup", "test"],
        "matrix": None,
        "deferred": True,
        "deferred_reason": "matrix from needs.setup outputs: expanded at run time",
    }
    assert second == {
        "path": f"{W}/pr.yml",
        "name": f"{W}/pr.yml",
        "fires": False,
        "reason": "workflow does not listen to 'push' (on: pull_request)",
        "error": None,
        "inputs": {},
        "jobs": [],
    }


def test_invalid_workflow_does_not_fire_and_says_why(tmp_path: Path) -> None:
    bad = "on: push\njobs:\n  a:\n    needs: [zzz]\n" + STEPS + "  b:\n" + STEPS
    root = repo(tmp_path, {f"{W}/bad.yml": bad, f"{W}/ci.yml": CI})
    proc = shipyard("list", cwd=root)
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[2:4] == [
        f"{W}/bad.yml: skips",
        "  why: invalid workflow: (Line: 4, Col: 13): Job 'a' depends on unknown job 'zzz'.",
    ]
    assert f"{W}/ci.yml (CI): fires" in proc.stdout
    row = json.loads(shipyard("list", "--json", cwd=root).stdout)["workflows"][0]
    assert (row["fires"], row["jobs"]) == (False, [])
    assert row["reason"].startswith("invalid workflow: (Line: 4, Col: 13): ")


def test_a_run_that_cannot_be_planned_shows_the_error(tmp_path: Path) -> None:
    text = "on: push\njobs:\n  x:\n    strategy:\n      matrix: ${{ fromJSON('nope') }}\n"
    root = repo(tmp_path, {f"{W}/x.yml": text + STEPS})
    proc = shipyard("list", cwd=root)
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[2:] == [
        f"{W}/x.yml: fires",
        "  why: push to branch 'main'",
        f"  error: {W}/x.yml (Line: 5, Col: 15): Error when evaluating 'strategy' for job 'x'. "
        "Error parsing JSON when evaluating fromJson",
    ]


def test_github_context_of_names(tmp_path: Path) -> None:
    text = "on: push\njobs:\n  x:\n    name: on ${{ github.ref_name }} (${{ github.event_name }})\n"
    root = repo(tmp_path, {f"{W}/x.yml": text + STEPS})
    git(root, "checkout", "-q", "-b", "release/1.0")
    proc = shipyard("list", cwd=root)
    assert proc.stdout.splitlines()[-1] == "  - on release/1.0 (push)"
    tag = shipyard("list", "--ref", "refs/tags/v2.0", cwd=root)
    assert tag.stdout.splitlines()[-1] == "  - on v2.0 (push)"
