"""``on:``: events, filters, schedules, and the inputs of dispatch and call."""

from __future__ import annotations

from collections.abc import Callable

from shipyard.diagnostics import Severity
from shipyard.workflow.convert import convert_workflow
from shipyard.workflow.model import InputDefinition, Workflow
from shipyard.workflow.tokens import Token

JOBS = "jobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo\n"


def convert(tokens: Callable[..., Token], on: str) -> Workflow:
    return convert_workflow(tokens(on + "\n" + JOBS), ".github/workflows/test.yml")


def errors(workflow: Workflow) -> list[str]:
    return [d.render(with_hint=False) for d in workflow.diagnostics if d.severity is Severity.ERROR]


def warnings(workflow: Workflow) -> list[str]:
    return [d.message for d in workflow.diagnostics if d.severity is Severity.WARNING]


def test_single_event(tokens: Callable[..., Token]) -> None:
    workflow = convert(tokens, "on: push")
    assert [e.name for e in workflow.events] == ["push"]
    assert workflow.events[0].branches is None
    assert errors(workflow) == []


def test_sequence_of_events_keeps_first_place_of_repeats(tokens: Callable[..., Token]) -> None:
    workflow = convert(tokens, "on: [push, pull_request, push]")
    assert [e.name for e in workflow.events] == ["push", "pull_request"]


def test_filters_keep_order_and_accept_one_string(tokens: Callable[..., Token]) -> None:
    workflow = convert(
        tokens,
        "on:\n"
        "  push:\n"
        "    branches: [main, 'releases/**', '!releases/old']\n"
        "    tags: v*\n"
        "    paths-ignore: [docs/**]\n"
        "  pull_request:\n"
        "    types: opened\n"
        "    branches-ignore: [wip]\n"
        "  workflow_run:\n"
        "    workflows: ci\n"
        "    types: [completed]\n"
        "  image_version:\n"
        "    names: testing\n"
        "    versions: [1.*]\n"
        "  create:\n",
    )
    push, pr, run, image, create = workflow.events
    assert push.branches == ("main", "releases/**", "!releases/old")
    assert push.tags == ("v*",)
    assert push.paths_ignore == ("docs/**",)
    assert push.paths is None and push.tags_ignore is None
    assert pr.types == ("opened",) and pr.branches_ignore == ("wip",)
    assert run.workflows == ("ci",) and run.types == ("completed",)
    assert image.names == ("testing",) and image.versions == ("1.*",)
    assert create.name == "create" and create.types is None
    assert errors(workflow) == []


def test_filter_with_no_value_is_absent_with_a_warning(tokens: Callable[..., Token]) -> None:
    workflow = convert(tokens, "on:\n  push:\n    branches: [main]\n    tags:\n")
    assert workflow.events[0].tags is None
    assert workflow.events[0].branches == ("main",)
    assert errors(workflow) == []
    assert warnings(workflow) == ["'tags' has no value: Shipyard reads it as if it were absent"]


def test_filter_of_wrong_type(tokens: Callable[..., Token]) -> None:
    workflow = convert(tokens, "on:\n  push:\n    branches: {a: b}\n")
    assert errors(workflow) == [
        ".github/workflows/test.yml (Line: 3, Col: 15): Unexpected type 'MappingToken' "
        "encountered while reading 'branches list'. The type 'SequenceToken' was expected."
    ]
    assert workflow.events == ()
    assert [j.id for j in workflow.jobs] == ["a"]


def test_a_filter_and_its_ignore_together_warn_that_githubs_server_refuses_them(
    tokens: Callable[..., Token],
) -> None:
    # an error on GitHub's server; a warning here, since its TypeScript parser (and the
    # conformance vectors made with it) accept the file
    workflow = convert(
        tokens,
        "on:\n"
        "  push:\n"
        "    branches: [main]\n"
        "    branches-ignore: [dev]\n"
        "    paths-ignore: [docs/**]\n"
        "    paths: [src/**]\n"
        "  pull_request:\n"
        "    tags: [v1]\n"
        "    tags-ignore: [v2]\n",
    )
    assert errors(workflow) == []
    refused = "for a single event: GitHub refuses this workflow file"
    assert warnings(workflow) == [
        f"you may only define one of `branches` and `branches-ignore` {refused}",
        f"you may only define one of `paths` and `paths-ignore` {refused}",
        f"you may only define one of `tags` and `tags-ignore` {refused}",
    ]


def test_invalid_on(tokens: Callable[..., Token]) -> None:
    workflow = convert(tokens, "on: 5")
    assert errors(workflow) == [
        ".github/workflows/test.yml (Line: 1, Col: 5): Unexpected type 'NumberToken' "
        "encountered while reading 'on'. The type 'StringToken' was expected."
    ]


def test_schedules(tokens: Callable[..., Token]) -> None:
    workflow = convert(
        tokens,
        "on:\n"
        "  schedule:\n"
        "    - cron: '0 4 * * 1'\n"
        "      timezone: Europe/Paris\n"
        "    - cron: '61 * * * *'\n"
        "    - timezone: UTC\n"
        "    - cron: '* * * * *'\n"
        "      when: now\n"
        "    - cron: '*/2 * * * *'\n",
    )
    (schedule,) = workflow.events
    assert [(s.cron, s.timezone) for s in schedule.schedules] == [
        ("0 4 * * 1", "Europe/Paris"),
        ("61 * * * *", None),
        ("*/2 * * * *", None),
    ]
    path = ".github/workflows/test.yml"
    assert errors(workflow) == [
        f"{path} (Line: 5, Col: 13): Invalid cron expression. Expected format: "
        "'* * * * *' (minute hour day month weekday)",
        f"{path} (Line: 6, Col: 7): Missing required key 'cron' in schedule entry",
        f"{path} (Line: 8, Col: 7): Invalid schedule key",
    ]
    assert warnings(workflow) == [
        f"The schedule '{cron}' asks for runs less than 5 minutes apart; GitHub runs "
        "scheduled workflows at most once every 5 minutes"
        for cron in ("* * * * *", "*/2 * * * *")
    ]


def test_workflow_dispatch_inputs(tokens: Callable[..., Token]) -> None:
    workflow = convert(
        tokens,
        "on:\n"
        "  workflow_dispatch:\n"
        "    inputs:\n"
        "      level:\n"
        "        description: Log level\n"
        "        required: true\n"
        "        default: warning\n"
        "        type: choice\n"
        "        options: [info, warning]\n"
        "      dry-run:\n"
        "        type: boolean\n"
        "        default: false\n"
        "      count:\n"
        "        type: number\n"
        "        default: 3\n"
        "      plain:\n"
        "    unknown-key: ignored\n",
    )
    (dispatch,) = workflow.events
    assert [(i.name, i.type, i.default, i.required) for i in dispatch.inputs] == [
        ("level", "choice", "warning", True),
        ("dry-run", "boolean", False, False),
        ("count", "number", 3.0, False),
        ("plain", "string", None, False),
    ]
    assert dispatch.inputs[0].options == ("info", "warning")
    assert dispatch.inputs[0].description == "Log level"
    assert errors(workflow) == []


def test_workflow_dispatch_input_errors(tokens: Callable[..., Token]) -> None:
    workflow = convert(
        tokens,
        "on:\n"
        "  workflow_dispatch:\n"
        "    inputs:\n"
        "      a:\n"
        "        type: choice\n"
        "      b:\n"
        "        options: [x]\n"
        "      c:\n"
        "        type: boolean\n"
        "        default: 'yes'\n"
        "      d:\n"
        "        deprecated: true\n",
    )
    path = ".github/workflows/test.yml"
    assert errors(workflow) == [
        f"{path} (Line: 5, Col: 9): Missing 'options' for choice input",
        f"{path} (Line: 7, Col: 9): Input type is not 'choice', but 'options' is defined",
        f"{path} (Line: 10, Col: 18): Unexpected type 'StringToken' encountered while reading "
        "'input default'. The type 'BooleanToken' was expected.",
        f"{path} (Line: 12, Col: 9): Invalid key 'deprecated'",
    ]


def test_workflow_dispatch_inputs_null(tokens: Callable[..., Token]) -> None:
    workflow = convert(tokens, "on:\n  workflow_dispatch:\n    inputs:\n")
    assert workflow.events[0].inputs == ()
    assert errors(workflow) == []


def test_workflow_call(tokens: Callable[..., Token]) -> None:
    workflow = convert(
        tokens,
        "on:\n"
        "  workflow_call:\n"
        "    inputs:\n"
        "      foo:\n"
        "        type: string\n"
        "        required: true\n"
        "        default: ${{ github.ref }}\n"
        "    secrets:\n"
        "      token:\n"
        "        required: true\n"
        "      other:\n"
        "    outputs:\n"
        "      version:\n"
        "        description: The version\n"
        "        value: ${{ jobs.a.outputs.version }}\n",
    )
    (call,) = workflow.events
    (foo,) = call.inputs
    assert isinstance(foo, InputDefinition)
    assert (foo.name, foo.type, foo.required, str(foo.default)) == (
        "foo",
        "string",
        True,
        "${{ github.ref }}",
    )
    assert [(s.name, s.required) for s in call.secrets] == [("token", True), ("other", False)]
    (output,) = call.outputs
    assert (output.name, output.description, str(output.value)) == (
        "version",
        "The version",
        "${{ jobs.a.outputs.version }}",
    )
    assert errors(workflow) == []
