"""``steps:``: fields, ``if``, user and generated ids, and ``uses`` syntax."""

from __future__ import annotations

from collections.abc import Callable

from shipyard.diagnostics import Severity
from shipyard.workflow.convert import convert_workflow
from shipyard.workflow.model import Step, Workflow
from shipyard.workflow.tokens import MappingToken, Token

PATH = ".github/workflows/test.yml"
HEAD = "on: push\njobs:\n  build:\n    runs-on: linux\n    steps:\n"  # steps from line 6


def convert(tokens: Callable[..., Token], steps: str) -> Workflow:
    return convert_workflow(tokens(HEAD + steps), PATH)


def steps_of(workflow: Workflow) -> tuple[Step, ...]:
    return workflow.jobs[0].steps


def errors(workflow: Workflow) -> list[str]:
    return [d.render(with_hint=False) for d in workflow.diagnostics if d.severity is Severity.ERROR]


def test_generated_ids(tokens: Callable[..., Token]) -> None:
    workflow = convert(
        tokens,
        "      - uses: actions/checkout@v4\n"
        "      - uses: Actions/Capitalized@v2\n"
        "      - uses: docker://alpine:3.8\n"
        "      - uses: ./.github/actions/mine\n"
        "      - uses: org with space/repo with space@v2\n"
        "      - uses: actions/aws/ec2@main\n"
        "      - run: echo\n"
        "      - id: mine\n"
        "        run: echo\n"
        "      - uses: actions/checkout@v3\n"
        "      - run: echo\n",
    )
    assert [s.id for s in steps_of(workflow)] == [
        "__actions_checkout",
        "__Actions_Capitalized",
        "__alpine_3_8",
        "__self",
        "__org_with_space_repo_with_space",
        "__actions_aws",
        "__run",
        "mine",
        "__actions_checkout_2",
        "__run_2",
    ]
    assert [s.user_id for s in steps_of(workflow)][7] == "mine"
    assert errors(workflow) == []


def test_long_generated_id(tokens: Callable[..., Token]) -> None:
    image = "chinthakagodawita/autoupdate-action@sha256:" + "a3e234f9" * 8
    workflow = convert(tokens, f"      - uses: docker://{image}\n")
    (step,) = steps_of(workflow)
    expected = "__" + image.replace("/", "_").replace("@", "_").replace(":", "_")
    assert step.id == expected[:100]
    assert len(step.id) == 100


def test_step_fields(tokens: Callable[..., Token]) -> None:
    workflow = convert(
        tokens,
        "      - name: Greet\n"
        "        id: greet\n"
        "        if: always()\n"
        "        run: echo hi\n"
        "        shell: bash\n"
        "        working-directory: src\n"
        "        env: {A: b}\n"
        "        continue-on-error: ${{ matrix.experimental }}\n"
        "        timeout-minutes: 5\n"
        "      - uses: actions/setup-python@v5\n"
        "        with: {python-version: '3.12'}\n"
        "        if: ${{ matrix.os == 'linux' }}\n"
        "        continue-on-error: true\n"
        "        env: ${{ matrix.env }}\n",
    )
    greet, setup = steps_of(workflow)
    assert (greet.id, str(greet.name), greet.if_.expression, str(greet.run)) == (
        "greet",
        "Greet",
        "always()",
        "echo hi",
    )
    assert greet.uses is None
    assert (str(greet.shell), str(greet.working_directory), str(greet.timeout_minutes)) == (
        "bash",
        "src",
        "5",
    )
    assert isinstance(greet.env, MappingToken)
    assert str(greet.continue_on_error) == "${{ matrix.experimental }}"
    assert setup.uses == "actions/setup-python@v5" and setup.run is None
    assert isinstance(setup.with_, MappingToken)
    assert setup.if_.expression == "success() && (matrix.os == 'linux')"
    assert str(setup.continue_on_error) == "true"
    assert str(setup.env) == "${{ matrix.env }}"
    assert errors(workflow) == []


def test_step_ids_checked(tokens: Callable[..., Token]) -> None:
    workflow = convert(
        tokens,
        "      - id: my-step\n        run: echo\n"
        "      - id: MY-STEP\n        run: echo\n"
        "      - id: _bad$id\n        run: echo\n"
        "      - id: __x\n        run: echo\n",
    )
    assert errors(workflow) == [
        f"{PATH} (Line: 8, Col: 13): The identifier 'MY-STEP' may not be used more than once "
        "within the same scope.",
        f"{PATH} (Line: 10, Col: 13): The identifier '_bad$id' is invalid. IDs may only contain "
        "alphanumeric characters, '_', and '-'. IDs must start with a letter or '_' and and "
        "must be less than 100 characters.",
        f"{PATH} (Line: 12, Col: 13): The identifier '__x' is invalid. IDs starting with '__' "
        "are reserved.",
    ]
    assert [d.hint for d in workflow.diagnostics] == [
        "step ids must be unique within a job, without regard to case",
        "for example 'bad_id'",
        "ids starting with '__' are kept for the ids GitHub generates",
    ]
    assert len(steps_of(workflow)) == 4


def test_uses_syntax(tokens: Callable[..., Token]) -> None:
    workflow = convert(
        tokens,
        "      - uses: $$docker://alpine:3.8\n"
        "      - uses: badrepo@invalid\n"
        "      - uses: actions/checkout\n"
        "      - uses: docker://\n"
        "      - uses: .\\local\n",
    )
    assert errors(workflow) == [
        f"{PATH} (Line: 6, Col: 15): Expected format {{org}}/{{repo}}[/path]@ref. "
        "Actual '$$docker://alpine:3.8'",
        f"{PATH} (Line: 7, Col: 15): Expected format {{org}}/{{repo}}[/path]@ref. "
        "Actual 'badrepo@invalid'",
        f"{PATH} (Line: 8, Col: 15): Expected format {{org}}/{{repo}}[/path]@ref. "
        "Actual 'actions/checkout'",
    ]
    assert [s.id for s in steps_of(workflow)] == [
        "__run",
        "__run_2",
        "__run_3",
        "__run_4",
        "__self",
    ]


def test_step_without_run_or_uses_is_dropped(tokens: Callable[..., Token]) -> None:
    workflow = convert(tokens, "      - name: nothing\n      - run: echo\n")
    assert errors(workflow) == [
        f"{PATH} (Line: 6, Col: 9): Expected one of uses or run to be defined"
    ]
    assert [s.id for s in steps_of(workflow)] == ["__run"]


def test_step_of_wrong_type_is_dropped(tokens: Callable[..., Token]) -> None:
    workflow = convert(
        tokens, "      - run: echo\n        env: [A]\n      - echo\n      - run: echo\n"
    )
    assert errors(workflow) == [
        f"{PATH} (Line: 7, Col: 14): Unexpected type 'SequenceToken' encountered while reading "
        "'step env'. The type 'MappingToken' was expected.",
        f"{PATH} (Line: 8, Col: 9): Unexpected type 'StringToken' encountered while reading "
        "'steps item'. The type 'MappingToken' was expected.",
    ]
    assert [s.id for s in steps_of(workflow)] == ["__run"]


def test_invalid_steps_format(tokens: Callable[..., Token]) -> None:
    workflow = convert_workflow(tokens(HEAD.replace("steps:\n", "steps: {}\n")), PATH)
    assert errors(workflow) == [f"{PATH} (Line: 5, Col: 12): Invalid format for steps"]
    assert steps_of(workflow) == ()
