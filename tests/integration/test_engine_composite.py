"""Composite actions on real processes in a real git repository, at the engine's level.

Each test commits a repository with local actions under ``.github/actions/``, runs one
workflow through :class:`~shipyard.engine.run.RunEngine` on the host backend (bash and
node from ``PATH``; ``actions/checkout`` makes the workspace from the commit) and checks
what GitHub's runner does: an inner step's own ``env`` in its ``env`` context, the post
steps of actions used by a composite action, and the log of a failing inner ``run:`` step.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

from shipyard.backends.host import HostBackend
from shipyard.diagnostics import Severity
from shipyard.engine.events import LocalEvent
from shipyard.engine.observer import JobReport, StepReport
from shipyard.engine.run import RunEngine, WorkflowRun, workflow_github
from shipyard.engine.settings import RunSettings
from shipyard.repository import local_workflow_fetcher
from shipyard.testing.gitrepo import git, isolate_git, write_files
from shipyard.workflow.reader import parse_workflow
from shipyard.workflow.triggers import Event

BASH = shutil.which("bash") or "/bin/bash"
needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node is not on PATH")


class Log:
    """The job's log as the engine reports it, with each step's start and end."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.events: list[str] = []

    def job_started(self, report: JobReport) -> None:
        pass

    def step_started(self, report: JobReport, step: StepReport) -> None:
        with self.lock:
            self.events.append(f"<start {step.name}>")

    def log(self, report: JobReport, line: str) -> None:
        with self.lock:
            self.events.append(line)

    def step_finished(self, report: JobReport, step: StepReport) -> None:
        with self.lock:
            self.events.append(f"<end {step.name}: {step.outcome}>")

    def job_finished(self, report: JobReport) -> None:
        pass

    def step(self, name: str) -> list[str]:
        """The lines logged between a step's start and its end."""
        start = self.events.index(f"<start {name}>")
        end = next(i for i, e in enumerate(self.events) if e.startswith(f"<end {name}:"))
        return self.events[start + 1 : end]


def run_job(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], steps: str
) -> tuple[JobReport, Log]:
    """Commit ``files`` plus a one-job workflow of ``steps`` (after a checkout); run it."""
    isolate_git(tmp_path, monkeypatch)
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "--template=", "-b", "main")
    text = (
        "on: push\njobs:\n  job:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n" + steps
    )
    write_files(repo, {**files, ".github/workflows/ci.yml": text})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "initial")
    sha = git(repo, "rev-parse", "HEAD")
    workflow = parse_workflow(text, ".github/workflows/ci.yml", fetch=local_workflow_fetcher(repo))
    assert [d for d in workflow.diagnostics if d.severity is Severity.ERROR] == []
    github = {"sha": sha, "ref": "refs/heads/main", "event_name": "push"}
    event = LocalEvent(Event("push", ref="refs/heads/main"), {}, github)
    settings = RunSettings(
        repo=repo,
        run_id=1,
        run_number=1,
        run_dir=tmp_path / "run",
        data_dir=tmp_path / "data",
        event=event,
        backend_factory=lambda: HostBackend(sigint_grace=0.3, sigterm_grace=0.3),
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C"},
    )
    run = WorkflowRun(
        index=0, workflow=workflow, github=workflow_github(settings, workflow, event), inputs={}
    )
    log = Log()
    result = RunEngine(settings, [run], log, max_jobs=1).run()
    (report,) = result.workflows[0].reports
    return report, log


def action(steps: str, *, outputs: str = "", inputs: str = "") -> str:
    return f"name: a\ndescription: d\n{inputs}{outputs}runs:\n  using: composite\n  steps:\n{steps}"


# -- the env context of an inner step ----------------------------------------------------

OUTER = action(
    """\
    - id: inner
      uses: ./.github/actions/act
      env:
        FOO: bar
      with:
        given: ${{ env.FOO }}
    - id: own-if
      if: env.ONLY == 'here'
      env:
        ONLY: here
      shell: bash
      run: echo "ran=${{ env.ONLY }}-$ONLY" >> "$GITHUB_OUTPUT"
""",
    outputs="""\
outputs:
  got:
    description: d
    value: ${{ steps.inner.outputs.from_env }}
  given:
    description: d
    value: ${{ steps.inner.outputs.given }}
  ran:
    description: d
    value: ${{ steps.own-if.outputs.ran }}
  outside:
    description: d
    value: "[${{ env.FOO }}]"
""",
)
ACT = action(
    """\
    - id: echo
      shell: bash
      run: echo "seen=$FOO/${{ env.FOO }}" >> "$GITHUB_OUTPUT"
""",
    inputs="inputs:\n  given:\n    description: d\n",
    outputs="""\
outputs:
  from_env:
    description: d
    value: ${{ env.FOO }}
  given:
    description: d
    value: ${{ inputs.given }}/${{ steps.echo.outputs.seen }}
""",
)


def test_an_inner_uses_step_sees_its_own_env_in_with_and_in_the_actions_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps = """\
      - id: o
        uses: ./.github/actions/outer
      - run: |
          test "${{ steps.o.outputs.got }}" = bar
          test "${{ steps.o.outputs.given }}" = bar/bar/bar
          test "${{ steps.o.outputs.ran }}" = here-here
          test "${{ steps.o.outputs.outside }}" = "[]"
"""
    files = {".github/actions/outer/action.yml": OUTER, ".github/actions/act/action.yml": ACT}
    report, log = run_job(tmp_path, monkeypatch, files, steps)
    assert report.result == "success", log.events
    assert [(s.name, s.outcome) for s in report.steps][1:] == [
        ("Run ./.github/actions/outer", "success"),
        ('Run test "${{ steps.o.outputs.got }}" = bar', "success"),
    ]


def test_an_inner_steps_env_is_layered_over_the_action_steps_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GitHub's CompositeActionHandler: the job's exported variables, then the composite
    # step's env context (which wins over a variable an inner step exports), then the
    # inner step's own env.
    composite = action(
        """\
    - shell: bash
      run: |
        echo "KEPT=exported" >> "$GITHUB_ENV"
        echo "NEW=exported" >> "$GITHUB_ENV"
    - id: see
      shell: bash
      env:
        MINE: own
      run: |
        echo "env=${{ env.KEPT }},${{ env.NEW }},${{ env.MINE }}" >> "$GITHUB_OUTPUT"
        echo "process=$KEPT,$NEW,$MINE" >> "$GITHUB_OUTPUT"
""",
        outputs="""\
outputs:
  env:
    description: d
    value: ${{ steps.see.outputs.env }}
  process:
    description: d
    value: ${{ steps.see.outputs.process }}
""",
    )
    steps = """\
      - id: c
        uses: ./.github/actions/c
        env:
          KEPT: step
      - run: |
          test "${{ steps.c.outputs.env }}" = step,exported,own
          test "${{ steps.c.outputs.process }}" = step,exported,own
          test "$KEPT" = exported
"""
    report, log = run_job(tmp_path, monkeypatch, {".github/actions/c/action.yml": composite}, steps)
    assert report.result == "success", log.events


# -- post steps of actions used by a composite action -------------------------------------

NODE = """\
name: b
description: d
inputs:
  tag:
    description: d
runs:
  using: node20
  main: main.js
  post: post.js
{post_if}"""
MAIN_JS = """\
const fs = require("fs");
console.log(`main ${process.env.INPUT_TAG}`);
fs.appendFileSync(process.env.GITHUB_STATE, `tag=${process.env.INPUT_TAG}\\n`);
"""
POST_JS = "console.log(`post ${process.env.INPUT_TAG} state=${process.env.STATE_tag}`);\n"


def node_action(folder: str, post_if: str = "") -> dict[str, str]:
    return {
        f"{folder}/action.yml": NODE.format(post_if=post_if),
        f"{folder}/main.js": MAIN_JS,
        f"{folder}/post.js": POST_JS,
    }


@needs_node
def test_post_steps_of_a_composite_actions_actions_run_in_its_one_post_step_last_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    uses_b = "    - uses: ./.github/actions/b\n      with:\n        tag: {}\n"
    files = {
        **node_action(".github/actions/b"),
        ".github/actions/a/action.yml": action(
            uses_b.format("one") + uses_b.format("two") + "    - uses: ./.github/actions/n\n"
        ),
        ".github/actions/n/action.yml": action(uses_b.format("three")),
    }
    steps = """\
      - uses: ./.github/actions/a
      - uses: ./.github/actions/b
        with:
          tag: four
"""
    report, log = run_job(tmp_path, monkeypatch, files, steps)
    assert report.result == "success", log.events
    assert [(s.number, s.post, s.name, s.outcome) for s in report.steps] == [
        (1, False, "Run actions/checkout@v4", "success"),
        (2, False, "Run ./.github/actions/a", "success"),
        (3, False, "Run ./.github/actions/b", "success"),
        (3, True, "Post b", "success"),
        (2, True, "Post a", "success"),
    ]
    assert _output(log.step("Run ./.github/actions/a")) == ["main one", "main two", "main three"]
    assert log.step("Post b") == ["Post job cleanup.", "post four state=four"]
    assert log.step("Post a") == [
        "Post job cleanup.",
        "post three state=three",
        "post two state=two",
        "post one state=one",
    ]


@needs_node
def test_inner_post_steps_keep_their_post_if_under_the_composite_actions_post_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        **node_action(".github/actions/b"),
        **node_action(".github/actions/s", "  post-if: success()\n"),
        ".github/actions/a/action.yml": action(
            "    - uses: ./.github/actions/b\n      with:\n        tag: always\n"
            "    - uses: ./.github/actions/s\n      with:\n        tag: on-success\n"
        ),
    }
    steps = """\
      - uses: ./.github/actions/a
      - run: exit 1
"""
    report, log = run_job(tmp_path, monkeypatch, files, steps)
    assert report.result == "failure"
    assert [(s.number, s.post, s.outcome) for s in report.steps][1:] == [
        (2, False, "success"),
        (3, False, "failure"),
        (2, True, "success"),
    ]
    assert log.step("Post a") == ["Post job cleanup.", "post always state=always"]


# -- the log of an inner run: step ---------------------------------------------------------


def test_a_failing_inner_run_step_logs_its_header_and_exit_code_like_a_jobs_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    composite = action(
        """\
    - shell: bash
      run: echo before
    - shell: bash
      env:
        WHO: inner
      run: |
        echo "hi $WHO"
        exit 3
    - shell: bash
      run: echo never
"""
    )
    steps = "      - uses: ./.github/actions/c\n"
    report, log = run_job(tmp_path, monkeypatch, {".github/actions/c/action.yml": composite}, steps)
    assert report.result == "failure"
    bash = f"shell: {BASH} --noprofile --norc -e -o pipefail {{0}}"
    assert log.step("Run ./.github/actions/c") == [
        "##[group]Run ./.github/actions/c",
        "##[endgroup]",
        "##[group]Run echo before",
        "echo before",
        bash,
        "##[endgroup]",
        "before",
        '##[group]Run echo "hi $WHO"',
        'echo "hi $WHO"',
        "exit 3",
        bash,
        "env:",
        "  WHO: inner",
        "##[endgroup]",
        "hi inner",
        "##[error]Process completed with exit code 3.",
    ]
    assert [(a.level, a.message) for a in report.annotations] == [
        (Severity.ERROR, "Process completed with exit code 3.")
    ]


def _output(lines: list[str]) -> list[str]:
    """A step's log without the ``##[group]Run …`` blocks that describe what runs."""
    out: list[str] = []
    inside = False
    for line in lines:
        if line.startswith("##[group]Run "):
            inside = True
        elif line == "##[endgroup]" and inside:
            inside = False
        elif not inside:
            out.append(line)
    return out


def test_an_action_of_an_unknown_runtime_fails_in_the_runners_words_naming_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {".github/actions/x/action.yml": "runs:\n  using: node99\n  main: m.js\n"}
    report, _log = run_job(tmp_path, monkeypatch, files, "      - uses: ./.github/actions/x\n")
    assert report.result == "failure"
    assert [a.message for a in report.annotations] == [
        ".github/actions/x/action.yml: 'using: node99' is not supported, use 'docker', "
        "'node12', 'node16', 'node20' or 'node24' instead."
    ]
