"""Planning workflows whose strategy uses ``${{ insert }}`` or array-valued sequence items.

End to end from YAML: the reader, the converter and the planner with the real
:mod:`shipyard.expr`, checked against what GitHub runs for the same file.
"""

from __future__ import annotations

import pytest

from shipyard.plan.planner import PlanError, plan_workflow
from shipyard.workflow.reader import parse_workflow


def _plan(text: str, **contexts: object) -> list[tuple[str, object]]:
    workflow = parse_workflow(text, ".github/workflows/ci.yml")
    assert [d.render() for d in workflow.diagnostics] == []
    plan = plan_workflow(workflow, contexts={"github": {"event_name": "push"}, **contexts})
    return [(i.name, i.matrix) for i in plan.jobs]


def test_an_inserted_mapping_is_merged_into_the_matrix_value() -> None:
    text = (
        "on: push\n"
        "jobs:\n"
        "  a:\n"
        "    strategy:\n"
        "      matrix:\n"
        "        a:\n"
        "        - env:\n"
        "              key1: val1\n"
        "              ${{insert}}:\n"
        "                 key2: val2\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "    - run: echo '${{ toJSON(matrix) }}'\n"
    )
    [(_, matrix)] = _plan(text)
    assert matrix == {"a": {"env": {"key1": "val1", "key2": "val2"}}}


def test_an_array_item_of_a_matrix_vector_makes_one_job_per_element() -> None:
    text = (
        "on: push\n"
        "jobs:\n"
        "  b:\n"
        "    strategy:\n"
        '      matrix: { v: [one, "${{ fromJSON(\'[\\"two\\",\\"three\\"]\') }}"] }\n'
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "    - run: echo\n"
    )
    assert _plan(text) == [
        ("b (one)", {"v": "one"}),
        ("b (two)", {"v": "two"}),
        ("b (three)", {"v": "three"}),
    ]


def test_strategy_and_matrix_keys_can_be_inserted_from_inputs() -> None:
    text = (
        "on: push\n"
        "jobs:\n"
        "  c:\n"
        "    strategy:\n"
        "      ${{ insert }}: ${{ fromJSON(inputs.strategy) }}\n"
        "      matrix:\n"
        "        ${{ insert }}: ${{ fromJSON(inputs.vectors) }}\n"
        "        include:\n"
        "        - ${{ fromJSON(inputs.extra) }}\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "    - run: echo\n"
    )
    workflow = parse_workflow(text, ".github/workflows/ci.yml")
    assert workflow.diagnostics == ()
    inputs = {
        "strategy": '{"fail-fast": false, "max-parallel": 1}',
        "vectors": '{"os": ["linux", "mac"]}',
        "extra": '[{"os": "win"}]',
    }
    plan = plan_workflow(workflow, contexts={"github": {}, "inputs": inputs})
    assert [i.name for i in plan.jobs] == ["c (linux)", "c (mac)", "c (win)"]
    assert {(i.fail_fast, i.max_parallel) for i in plan.jobs} == {(False, 1)}


def test_inserting_a_non_mapping_is_a_plan_error() -> None:
    text = (
        "on: push\n"
        "jobs:\n"
        "  d:\n"
        "    strategy:\n"
        "      matrix:\n"
        "        ${{ insert }}: ${{ fromJSON('[1]') }}\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "    - run: echo\n"
    )
    workflow = parse_workflow(text, ".github/workflows/ci.yml")
    with pytest.raises(PlanError) as caught:
        plan_workflow(workflow, contexts={"github": {}})
    error = caught.value
    assert error.render() == (
        ".github/workflows/ci.yml (Line: 6, Col: 24): "
        "Error when evaluating 'strategy' for job 'd'. Expected a mapping"
    )


def test_a_key_defined_twice_after_an_insert_is_a_plan_error() -> None:
    text = (
        "on: push\n"
        "jobs:\n"
        "  e:\n"
        "    strategy:\n"
        "      matrix:\n"
        "        os: [linux]\n"
        "        ${{ insert }}: ${{ fromJSON(inputs.more) }}\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "    - run: echo\n"
    )
    workflow = parse_workflow(text, ".github/workflows/ci.yml")
    assert workflow.diagnostics == ()
    with pytest.raises(PlanError) as caught:
        plan_workflow(workflow, contexts={"github": {}, "inputs": {"more": '{"OS": ["mac"]}'}})
    assert caught.value.render() == (
        ".github/workflows/ci.yml (Line: 7, Col: 24): "
        "Error when evaluating 'strategy' for job 'e'. 'OS' is already defined"
    )
