"""Reading an ``action.yml``: what it declares and what is wrong with it."""

from __future__ import annotations

from shipyard.workflow.action import parse_action

PATH = ".github/actions/x/action.yml"


def errors(text: str) -> list[str]:
    return [d.render(with_hint=False) for d in parse_action(text, PATH).diagnostics]


def test_a_node_action_is_read() -> None:
    action = parse_action(
        "name: X\ninputs:\n  who:\n    default: me\noutputs:\n  out:\n    value: v\n"
        "runs:\n  using: Node20\n  main: main.js\n  post: post.js\n  post-if: success()\n",
        PATH,
    )
    assert action.valid
    assert (action.name, action.using, action.main, action.post, action.post_if) == (
        "X",
        "node20",
        "main.js",
        "post.js",
        "success()",
    )
    assert [i.name for i in action.inputs] == ["who"]


def test_runs_and_using_are_required_as_githubs_schema_says() -> None:
    assert errors("name: x\n") == [f"{PATH}: Required property is missing: runs"]
    assert errors("runs:\n  main: a.js\n") == [
        f"{PATH} (Line: 2, Col: 3): Required property is missing: using"
    ]
