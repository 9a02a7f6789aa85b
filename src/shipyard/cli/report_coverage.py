"""``shipyard report coverage``: total and per-file coverage, its change against the base
branch, an SVG badge, an HTML report, a pull-request comment, and the coverage gate.

Input, one of: a coverage.py data file (``--data``, default ``.coverage``), a Cobertura
report (``--xml coverage.xml``) or a JSON report (``--json-in``: coverage.py's
``coverage json`` or a document this command wrote). The HTML report (``--html``, default
``htmlcov``) is coverage.py's own and is written only from a data file.

The base (see :mod:`shipyard.tools.coverage_store`): ``--base-json FILE``, else the stored
result of the merge base of HEAD and ``--base REF`` (default ``$GITHUB_BASE_REF``, else the
default branch), else the newest stored ancestor. ``--save`` stores this result as HEAD's.

The gate passes when the total reaches the minimum: ``--min``, else ``[tool.shipyard]
coverage-min`` of ``pyproject.toml``, else 80. Outputs: the table on stdout; Markdown
appended to ``$GITHUB_STEP_SUMMARY`` when set; the badge (``--badge``, default
``coverage.svg``); the comment body (``--comment PATH``); the JSON document
(``--json PATH``, shape in :mod:`shipyard.reports.coverage_formats`); the ``coverage``
gate recorded in ``$SHIPYARD_GATES_FILE`` when set (failed when the input is missing or
invalid). Exit 0 when the gate passed, 1 when it failed or the input is missing or
invalid, 2 for a bad command line.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from shipyard.tools.publish import publish_comment, publish_summary


def _percent(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number from 0 to 100, not {text!r}") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"expected a number from 0 to 100, not {text!r}")
    return value


def add_parser(sub: Any, name: str, help_text: str) -> None:
    """Define the command's options."""
    parser = sub.add_parser(name, help=help_text, description=help_text)
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--data", metavar="FILE", help="coverage.py data file (default: .coverage)")
    source.add_argument("--xml", metavar="FILE", help="read a Cobertura XML report instead")
    source.add_argument(
        "--json-in", metavar="FILE", help="read a JSON report (coverage.py's or Shipyard's)"
    )
    parser.add_argument(
        "--base",
        metavar="REF",
        help="compare with the merge base of HEAD and REF (default: $GITHUB_BASE_REF, "
        "else the default branch)",
    )
    parser.add_argument(
        "--base-json", metavar="FILE", help="compare with this result (a --json document)"
    )
    parser.add_argument(
        "--min",
        type=_percent,
        metavar="N",
        help="minimum total coverage (default: [tool.shipyard] coverage-min, else 80)",
    )
    parser.add_argument(
        "--html", metavar="DIR", default="htmlcov", help="HTML report folder (default: htmlcov)"
    )
    parser.add_argument(
        "--badge", metavar="PATH", default="coverage.svg", help="SVG badge (default: coverage.svg)"
    )
    parser.add_argument("--comment", metavar="PATH", help="write the pull-request comment body")
    parser.add_argument("--json", metavar="PATH", help="write the result as JSON to PATH")
    parser.add_argument(
        "--save", action="store_true", help="store this result as HEAD's in the local store"
    )


def _write(path: str | Path, text: str) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


def run(args: argparse.Namespace) -> int:
    """Report coverage, write the outputs, and return the gate's exit code."""
    from shipyard.errors import UserError
    from shipyard.reports.badge import coverage_badge
    from shipyard.reports.coverage import BaseInfo, evaluate_delta, evaluate_gate
    from shipyard.reports.coverage_formats import render_result_document
    from shipyard.reports.coverage_render import (
        render_comment,
        render_markdown,
        render_terminal,
    )
    from shipyard.reports.gates import GateResult
    from shipyard.settings import load_project_settings
    from shipyard.tools import coverage_data, coverage_store
    from shipyard.tools.gatefile import record_gate

    try:
        settings = load_project_settings(Path.cwd())
        minimum = settings.coverage_min if args.min is None else args.min
        data_file = None
        if args.xml:
            result = coverage_data.load_xml(Path(args.xml))
        elif args.json_in:
            result = coverage_data.load_json(Path(args.json_in))
        else:
            data_file = Path(args.data or ".coverage")
            result = coverage_data.load_data_file(data_file)
        folder = coverage_store.store_folder()
        base: BaseInfo | None
        if args.base_json:
            base = coverage_store.load_base_file(Path(args.base_json))
        else:
            ref = coverage_store.base_ref(args.base, os.environ)
            base = coverage_store.find_base(folder, ref, explicit_ref=bool(args.base))
        commit = coverage_store.head_commit()
        if args.save and commit is None:
            raise UserError(
                "--save needs a commit: this is not a git repository, or it has no commit yet"
            )
    except UserError as err:
        record_gate(GateResult("coverage", False, err.message))
        raise
    delta = evaluate_delta(result, base.result) if base else None
    gate = evaluate_gate(result, minimum)

    print(render_terminal(result, delta, base), end="")
    written: list[str] = []
    if data_file is not None and args.html:
        written.append(f"html report: {coverage_data.write_html(data_file, Path(args.html))}")
    if args.badge:
        written.append(f"badge: {_write(args.badge, coverage_badge(result.percent))}")
    comment = render_comment(result, gate, minimum, delta, base)
    publish_comment(comment)
    if args.comment:
        written.append(f"comment: {_write(args.comment, comment)}")
    if args.json:
        document = render_result_document(
            result, commit=commit, base=base, delta=delta, minimum=minimum, gate=gate
        )
        written.append(f"json: {_write(args.json, json.dumps(document, indent=2) + chr(10))}")
    if args.save and commit is not None:
        coverage_store.save_result(result, commit, folder)
        written.append(f"saved: {commit[:7]} in the local coverage store ({folder})")
    publish_summary(render_markdown(result, gate, minimum, delta, base))
    for line in written:
        print(line)
    record_gate(gate)
    print(f"coverage gate {'passed' if gate.passed else 'failed'}: {gate.summary}")
    return 0 if gate.passed else 1
