"""``shipyard report security [PATH…]``: code security findings and vulnerable dependencies.

What it runs:

- **code analysis** — what GitHub's ``codeql`` job does there, Shipyard does offline with
  Bandit and ruff's ``S`` rules on the PATHs (default: the project); the report names the
  analysis that ran (``Shipyard offline code analysis: bandit, ruff S rules``);
- **dependency scan** — the project's dependencies at known versions (``--from files``:
  the pins of its requirement, pyproject and lock files; ``--from declared``: what the
  requirements those files declare install for ``--python``, transitively, at the
  installed versions — not the rest of that environment, such as pip, the base
  interpreter's own setuptools or the scanners; ``--from env``: every package installed
  for ``--python``; ``auto``, the default: the files when they pin anything, else
  ``declared`` when they declare anything, else ``env``) checked against an OSV
  database: ``--db`` (a folder such as the PyPA advisory database, or an OSV zip), else
  ``$SHIPYARD_VULNDB``, else ``[tool.shipyard] security-db``; and against the OSV service
  with ``--online`` when it is reachable. Without either the scan is skipped and the
  report says so (so is a ``security-db`` path that this machine lacks);
- **dependency review** (``--base REF``) — what the working tree's dependency files add or
  change against REF, with the advisories the change brings;
- **Safety** — only when ``$SAFETY_API_KEY`` is set (else listed as ``not configured``).

The ``security`` gate fails on any high or critical finding; an advisory without a
severity counts as high and the summary says so. Outputs: the findings on stdout; Markdown
appended to ``$GITHUB_STEP_SUMMARY`` when set; ``--sarif PATH`` (SARIF 2.1.0, one run per
tool); the gate recorded in ``$SHIPYARD_GATES_FILE`` when set. Exit 0 when the gate passed,
1 when it failed or an input is missing or invalid, 2 for a bad command line.
``--json PATH`` writes::

    {
      "gate": {"name": "security", "passed": false,
               "summary": "1 high finding: PYSEC-2018-28 in requests 2.19.0
                           (PYSEC-2018-28: no severity given, counted as high)"},
      "analysis": "Shipyard offline code analysis: bandit, ruff S rules",
      "sources": [{"name": "bandit", "status": "ran", "note": "", "findings": 0}, ...,
                  {"name": "osv database", "status": "ran", "note": "../vulndb/pypa (2661 records)",
                   "findings": 1},
                  {"name": "safety", "status": "not configured", "note": "...", "findings": 0}],
      "dependencies": {"from": "files",
                       "checked": [{"name": "requests", "version": "2.19.0",
                                    "source": "requirements.txt:1"}],
                       "unpinned": ["flask"]},
      "review": {"base": "main", "changes": [{"kind": "added", "name": "requests",
                 "before": "", "after": "2.19.0", "source": "requirements.txt:1"}]} | null,
      "vulnerabilities": [{"id": "PYSEC-2018-28", "aliases": ["CVE-2018-18074", ...],
                           "package": "requests", "version": "2.19.0",
                           "source": "requirements.txt:1", "fixed": ["2.20.0"],
                           "severity": "high",
                           "severity_source": "the advisory gives no severity: counted as high",
                           "summary": "...", "url": "...", "in_change": true}],
      "counts": {"critical": 0, "high": 1, "medium": 0, "low": 0, "info": 0},
      "findings": [<finding objects, as in shipyard report quality>]
    }

``status`` is ``ran``, ``not installed``, ``error``, ``skipped``, ``unreachable`` or
``not configured``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from shipyard.errors import UserError
from shipyard.tools.publish import publish_summary


def add_parser(sub: Any, name: str, help_text: str) -> None:
    """Define the command's options."""
    parser = sub.add_parser(name, help=help_text, description=help_text)
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="code to analyse (default: the project)"
    )
    parser.add_argument("--db", metavar="DIR|ZIP", help="OSV advisory database (folder or zip)")
    parser.add_argument("--base", metavar="REF", help="review the dependencies changed since REF")
    parser.add_argument("--sarif", metavar="PATH", help="write the findings as SARIF 2.1.0 to PATH")
    parser.add_argument("--json", metavar="PATH", help="write the result as JSON to PATH")
    parser.add_argument("--online", action="store_true", help="also ask the OSV service (osv.dev)")
    parser.add_argument(
        "--from",
        dest="source",
        choices=("auto", "files", "declared", "env"),
        default="auto",
        help="where the dependency versions come from (default: auto)",
    )
    parser.add_argument(
        "--python",
        metavar="PATH",
        help="the interpreter for --from declared and env (default: this one)",
    )


def run(args: argparse.Namespace) -> int:
    """Scan, write the outputs, and return the gate's exit code."""
    from shipyard.reports.gates import GateResult
    from shipyard.tools.gatefile import record_gate

    root = Path.cwd()
    try:
        missing = [p for p in args.paths if not (root / p).exists()]
        if missing:
            raise UserError(f"no such file or folder: {', '.join(missing)}")
        report = _scan(args, root)
    except UserError as err:
        record_gate(GateResult("security", False, f"not checked: {err.message}"))
        raise
    return _write(args, report)


def _scan(args: argparse.Namespace, root: Path) -> Any:
    from shipyard.reports.dependencies import review_dependencies, unique_dependencies
    from shipyard.reports.findings import RAN, ToolRun
    from shipyard.reports.security import SecurityReport, find_vulnerabilities
    from shipyard.settings import load_project_settings
    from shipyard.tools import bandit_run, dependencies, vulndb

    settings = load_project_settings(root)
    print("scanning code and dependencies", file=sys.stderr)
    code_findings, sources = bandit_run.run_code_analysis(args.paths, root)
    files = dependencies.load_file_dependencies(root)
    chosen = args.source
    if chosen == "auto":
        chosen = "files" if files.pinned else "declared" if files.declared else "env"
    python = args.python or sys.executable
    if chosen == "files":
        deps = files
    elif chosen == "declared":
        deps = dependencies.load_declared_dependencies(python, files)
    else:
        deps = dependencies.load_environment_dependencies(python)
    checked = unique_dependencies(deps.pinned)
    review = None
    if args.base:
        base = dependencies.load_base_dependencies(root, args.base)
        review = review_dependencies(base.pinned, files.pinned)
    advisories: dict[str, dict[str, Any]] = {}
    location = vulndb.locate_vulndb(args.db, os.environ, settings.security_db, root)
    absent = None
    from_settings = not args.db and not os.environ.get(vulndb.VULNDB_ENV)
    if location is not None and from_settings and not location.exists():
        # a machine's path in the project's settings (absent on GitHub's runners, say) is
        # skipped and said; a --db or $SHIPYARD_VULNDB that is not there is an error
        absent, location = location, None
        note = f"[tool.shipyard] security-db {absent} is not on this machine"
        sources.append(ToolRun("osv database", "skipped", note))
    if location is not None:
        db = vulndb.open_vulndb(location)
        for name, found in db.lookup(checked).items():
            advisories.setdefault(name, {}).update({a.id: a for a in found})
        note = f"{location} ({db.records} records)"
        if db.problems:
            note += f"; {len(db.problems)} unreadable, first: {db.problems[0]}"
        sources.append(ToolRun("osv database", RAN, note))
    if args.online:
        online, problem = vulndb.query_online(checked)
        for name, found in online.items():
            advisories.setdefault(name, {}).update({a.id: a for a in found})
        sources.append(ToolRun("osv.dev", "unreachable" if problem else RAN, problem or ""))
    if location is None and absent is None and not args.online:
        hint = "no advisory database: give --db, $SHIPYARD_VULNDB or [tool.shipyard] security-db"
        sources.append(ToolRun("dependency scan", "skipped", hint))
    changed = {c.name for c in review or () if c.kind in ("added", "changed")}
    by_name = {name: list(found.values()) for name, found in advisories.items()}
    vulnerabilities = find_vulnerabilities(checked, by_name, changed)
    for index, source in enumerate(sources):
        if source.name in ("osv database", "osv.dev") and source.status == RAN:
            sources[index] = ToolRun(source.name, RAN, source.note, len(vulnerabilities))
    safety_files = [f for f in files.files if f.endswith(".txt")]
    safety_findings, safety_run = bandit_run.run_safety(root, safety_files)
    sources.append(safety_run)
    return SecurityReport(
        analysis=bandit_run.analysis_name(sources[:2]),
        sources=tuple(sources),
        code_findings=tuple(code_findings + safety_findings),
        vulnerabilities=tuple(vulnerabilities),
        dependencies=tuple(checked),
        unpinned=deps.unpinned,
        dependency_from=chosen if chosen == "files" else f"{chosen} {python}",
        review=None if review is None else tuple(review),
        base=args.base,
    )


def _write(args: argparse.Namespace, report: Any) -> int:
    from shipyard.reports.sarif import render_sarif
    from shipyard.reports.security import (
        evaluate_security_gate,
        render_security_markdown,
        render_security_text,
        security_json,
    )
    from shipyard.tools.gatefile import record_gate

    gate = evaluate_security_gate(report)
    for line in render_security_text(report, gate):
        print(line)
    publish_summary(render_security_markdown(report, gate))
    outputs = []
    if args.json:
        outputs.append((args.json, security_json(report, gate)))
    if args.sarif:
        ran = [s.name.split()[0] for s in report.sources[:2] if s.status == "ran"]
        outputs.append((args.sarif, render_sarif(report.findings, [*ran, "osv"])))
    for path, data in outputs:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(data, indent=2) + "\n", "utf-8")
    record_gate(gate)
    return 0 if gate.passed else 1
