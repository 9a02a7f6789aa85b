"""``shipyard report quality [PATH…]``: formatting, imports, lint, types and complexity findings.

Runs the tools of ``--tools`` (comma-separated), else ``[tool.shipyard] quality-tools`` of
``pyproject.toml`` (default ``ruff``: its lint rules and ``ruff format --check`` cover what
Black, isort and Flake8 check). Known tools: ruff, black, isort, flake8, pylint, mypy,
radon, bandit. Each checks the PATHs, else the project. A tool that is not installed is
reported as skipped, not run; a tool that breaks fails the gate.

The ``quality`` gate passes when no finding is critical: a syntax error, an undefined name
or a type error (mypy). Formatting differences are low findings, blocking only with
``--fail-on-format`` or ``quality-fail-on-format = true``.

Outputs: the tools and findings on stdout; Markdown appended to ``$GITHUB_STEP_SUMMARY``
when set; the gate recorded in ``$SHIPYARD_GATES_FILE`` when set. Exit 0 when the gate
passed, 1 when it failed or an input is invalid, 2 for a bad command line.
``--json PATH`` writes::

    {
      "gate": {"name": "quality", "passed": false,
               "summary": "1 critical issue: F821 Undefined name `y` at pkg/mod.py:6"},
      "fail_on_format": false,
      "tools": [{"name": "ruff", "status": "ran", "note": "", "findings": 2},
                {"name": "mypy", "status": "not installed", "note": "install mypy to run it",
                 "findings": 0}],
      "counts": {"critical": 1, "high": 0, "medium": 0, "low": 1, "info": 0},
      "categories": {"format": 1, "imports": 0, "lint": 1, "types": 0, "complexity": 0,
                     "security": 0},
      "findings": [{"tool": "ruff", "code": "F821", "message": "Undefined name `y`",
                    "path": "pkg/mod.py", "line": 6, "column": 12, "severity": "critical",
                    "category": "lint", "note": ""}]
    }

``status`` is ``ran``, ``not installed`` or ``error``; findings are sorted most severe
first; ``line``/``column`` are 1-based or null (a finding about a whole file).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from shipyard.errors import UserError
from shipyard.reports.findings import QUALITY_TOOLS as KNOWN_TOOLS
from shipyard.tools.publish import publish_summary


def _tool_list(text: str) -> tuple[str, ...]:
    tools = tuple(t.strip().lower() for t in text.split(",") if t.strip())
    unknown = [t for t in tools if t not in KNOWN_TOOLS]
    if unknown or not tools:
        raise argparse.ArgumentTypeError(
            f"unknown tool {', '.join(unknown) or '(none)'}; known: {', '.join(KNOWN_TOOLS)}"
        )
    return tools


def add_parser(sub: Any, name: str, help_text: str) -> None:
    """Define the command's options."""
    parser = sub.add_parser(name, help=help_text, description=help_text)
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or folders to check (default: the project)"
    )
    parser.add_argument(
        "--tools",
        type=_tool_list,
        metavar="TOOL,…",
        help="tools to run (default: [tool.shipyard] quality-tools, else ruff)",
    )
    parser.add_argument(
        "--fail-on-format",
        action="store_true",
        default=None,
        help="formatting differences fail the gate "
        "(default: [tool.shipyard] quality-fail-on-format)",
    )
    parser.add_argument("--json", metavar="PATH", help="write the result as JSON to PATH")


def run(args: argparse.Namespace) -> int:
    """Run the tools, write the outputs, and return the gate's exit code."""
    from shipyard.reports import findings as report
    from shipyard.reports.gates import GateResult
    from shipyard.settings import load_project_settings
    from shipyard.tools.gatefile import record_gate
    from shipyard.tools.quality import run_quality_tools

    root = Path.cwd()
    try:
        settings = load_project_settings(root)
        tools = args.tools or settings.quality_tools
        unknown = [t for t in tools if t not in KNOWN_TOOLS]
        if unknown:
            raise UserError(
                "pyproject.toml: [tool.shipyard] quality-tools names unknown tool "
                + ", ".join(unknown),
                hint=f"known tools: {', '.join(KNOWN_TOOLS)}",
            )
        missing = [p for p in args.paths if not (root / p).exists()]
        if missing:
            raise UserError(f"no such file or folder: {', '.join(missing)}")
    except UserError as err:
        record_gate(GateResult("quality", False, f"not checked: {err.message}"))
        raise
    fail_on_format = settings.quality_fail_on_format if args.fail_on_format is None else True
    print(f"checking code quality with {', '.join(tools)}", file=sys.stderr)
    found, runs = run_quality_tools(tools, args.paths, root)
    gate = report.evaluate_quality_gate(found, runs, fail_on_format=fail_on_format)
    for line in _terminal(found, runs, gate):
        print(line)
    publish_summary(report.render_quality_markdown(found, runs, gate))
    if args.json:
        data = {"gate": gate.to_json(), "fail_on_format": fail_on_format}
        data["tools"] = [r.to_json() for r in runs]
        data.update(report.findings_json(found))
        target = Path(args.json)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(data, indent=2) + "\n", "utf-8")
    record_gate(gate)
    return 0 if gate.passed else 1


def _terminal(found: list[Any], runs: list[Any], gate: Any) -> list[str]:
    from shipyard.reports import findings as report

    lines = []
    for tool in runs:
        detail = (
            report.plural(tool.findings, "finding") if tool.status == report.RAN else tool.status
        )
        lines.append(f"  {tool.name:<8} {detail}{'  ' + tool.note if tool.note else ''}")
    body = report.render_findings_text(found)
    if body:
        lines += ["", *body]
    categories = report.count_by(found, "category")
    if categories:
        lines += ["", "by category: " + ", ".join(f"{k} {n}" for k, n in categories.items())]
    lines.append(f"quality gate {'passed' if gate.passed else 'failed'}: {gate.summary}")
    return lines
