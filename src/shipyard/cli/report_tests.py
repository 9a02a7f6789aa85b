"""``shipyard report tests JUNIT…``: one summary of JUnit results across matrix configurations.

Arguments are files, folders (every ``*.xml`` below them) or glob patterns, expanded here
(``artifacts/**/*.xml``; quote them so that the shell leaves them alone). Each file belongs
to a configuration named from its folder (``--name-from parent``, the default: the artifact
folder ``junit-3.11-ubuntu-latest/results.xml`` is ``3.11-ubuntu-latest``) or its file name
(``--name-from file``), unless ``--name PATTERN=NAME`` names it.

Outputs: the table and the failures on stdout; Markdown appended to
``$GITHUB_STEP_SUMMARY`` when set; the ``tests`` gate recorded in ``$SHIPYARD_GATES_FILE``
when set (also when the input is missing or invalid: then the gate failed); exit 0 when
the gate passed, 1 when it failed or an input is missing or invalid, 2 for a bad command
line. ``--json PATH`` writes::

    {
      "gate": {"name": "tests", "passed": false, "summary": "9 passed, 1 failed, ..."},
      "totals": {"configurations": 2, "tests": 12, "passed": 9, "failed": 1,
                 "skipped": 2, "errors": 0, "time": 3.21},
      "configurations": [
        {"name": "3.11-ubuntu-latest", "files": ["junit-3.11-ubuntu-latest/results.xml"],
         "tests": 6, "passed": 4, "failed": 1, "skipped": 1, "errors": 0, "time": 1.6,
         "failures": [
           {"test": "tests.test_app.test_sum", "classname": "tests.test_app",
            "name": "test_sum", "suite": "pytest", "outcome": "failed",
            "message": "assert 3 == 4", "type": "", "text": "<traceback>", "time": 0.01}
         ]}
      ]
    }

``outcome`` is ``failed`` or ``error``; times are seconds; ``failures`` lists every failed
or errored case (the Markdown lists the first 50).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shipyard.errors import UserError
from shipyard.tools.publish import publish_summary

if TYPE_CHECKING:
    from shipyard.reports.gates import GateResult
    from shipyard.reports.junit import CaseResult
    from shipyard.reports.tests_summary import ConfigurationResult, JUnitSummary

_MAGIC = re.compile(r"[*?[]")
HINT = (
    "the test jobs may have stopped before writing their results, or their artifacts were "
    "not downloaded; pytest writes them with `pytest --junitxml=PATH`"
)


def _mapping(text: str) -> tuple[str, str]:
    pattern, sep, name = text.partition("=")
    if not sep or not pattern or not name:
        raise argparse.ArgumentTypeError(f"expected PATTERN=NAME, not {text!r}")
    return pattern, name


def add_parser(sub: Any, name: str, help_text: str) -> None:
    """Define the command's options."""
    parser = sub.add_parser(name, help=help_text, description=help_text)
    parser.add_argument(
        "files",
        nargs="+",
        metavar="JUNIT",
        help="JUnit XML files, folders holding them, or glob patterns such as 'artifacts/**/*.xml'",
    )
    parser.add_argument("--json", metavar="PATH", help="write the result as JSON to PATH")
    parser.add_argument(
        "--name-from",
        choices=("parent", "file"),
        default="parent",
        help="name each configuration after the file's folder (default) or the file's name",
    )
    parser.add_argument(
        "--name",
        type=_mapping,
        action="append",
        default=[],
        metavar="PATTERN=NAME",
        help="name the configuration of the files matching PATTERN (repeatable)",
    )


def expand_inputs(arguments: list[str]) -> tuple[list[str], list[str]]:
    """The files the arguments name, in order without repeats, and what matched nothing."""
    found: list[str] = []
    missing: list[str] = []
    for argument in arguments:
        if _MAGIC.search(argument):
            matches = sorted(p for p in glob.glob(argument, recursive=True) if Path(p).is_file())
            problem = f"no JUnit file matches {argument}"
        elif Path(argument).is_dir():
            pattern = os.path.join(glob.escape(argument), "**", "*.xml")
            matches = sorted(p for p in glob.glob(pattern, recursive=True) if Path(p).is_file())
            problem = f"no .xml file in {argument}"
        else:
            matches = [argument] if Path(argument).is_file() else []
            problem = f"no such file: {argument}"
        if not matches:
            missing.append(problem)
        found += [match for match in matches if match not in found]
    return found, missing


def run(args: argparse.Namespace) -> int:
    """Summarise the JUnit files, write the outputs, and return the gate's exit code."""
    from shipyard.reports.gates import GateResult
    from shipyard.reports.junit import parse_junit
    from shipyard.reports.tests_summary import (
        configuration_name,
        evaluate_tests_gate,
        render_tests_markdown,
        render_tests_terminal,
        summarize_tests,
    )
    from shipyard.tools.gatefile import record_gate

    names = dict(args.name)
    try:
        paths, missing = expand_inputs(args.files)
        if missing:
            raise UserError("; ".join(missing), hint=HINT)
        reports = []
        for path in paths:
            try:
                data = Path(path).read_bytes()
            except OSError as err:
                raise UserError(f"cannot read {path}: {err.strerror or err}") from None
            name = configuration_name(path, args.name_from, names)
            reports.append((path, name, parse_junit(data, path)))
    except UserError as err:
        record_gate(GateResult("tests", False, f"no test results: {err.message}"))
        raise
    summary = summarize_tests(reports)
    gate = evaluate_tests_gate(summary)
    for line in render_tests_terminal(summary, gate):
        print(line)
    publish_summary(render_tests_markdown(summary, gate))
    if args.json:
        target = Path(args.json)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(result_json(summary, gate), indent=2) + "\n", "utf-8")
    record_gate(gate)
    return 0 if gate.passed else 1


def result_json(summary: JUnitSummary, gate: GateResult) -> dict[str, object]:
    """The ``--json`` object of a summary and its gate (shape in the module docstring)."""
    from shipyard.reports.tests_summary import OUTCOMES

    def counts(source: JUnitSummary | ConfigurationResult) -> dict[str, object]:
        numbers = {("errors" if o == "error" else o): source.count(o) for o in OUTCOMES}
        return {"tests": source.tests, **numbers, "time": round(source.time, 6)}

    def case_json(case: CaseResult) -> dict[str, object]:
        return {
            "test": case.test_id,
            "classname": case.classname,
            "name": case.name,
            "suite": case.suite,
            "outcome": case.outcome,
            "message": case.message,
            "type": case.kind,
            "text": case.text,
            "time": case.time,
        }

    configurations = [
        {"name": c.name, "files": list(c.files), **counts(c)}
        | {"failures": [case_json(case) for case in c.failures]}
        for c in summary.configurations
    ]
    return {
        "gate": gate.to_json(),
        "totals": {"configurations": len(summary.configurations), **counts(summary)},
        "configurations": configurations,
    }
