"""``parse_workflow``: reader then converter, GitHub's ReturnErrorsOnly policy."""

from __future__ import annotations

from shipyard.diagnostics import Severity
from shipyard.workflow.reader import file_identifier, parse_workflow
from shipyard.workflow.templates import TemplateLimits

PATH = ".github/workflows/ci.yml"


def errors(text: str, **options: object) -> list[str]:
    workflow = parse_workflow(text, PATH, **options)  # type: ignore[arg-type]
    return [d.render(with_hint=False) for d in workflow.diagnostics if d.severity is Severity.ERROR]


def test_valid_workflow() -> None:
    workflow = parse_workflow(
        "name: CI\n"
        "run-name: Deploy ${{ github.ref }}\n"
        "on:\n  push:\n    branches: [main]\n"
        "env:\n  A: b\n"
        "permissions: read-all\n"
        "concurrency: ci-${{ github.ref }}\n"
        "defaults:\n  run:\n    shell: bash\n"
        "jobs:\n"
        "  test:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - run: pytest\n"
        "        if: github.event_name == 'push'\n",
        PATH,
    )
    assert workflow.diagnostics == ()
    assert (workflow.path, workflow.name, workflow.display_name) == (PATH, "CI", "CI")
    assert str(workflow.run_name) == "${{ format('Deploy {0}', github.ref) }}"
    assert [e.name for e in workflow.events] == ["push"]
    assert workflow.events[0].branches == ("main",)
    (job,) = workflow.jobs
    assert [s.id for s in job.steps] == ["__actions_checkout", "__run"]
    assert job.steps[1].if_.expression == "success() && (github.event_name == 'push')"
    assert job.span is not None and (job.span.line, job.span.column) == (14, 3)
    assert all(x is not None for x in (workflow.env, workflow.permissions, workflow.defaults))
    assert str(workflow.concurrency) == "${{ format('ci-{0}', github.ref) }}"


def test_reader_errors_skip_conversion() -> None:
    text = (
        "on: push\n"
        "jobs:\n"
        "  build:\n"
        "    runs-on: linux\n"
        "    timeout: 5\n"  # a schema error
        "    needs: unknown\n"  # would be a converter error
        "    steps:\n"
        "      - run: echo\n"
    )
    workflow = parse_workflow(text, PATH)
    assert workflow.jobs == () and workflow.events == ()
    assert [d.render() for d in workflow.diagnostics] == [
        f"{PATH} (Line: 5, Col: 5): Unexpected value 'timeout'"
    ]


def test_converter_errors_follow_the_reader() -> None:
    text = (
        "on: push\n"
        "jobs:\n"
        "  build:\n"
        "    runs-on: linux\n"
        "    needs: [lint, test]\n"
        "    steps:\n"
        "      - id: a\n        run: echo\n"
        "      - id: A\n        run: echo\n"
    )
    assert errors(text) == [
        f"{PATH} (Line: 9, Col: 13): The identifier 'A' may not be used more than once within "
        "the same scope.",
        f"{PATH} (Line: 3, Col: 3): The workflow must contain at least one job with no "
        "dependencies.",
    ]


def test_warnings_do_not_stop_conversion() -> None:
    workflow = parse_workflow(
        "on: push\njobs:\n  a:\n    runs-on: x\n    timeout-minutes: 1.5\n    steps:\n"
        "      - run: echo\n",
        PATH,
    )
    assert [d.severity for d in workflow.diagnostics] == [Severity.WARNING]
    assert workflow.diagnostics[0].render(with_hint=False) == (
        f"warning: {PATH} (Line: 5, Col: 22): 'timeout-minutes' is 1.5: GitHub truncates it "
        "to 1 minutes, Shipyard honours the fraction"
    )
    assert [j.id for j in workflow.jobs] == ["a"]


def test_yaml_error_gives_an_empty_workflow() -> None:
    workflow = parse_workflow("on: [push\n", PATH)
    assert workflow.jobs == () and workflow.name is None
    assert [d.severity for d in workflow.diagnostics] == [Severity.ERROR]


def test_reader_limits_are_passed() -> None:
    text = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo\n"
    assert errors(text, limits=TemplateLimits(max_file_size=10)) == [
        f"{PATH}: The maximum file size of 10 characters has been exceeded"
    ]
    assert errors(text, limits=TemplateLimits(max_depth=3)) == [
        f"{PATH}: Maximum object depth exceeded"
    ]


def test_background_steps_need_the_flag() -> None:
    text = (
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n"
        "      - id: server\n        run: serve\n        background: true\n"
        "      - wait: server\n"
        "      - wait: [nothing]\n"
        "      - cancel: server\n"
        "      - wait-all: false\n"
    )
    assert errors(text)  # rejected by the reader without the flag
    workflow = parse_workflow(text, PATH, allow_background_steps=True)
    steps = workflow.jobs[0].steps
    assert [(s.id, str(s.name) if s.is_control else None) for s in steps] == [
        ("server", None),
        ("__wait", "Wait"),
        ("__wait_2", "Wait"),
        ("__cancel", "Cancel"),
        ("__wait-all", "Wait for all"),
    ]
    assert steps[0].background and steps[1].wait == ("server",) and steps[3].cancel == "server"
    assert [
        d.render(with_hint=False) for d in workflow.diagnostics if d.severity is Severity.ERROR
    ] == [
        f"{PATH} (Line: 10, Col: 16): Step references unknown step ID 'nothing'",
        f"{PATH} (Line: 12, Col: 19): The value of 'wait-all' must be true or omitted",
    ]


def test_file_identifiers() -> None:
    assert file_identifier("./.github/workflows/a.yml") == "./.github/workflows/a.yml"
    assert file_identifier("$/.github/workflows/a.yml") == "./.github/workflows/a.yml"
    assert file_identifier("o/r/.github/workflows/a.yml@v1") == "o/r/.github/workflows/a.yml@v1"
    assert file_identifier("o//r/x.yml@main@x") == "o/r/x.yml@main"
    assert file_identifier("o/x.yml") is None
    assert file_identifier("o@v1") is None
