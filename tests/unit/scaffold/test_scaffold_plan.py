"""The plan: create, update, unchanged, and edited files left alone, with unified diffs."""

from __future__ import annotations

from shipyard.scaffold.plan import (
    CREATE,
    SKIP,
    UNCHANGED,
    UPDATE,
    FileChange,
    plan_changes,
    render_plan,
    summarize,
)
from shipyard.scaffold.stamp import Stamp, digest_of, edit_state, parse_stamp, stamp_text

BODY = "name: Tests\non: push\n"
NEW_BODY = "name: Tests\non: [push, pull_request]\n"
WORKFLOW = ".github/workflows/1-tests.yml"


def test_stamp_round_trip() -> None:
    text = stamp_text("1-tests", BODY)
    assert text == f"# shipyard-template: 1-tests {digest_of(BODY)}\n{BODY}"
    assert parse_stamp(text) == (Stamp("1-tests", digest_of(BODY)), BODY)
    assert edit_state(text) == "pristine"
    assert edit_state(text.replace("\n", "\r\n")) == "pristine"  # a CRLF checkout
    assert edit_state(text + "# mine\n") == "edited"
    assert edit_state(BODY) == "foreign"
    assert parse_stamp("# shipyard-template: x 123\n" + BODY) == (
        None,
        "# shipyard-template: x 123\n" + BODY,
    )


def test_first_run_creates_and_second_run_changes_nothing() -> None:
    rendered = {WORKFLOW: stamp_text("1-tests", BODY), "pyproject.toml": "[tool.shipyard]\n"}
    first = plan_changes({WORKFLOW: None, "pyproject.toml": '[project]\nname = "a"\n'}, rendered)
    assert [(c.path, c.action) for c in first] == [(WORKFLOW, CREATE), ("pyproject.toml", UPDATE)]
    second = plan_changes(dict(rendered), rendered)
    assert [c.action for c in second] == [UNCHANGED, UNCHANGED]
    assert not any(c.writes for c in second)
    assert summarize(second) == "2 unchanged"


def test_pristine_file_from_an_older_template_is_updated() -> None:
    current = {WORKFLOW: stamp_text("1-tests", BODY)}
    (change,) = plan_changes(current, {WORKFLOW: stamp_text("1-tests", NEW_BODY)})
    assert (change.action, change.reason, change.writes) == (UPDATE, "", True)


def test_edited_and_foreign_files_are_left_alone_without_force() -> None:
    edited = stamp_text("1-tests", BODY) + "# my own step\n"
    rendered = {WORKFLOW: stamp_text("1-tests", NEW_BODY)}
    (change,) = plan_changes({WORKFLOW: edited}, rendered)
    assert (change.action, change.reason) == (
        SKIP,
        "edited since shipyard init wrote it; --force overwrites it",
    )
    assert not change.writes
    (change,) = plan_changes({WORKFLOW: BODY}, rendered)
    assert change.reason == "exists and was not written by shipyard init; --force overwrites it"
    (change,) = plan_changes({WORKFLOW: edited}, rendered, force=True)
    assert (change.action, change.reason) == (
        UPDATE,
        "edited since shipyard init wrote it; overwritten (--force)",
    )


def test_an_edited_file_equal_to_the_rendering_is_unchanged() -> None:
    text = stamp_text("1-tests", BODY)
    (change,) = plan_changes({WORKFLOW: text.replace("\n", "\r\n")}, {WORKFLOW: text})
    assert change.action == UNCHANGED


def test_diffs() -> None:
    create = FileChange("a.yml", CREATE, None, "x: 1\n")
    assert create.diff() == "--- /dev/null\n+++ b/a.yml\n@@ -0,0 +1 @@\n+x: 1\n"
    update = FileChange(
        "pyproject.toml", UPDATE, "[project]\nname = 'a'", "[project]\nname = 'a'\nx = 1\n"
    )
    assert update.diff() == (
        "--- a/pyproject.toml\n"
        "+++ b/pyproject.toml\n"
        "@@ -1,2 +1,3 @@\n"
        " [project]\n"
        "-name = 'a'\n"
        "+name = 'a'\n"
        "+x = 1\n"
    )
    assert FileChange("a", UNCHANGED, "x\n", "x\n").diff() == ""


def test_plan_lines_and_summary() -> None:
    changes = [
        FileChange(WORKFLOW, CREATE, None, "x"),
        FileChange(
            "b.yml",
            SKIP,
            "old",
            "new",
            "edited since shipyard init wrote it; --force overwrites it",
        ),
        FileChange("pyproject.toml", UNCHANGED, "x", "x"),
    ]
    assert render_plan(changes) == [
        f"create     {WORKFLOW}",
        "skip       b.yml  (edited since shipyard init wrote it; --force overwrites it)",
        "unchanged  pyproject.toml",
    ]
    assert summarize(changes) == "1 to create, 1 unchanged, 1 left alone (edited)"
