"""Reusable workflow calls: fetching, checks of ``with``/``secrets``, nesting, limits."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from shipyard.diagnostics import Severity
from shipyard.workflow.model import Workflow
from shipyard.workflow.reader import parse_workflow
from shipyard.workflow.templates import TemplateLimits

PATH = ".github/workflows/ci.yml"
REF = "octo/deploy/.github/workflows/deploy.yml@v1"
CALLED = (
    "on:\n"
    "  workflow_call:\n"
    "    inputs:\n"
    "      env:\n        type: string\n        required: true\n"
    "      dry-run:\n        type: boolean\n"
    "      count:\n        type: number\n"
    "    secrets:\n"
    "      token:\n        required: true\n"
    "      optional:\n"
    "    outputs:\n"
    "      url:\n        value: ${{ jobs.deploy.outputs.url }}\n"
    "jobs:\n"
    "  deploy:\n    runs-on: linux\n    steps:\n      - run: echo\n"
)


def caller(job: str) -> str:
    return f"on: push\njobs:\n  call:\n    uses: {REF}\n{job}"


def parse(text: str, files: Mapping[str, str], **options: object) -> Workflow:
    def fetch(name: str) -> str | None:
        if name.startswith("remote/"):
            return None
        return files[name]

    return parse_workflow(text, PATH, fetch=fetch, **options)  # type: ignore[arg-type]


def errors(workflow: Workflow) -> list[str]:
    return [d.render(with_hint=False) for d in workflow.diagnostics if d.severity is Severity.ERROR]


def test_valid_call_attaches_the_called_workflow() -> None:
    workflow = parse(
        caller(
            "    with:\n      env: prod\n      dry-run: ${{ inputs.dry }}\n      count: 3\n"
            "    secrets:\n      token: ${{ secrets.T }}\n"
        ),
        {REF: CALLED},
    )
    assert errors(workflow) == []
    (job,) = workflow.jobs
    assert job.called is not None
    assert job.called.path == REF
    assert [j.id for j in job.called.jobs] == ["deploy"]
    call = job.called.event("workflow_call")
    assert call is not None
    assert [i.name for i in call.inputs] == ["env", "dry-run", "count"]
    assert [o.name for o in call.outputs] == ["url"]


def test_call_problems() -> None:
    workflow = parse(
        caller(
            "    with:\n      ENV: prod\n      dry-run: 'no'\n      count: three\n      extra: 1\n"
            "    secrets:\n      other: x\n"
        ),
        {REF: CALLED},
    )
    assert errors(workflow) == [
        f"{PATH} (Line: 7, Col: 16): Unexpected value 'no'",
        f"{PATH} (Line: 8, Col: 14): Unexpected value 'three'",
        f"{PATH} (Line: 9, Col: 14): Invalid input, extra is not defined in the referenced "
        "workflow.",
        f"{PATH} (Line: 4, Col: 11): Secret token is required, but not provided while calling.",
        f"{PATH} (Line: 11, Col: 14): Invalid secret, other is not defined in the referenced "
        "workflow.",
    ]
    hints = [d.hint for d in workflow.diagnostics]
    assert hints[2] == "the called workflow declares: env, dry-run, count"
    assert hints[4] == "the called workflow declares: token, optional"


def test_required_input_and_inherited_secrets() -> None:
    workflow = parse(caller("    secrets: inherit\n"), {REF: CALLED})
    assert errors(workflow) == [
        f"{PATH} (Line: 4, Col: 11): Input env is required, but not provided while calling."
    ]


def test_called_file_without_workflow_call() -> None:
    workflow = parse(
        caller(""), {REF: "on: push\njobs:\n  a:\n    runs-on: x\n    steps: [{run: a}]\n"}
    )
    assert errors(workflow) == [
        f"{PATH} (Line: 4, Col: 11): workflow_call key is not defined in the referenced workflow."
    ]


@pytest.mark.parametrize("on", ["workflow_call", "[push, workflow_call]", "\n  workflow_call:\n"])
def test_workflow_call_without_definitions(on: str) -> None:
    called = f"on: {on}\njobs:\n  a:\n    runs-on: x\n    steps: [{{run: a}}]\n"
    workflow = parse(caller("    with:\n      x: 1\n"), {REF: called})
    assert errors(workflow) == [
        f"{PATH} (Line: 6, Col: 10): Invalid input, x is not defined in the referenced workflow."
    ]


def test_missing_remote_and_malformed_references() -> None:
    text = (
        "on: push\njobs:\n"
        f"  a:\n    uses: {REF}\n"
        "  b:\n    uses: remote/r/.github/workflows/x.yml@v1\n"
        "  c:\n    uses: ./.github/workflows/missing.yml\n"
    )
    workflow = parse(text, {})
    assert errors(workflow) == [
        f"{PATH} (Line: 4, Col: 11): Unable to find reusable workflow",
        f"{PATH} (Line: 8, Col: 11): Unable to find reusable workflow",
    ]
    assert all(job.called is None for job in workflow.jobs)


def test_errors_in_the_called_file_name_it() -> None:
    called = CALLED.replace("runs-on: linux", "runs-on: linux\n    timeout: 5")
    workflow = parse(caller("    with:\n      env: prod\n    secrets: inherit\n"), {REF: called})
    assert errors(workflow) == [f"{REF} (Line: 21, Col: 5): Unexpected value 'timeout'"]


def test_nesting_depth() -> None:
    def level(n: int) -> str:
        return f"on: workflow_call\njobs:\n  l{n}:\n    uses: ./.github/workflows/l{n + 1}.yml\n"

    files = {f"./.github/workflows/l{n}.yml": level(n) for n in range(1, 5)}
    text = "on: push\njobs:\n  l0:\n    uses: ./.github/workflows/l1.yml\n"
    workflow = parse(text, files, max_nesting=2)
    assert errors(workflow) == ["Nested reusable workflow depth exceeded 2."]
    (problem,) = workflow.diagnostics
    assert problem.hint == (
        "./.github/workflows/l2.yml (Line: 4, Col: 11) calls ./.github/workflows/l3.yml at "
        "depth 3: a workflow that calls itself, directly or through others, never ends"
    )
    called = workflow.jobs[0].called
    assert called is not None and called.jobs[0].called is not None
    assert called.jobs[0].called.jobs[0].called is None


def test_max_jobs_counts_called_jobs() -> None:
    called = CALLED.replace("jobs:\n", "jobs:\n  more:\n    runs-on: x\n    steps: [{run: a}]\n")
    text = caller("    with:\n      env: prod\n    secrets: inherit\n")
    assert errors(parse(text, {REF: called}, max_jobs=3)) == []
    assert errors(parse(text, {REF: called}, max_jobs=2)) == [
        "The workflow may not contain more than 2 jobs"
    ]


def test_called_file_size_error_is_told_from_the_call() -> None:
    text = caller("    with:\n      env: prod\n    secrets: inherit\n")
    workflow = parse(text, {REF: CALLED}, limits=TemplateLimits(max_result_size=3000))
    assert errors(workflow) == [
        f"In {PATH} (Line: 4, Col: 11): Error from called workflow {REF}: Maximum object "
        "size exceeded"
    ]


def _call(caller_permissions: str, job_permissions: str, called: str) -> list[str]:
    text = (
        f"on: push\n{caller_permissions}jobs:\n  call:\n{job_permissions}"
        "    uses: ./.github/workflows/called.yml\n"
    )
    workflow = parse(
        text, {"./.github/workflows/called.yml": called}, default_permissions="restricted"
    )
    return errors(workflow)


CALLED_JOB = (
    "  deploy:\n    name: Deploy\n"
    "    permissions:\n      contents: write\n      issues: read\n"
    "    runs-on: x\n    steps: [{run: a}]\n"
)


def test_called_job_may_not_raise_permissions() -> None:
    called = "on: workflow_call\njobs:\n" + CALLED_JOB
    assert _call("", "", called) == [
        f"{PATH} (Line: 3, Col: 3): Error calling workflow './.github/workflows/called.yml'. "
        "The nested job 'Deploy' is requesting 'contents: write, issues: read', but is only "
        "allowed 'contents: read, issues: none'."
    ]
    assert _call("permissions: write-all\n", "", called) == []
    assert _call("permissions: write-all\n", "    permissions: {contents: write}\n", called) == [
        f"{PATH} (Line: 4, Col: 3): Error calling workflow './.github/workflows/called.yml'. "
        "The nested job 'Deploy' is requesting 'issues: read', but is only allowed "
        "'issues: none'."
    ]


def test_called_workflow_may_not_raise_permissions() -> None:
    called = (
        "on: workflow_call\npermissions: read-all\n"
        "jobs:\n  a:\n    runs-on: x\n    steps: [{run: a}]\n"
    )
    (error,) = _call("permissions:\n  contents: read\n", "", called)
    assert error.startswith(
        f"{PATH} (Line: 5, Col: 3): Error calling workflow './.github/workflows/called.yml'. "
        "The workflow './.github/workflows/called.yml' is requesting 'actions: read, checks: read"
    )
    permissive = parse(
        "on: push\njobs:\n  call:\n    uses: ./.github/workflows/called.yml\n",
        {"./.github/workflows/called.yml": called.replace("read-all", "{contents: write}")},
    )
    assert permissive.diagnostics == ()  # the permissive default allows it


def test_errors_are_capped_like_github() -> None:
    steps = "".join(f"      - id: s\n        run: echo {i}\n" for i in range(12))
    text = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n" + steps
    assert len(errors(parse_workflow(text, PATH))) == 10
    long_id = "x" * 600
    (message,) = errors(
        parse_workflow(text.replace("id: s", f"id: {long_id}", 1).replace("id: s\n", "", 11), PATH)
    )
    assert len(message) == 505 and message.endswith("[...]")
