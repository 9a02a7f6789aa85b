"""``shipyard run``'s options are checked before anything is loaded or recorded."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from shipyard.cli.run import add_parser
from shipyard.cli.runoptions import read_run_options
from shipyard.errors import UserError


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers(), "run", "run")
    return parser.parse_args(["run", *argv])


def refused(*argv: str) -> tuple[str, str | None]:
    with pytest.raises(UserError) as caught:
        read_run_options(parse(*argv))
    return caught.value.message, caught.value.hint


def test_good_options_are_read(tmp_path: Path) -> None:
    action = tmp_path / "act"
    action.mkdir()
    (action / "action.yml").write_text("runs: {using: node20, main: x.js}\n", encoding="utf-8")
    options = read_run_options(
        parse(
            "--secret", "A=1", "--secret", "prod:A=2", "--var", "V=x",
            "--env", "E=y", "--platform", "Windows-Latest=HOST",
            "--action", f"owner/repo/sub@v1={action}", "--matrix", "py=3.12",
            "--matrix", "py=3.13", "--var", "ACTIONS_STEP_DEBUG=true",
        )
    )  # fmt: skip
    assert options.secrets == {"A": "1"}
    assert options.environment_secrets == {"prod": {"A": "2"}}
    assert options.env == {"E": "y"}
    assert options.platforms == {"windows-latest": "host"}
    assert options.actions == {"owner/repo/sub@v1": action.resolve()}
    assert options.matrix == {"py": ("3.12", "3.13")}
    assert options.debug


def test_bad_options_are_refused_with_the_form_they_take(tmp_path: Path) -> None:
    assert refused("--jobs", "0") == (
        "--jobs 0: at least one job must run at once",
        "--jobs 1",
    )
    assert refused("--platform", "windows-latest=docker") == (
        "bad --platform 'windows-latest=docker': jobs can only be mapped to this host",
        "write it as --platform LABEL=host, e.g. --platform windows-latest=host",
    )
    assert refused("--action", "setup-node=dir")[0] == (
        "bad --action setup-node=dir: 'setup-node' is not OWNER/REPO@REF"
    )
    assert refused("--action", f"a/b@v1={tmp_path / 'nope'}") == (
        f"--action a/b@v1={tmp_path / 'nope'}: no folder {tmp_path / 'nope'}",
        None,
    )
    assert refused("--action", f"a/b@v1={tmp_path}")[0] == (
        f"--action a/b@v1={tmp_path}: {tmp_path} has no action.yml"
    )
    assert refused("--report-json", str(tmp_path)) == (
        f"--report-json {tmp_path}: that is a folder",
        f"--report-json {tmp_path}/report.json",
    )
    assert refused("--report-json", "")[0] == "--report-json needs a file name"
    assert refused("--matrix", "py")[0] == "bad --matrix 'py'"


def test_an_event_github_does_not_send_is_refused_with_a_guess() -> None:
    from shipyard.cli.runplan import check_event_name

    check_event_name("push")
    check_event_name("workflow_dispatch")
    with pytest.raises(UserError) as caught:
        check_event_name("PUSH")
    assert (caught.value.message, caught.value.hint) == (
        "--event 'PUSH' is not an event GitHub sends to workflows",
        "did you mean --event push?",
    )
    with pytest.raises(UserError) as caught:
        check_event_name("workflow_call")
    assert caught.value.hint == (
        "a workflow_call runs when another workflow calls it: run that workflow's event"
    )


def test_an_unknown_option_is_told_with_the_commands_usage(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from shipyard.cli.main import main

    with pytest.raises(SystemExit) as caught:
        main(["logs", "1", "a", "b"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: shipyard logs ")
    assert err.endswith("shipyard logs: error: unrecognized arguments: b\n")
