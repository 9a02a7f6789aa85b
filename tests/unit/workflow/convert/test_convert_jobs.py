"""``jobs:``: job ids, fields GitHub checks, and the ``needs`` graph."""

from __future__ import annotations

from collections.abc import Callable

from shipyard.diagnostics import Diagnostic, Severity
from shipyard.workflow.convert import convert_workflow
from shipyard.workflow.model import Workflow
from shipyard.workflow.tokens import BasicExpressionToken, MappingToken, Token

PATH = ".github/workflows/test.yml"


def convert(tokens: Callable[..., Token], jobs: str) -> Workflow:
    return convert_workflow(tokens("on: push\njobs:\n" + jobs), PATH)


def errors(workflow: Workflow) -> list[str]:
    return [d.render(with_hint=False) for d in workflow.diagnostics if d.severity is Severity.ERROR]


def only(workflow: Workflow) -> Diagnostic:
    (diagnostic,) = workflow.diagnostics
    return diagnostic


def job(name: str, extra: str = "", needs: str = "") -> str:
    text = f"  {name}:\n    runs-on: linux\n"
    if needs:
        text += f"    needs: {needs}\n"
    return text + extra + "    steps:\n      - run: echo\n"


def test_job_basics(tokens: Callable[..., Token]) -> None:
    workflow = convert(
        tokens,
        job("build", "    name: Build it\n    timeout-minutes: 10\n") + job("test", needs="build"),
    )
    build, test = workflow.jobs
    assert (build.id, build.display_name, build.needs, build.if_.expression) == (
        "build",
        "Build it",
        (),
        "success()",
    )
    assert str(build.timeout_minutes) == "10"
    assert (test.id, test.name, test.needs, test.display_name) == ("test", None, ("build",), "test")
    assert errors(workflow) == []


def test_job_if_is_wrapped(tokens: Callable[..., Token]) -> None:
    workflow = convert(tokens, job("a", "    if: github.event_name == 'push'\n"))
    condition = workflow.jobs[0].if_
    assert isinstance(condition, BasicExpressionToken)
    assert condition.expression == "success() && (github.event_name == 'push')"
    assert condition.span is not None and condition.span.line == 5


def test_invalid_job_if_keeps_the_job_with_default(tokens: Callable[..., Token]) -> None:
    workflow = convert(tokens, job("a", "    if: matrix.os == 'x'\n"))
    assert workflow.jobs[0].if_.expression == "success()"
    diagnostic = only(workflow)
    assert diagnostic.render(with_hint=False) == (
        f"{PATH} (Line: 5, Col: 9): Unrecognized named-value: 'matrix'. "
        "Located at position 1 within expression: matrix.os == 'x'"
    )
    assert diagnostic.hint is not None and "needs" in diagnostic.hint


def test_invalid_job_ids(tokens: Callable[..., Token]) -> None:
    workflow = convert(tokens, job("my.job") + job("__a"))
    assert errors(workflow) == [
        f"{PATH} (Line: 3, Col: 3): The identifier 'my.job' is invalid. IDs may only contain "
        "alphanumeric characters, '_', and '-'. IDs must start with a letter or '_' and and "
        "must be less than 100 characters.",
        f"{PATH} (Line: 7, Col: 3): The identifier '__a' is invalid. IDs starting with '__' "
        "are reserved.",
    ]
    assert workflow.diagnostics[0].hint == "for example 'my_job'"
    assert [j.id for j in workflow.jobs] == ["my.job", "__a"]


def test_unknown_needs_messages_and_hints(tokens: Callable[..., Token]) -> None:
    workflow = convert(tokens, job("build") + job("test", needs="\n      - buidl\n      - lint\n"))
    assert errors(workflow) == [
        f"{PATH} (Line: 10, Col: 9): Job 'test' depends on unknown job 'buidl'.",
        f"{PATH} (Line: 11, Col: 9): Job 'test' depends on unknown job 'lint'.",
    ]
    assert [d.hint for d in workflow.diagnostics] == [
        "did you mean 'build'? (jobs: build, test)",
        "the jobs are: build, test",
    ]


def test_cycle(tokens: Callable[..., Token]) -> None:
    workflow = convert(
        tokens, job("one") + job("two", needs="[one, three]") + job("three", needs="two")
    )
    assert errors(workflow) == [
        f"{PATH} (Line: 9, Col: 18): Job 'two' depends on job 'three' which creates a cycle "
        "in the dependency graph.",
        f"{PATH} (Line: 14, Col: 12): Job 'three' depends on job 'two' which creates a cycle "
        "in the dependency graph.",
    ]
    assert [d.hint for d in workflow.diagnostics] == [
        "the cycle is two -> three -> two",
        "the cycle is three -> two -> three",
    ]


def test_no_job_without_needs(tokens: Callable[..., Token]) -> None:
    workflow = convert(tokens, job("a", needs="b") + job("b", needs="a"))
    assert errors(workflow) == [
        f"{PATH} (Line: 3, Col: 3): The workflow must contain at least one job with no "
        "dependencies."
    ]


def test_empty_jobs(tokens: Callable[..., Token]) -> None:
    workflow = convert_workflow(tokens("on: push\njobs: {}\n"), PATH)
    assert errors(workflow) == [
        f"{PATH} (Line: 2, Col: 7): The workflow must contain at least one job with no "
        "dependencies."
    ]


def test_runs_on_groups(tokens: Callable[..., Token]) -> None:
    def runs_on(group: str) -> str:
        return f"    runs-on:\n      group: {group}\n      labels: [x]\n"

    workflow = convert(
        tokens,
        "  a:\n" + runs_on("ent/org/g") + "    steps: [{run: echo}]\n"
        "  b:\n" + runs_on("asdf/g") + "    steps: [{run: echo}]\n"
        "  c:\n" + runs_on("ent/") + "    steps: [{run: echo}]\n"
        "  d:\n" + runs_on("organization/g") + "    steps: [{run: echo}]\n"
        "  e:\n" + runs_on("plain") + "    steps: [{run: echo}]\n",
    )
    assert errors(workflow) == [
        f"{PATH} (Line: 5, Col: 14): Invalid runs-on group name 'ent/org/g'. Please use "
        "'organization/' or 'enterprise/' prefix to target a single runner group.",
        f"{PATH} (Line: 10, Col: 14): Invalid runs-on group name 'asdf/g'. Please use "
        "'organization/' or 'enterprise/' prefix to target a single runner group.",
        f"{PATH} (Line: 15, Col: 14): Invalid runs-on group name 'ent/'.",
    ]
    assert len(workflow.jobs) == 5


def test_concurrency_checks(tokens: Callable[..., Token]) -> None:
    workflow = convert(
        tokens,
        job("a", "    concurrency:\n      group: g\n      cancel-in-progress: 'yes'\n")
        + job("b", "    concurrency:\n      group: g\n      queue-size: 1\n")
        + job("c", "    concurrency: ${{ github.ref }}\n"),
    )
    assert errors(workflow) == [
        f"{PATH} (Line: 7, Col: 27): Unexpected type 'StringToken' encountered while reading "
        "'cancel-in-progress'. The type 'BooleanToken' was expected.",
        f"{PATH} (Line: 14, Col: 7): Invalid property name: queue-size",
    ]
    assert [j.id for j in workflow.jobs] == ["a", "b", "c"]
    assert isinstance(workflow.jobs[0].concurrency, MappingToken)


def test_container_and_services(tokens: Callable[..., Token]) -> None:
    workflow = convert(
        tokens,
        job("a", "    container:\n      options: --cpus 1\n")
        + job("b", "    services:\n      db:\n        options: x\n")
        + job("c", "    container:\n      image: x\n      credentials:\n        token: t\n")
        + job("d", "    container: ${{ matrix.image }}\n")
        + job("e", "    container:\n      image: ${{ matrix.image }}\n      bad: 1\n"),
    )
    assert errors(workflow) == [
        f"{PATH} (Line: 6, Col: 7): Container image cannot be empty",
        f"{PATH} (Line: 13, Col: 9): Container image cannot be empty",
        f"{PATH} (Line: 21, Col: 9): credentials key token",
    ]


def test_matrix_empty_vector(tokens: Callable[..., Token]) -> None:
    workflow = convert(
        tokens,
        job(
            "a",
            "    strategy:\n      matrix:\n        os: []\n        v: [1]\n        include: []\n",
        ),
    )
    assert errors(workflow) == [
        f"{PATH} (Line: 7, Col: 13): Matrix vector 'os' does not contain any values"
    ]
    assert isinstance(workflow.jobs[0].strategy, MappingToken)


def test_fractional_timeouts_warn(tokens: Callable[..., Token]) -> None:
    workflow = convert(
        tokens,
        job("a", "    timeout-minutes: 2.5\n    cancel-timeout-minutes: 3\n").replace(
            "- run: echo", "- run: echo\n        timeout-minutes: 0.5"
        ),
    )
    assert errors(workflow) == []
    assert [(d.severity, d.message, d.line) for d in workflow.diagnostics] == [
        (
            Severity.WARNING,
            "'timeout-minutes' is 2.5: GitHub truncates it to 2 minutes, Shipyard honours "
            "the fraction",
            5,
        ),
        (
            Severity.WARNING,
            "'timeout-minutes' is 0.5: GitHub truncates it to 0 minutes, Shipyard honours "
            "the fraction",
            9,
        ),
    ]


def test_job_env_may_be_an_expression(tokens: Callable[..., Token]) -> None:
    workflow = convert(tokens, job("a", "    env: ${{ fromJSON(inputs.env) }}\n"))
    assert errors(workflow) == []
    assert str(workflow.jobs[0].env) == "${{ fromJSON(inputs.env) }}"


def test_wrong_types_drop_the_field_or_the_job(tokens: Callable[..., Token]) -> None:
    workflow = convert(
        tokens,
        job("a", "    env: [x]\n") + job("b", "    name: [x]\n") + job("c", "    outputs: x\n"),
    )
    assert errors(workflow) == [
        f"{PATH} (Line: 5, Col: 10): Unexpected type 'SequenceToken' encountered while reading "
        "'job env'. The type 'MappingToken' was expected.",
        f"{PATH} (Line: 10, Col: 11): Unexpected type 'SequenceToken' encountered while "
        "reading 'job name'. The type 'ScalarToken' was expected.",
        f"{PATH} (Line: 15, Col: 14): Unexpected type 'StringToken' encountered while reading "
        "'job outputs'. The type 'MappingToken' was expected.",
    ]
    assert [(j.id, j.env, j.outputs) for j in workflow.jobs] == [
        ("a", None, None),
        ("c", None, None),
    ]


def test_reusable_workflow_job(tokens: Callable[..., Token]) -> None:
    workflow = convert(
        tokens,
        job("build") + "  deploy:\n"
        "    needs: build\n"
        "    if: github.ref == 'refs/heads/main'\n"
        "    uses: octo/repo/.github/workflows/deploy.yml@v1\n"
        "    with:\n      env: prod\n"
        "    secrets: inherit\n"
        "  notify:\n"
        "    uses: ./.github/workflows/notify.yml\n"
        "    secrets:\n      token: ${{ secrets.T }}\n",
    )
    _, deploy, notify = workflow.jobs
    assert deploy.is_reusable_call and deploy.uses == "octo/repo/.github/workflows/deploy.yml@v1"
    assert deploy.needs == ("build",) and deploy.secrets_inherit
    assert deploy.if_.expression == "success() && (github.ref == 'refs/heads/main')"
    assert isinstance(deploy.with_, MappingToken) and deploy.steps == ()
    assert deploy.uses_span is not None and deploy.uses_span.line == 10
    assert isinstance(notify.secrets, MappingToken) and not notify.secrets_inherit
    assert errors(workflow) == []
