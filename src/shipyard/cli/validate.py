"""``shipyard validate``: read workflow files and print every problem GitHub would report.

Human output (stdout): every problem of every file, sorted by file, line and column, in
GitHub's format ``path (Line: N, Col: M): message``, a hint on an indented ``  hint:``
line, warnings prefixed ``warning:``. A problem found in a called workflow
(``uses: ./.github/workflows/called.yml``) is shown at its own file, once, even when that
file is validated too. A one-line verdict goes to stderr (``2 files valid``,
``1 of 3 files invalid: 4 errors, 1 warning``). Exit status 1 when any file has an error;
warnings never fail validation.

``--json`` prints, for one file, exactly::

    {"valid": bool,
     "errors": [{"message": str, "line": int | null, "column": int | null}],
     "summary": {"events": [str],                      # sorted
                 "job_ids": [str],                     # file order
                 "jobs": [{"id": str, "needs": [str], "steps": int | null}]}}

(``steps`` is null for a job that calls a reusable workflow), and for several files an
object keyed by path. Errors without a position in the file (a file that is not UTF-8,
an error inside a called workflow) have null ``line``/``column``; the message of an
error in another file starts with that file's ``path (Line: N, Col: M): ``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from shipyard.diagnostics import Diagnostic, Severity, Span, sort_diagnostics
from shipyard.errors import UserError
from shipyard.repository import (
    find_workflow_files,
    local_workflow_fetcher,
    read_workflow_file,
    repository_root,
)
from shipyard.valueclass import dataclass, replace
from shipyard.workflow.model import Job


def add_parser(sub: Any, name: str, help_text: str) -> None:
    """Define the command's options."""
    parser = sub.add_parser(name, help=help_text, description=help_text)
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or folders (default: .github/workflows)"
    )
    parser.add_argument("--json", action="store_true", help="print a JSON result per file")


@dataclass(frozen=True, slots=True)
class FileResult:
    """One file's verdict: its problems (paths as shown) and what could be read of it."""

    path: str
    diagnostics: tuple[Diagnostic, ...]
    events: tuple[str, ...] = ()
    jobs: tuple[Job, ...] = ()

    @property
    def valid(self) -> bool:
        """A file is valid when it has no error-level diagnostic."""
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)


def run(args: argparse.Namespace) -> int:
    """Validate every file; exit 1 when any has an error."""
    root = repository_root()
    results = [validate_file(path, root) for path in find_workflow_files(args.paths)]
    if args.json:
        objects = {r.path: summarise(r) for r in results}
        out: object = next(iter(objects.values())) if len(objects) == 1 else objects
        print(json.dumps(out, indent=2))
    else:
        print_human(results)
    return 1 if any(not r.valid for r in results) else 0


def unreadable_diagnostic(path: Path, error: UserError, shown: str) -> Diagnostic:
    """A workflow file that cannot be read, as a problem of that file (where it is known)."""
    message = error.message.removeprefix(f"{path}: ")
    line, column = getattr(error, "line", None), getattr(error, "column", None)
    return Diagnostic(message, Span(shown, line, column), hint=error.hint)


def validate_file(path: Path, root: Path) -> FileResult:
    """Read and check one file, following local reusable-workflow calls under ``root``."""
    from shipyard.workflow.reader import parse_workflow

    try:
        source = read_workflow_file(path)
    except UserError as error:  # unreadable: a problem of this file, not of the run
        return FileResult(_display(path), (unreadable_diagnostic(path, error, _display(path)),))
    fetch = local_workflow_fetcher(root)
    workflow = parse_workflow(source.text, source.display_path, fetch=fetch, complete=True)
    diagnostics = tuple(_at_shown_path(d, root) for d in workflow.diagnostics)
    return FileResult(
        workflow.path,
        diagnostics,
        tuple(sorted(e.name for e in workflow.events)),
        workflow.jobs,
    )


def _display(path: Path) -> str:
    """``path`` relative to the current folder when it is under it, as the reader shows it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _at_shown_path(diagnostic: Diagnostic, root: Path) -> Diagnostic:
    """A called file's ``./path`` (relative to the repository) shown like any other path."""
    span = diagnostic.span
    if span is None or not span.file.startswith("./"):
        return diagnostic
    return replace(diagnostic, span=replace(span, file=_display(root / span.file[2:])))


def summarise(result: FileResult) -> dict[str, object]:
    """The ``--json`` object of one file."""
    errors = [d for d in sort_diagnostics(result.diagnostics) if d.severity is Severity.ERROR]
    return {
        "valid": result.valid,
        "errors": [_json_error(d, result.path) for d in errors],
        "summary": {
            "events": list(result.events),
            "job_ids": [j.id for j in result.jobs],
            "jobs": [
                {
                    "id": j.id,
                    "needs": list(j.needs),
                    "steps": None if j.is_reusable_call else len(j.steps),
                }
                for j in result.jobs
            ],
        },
    }


def _json_error(diagnostic: Diagnostic, path: str) -> dict[str, object]:
    span = diagnostic.span
    if span is None or span.file == path:
        return {"message": diagnostic.message, "line": diagnostic.line, "column": diagnostic.column}
    # another file's problem (a called workflow): the message says where it is
    return {"message": span.prefix() + diagnostic.message, "line": None, "column": None}


def print_human(results: list[FileResult]) -> None:
    """Each problem once, sorted, on stdout; then a one-line verdict on stderr."""
    diagnostics = sort_diagnostics(d for r in results for d in r.diagnostics)
    for d in diagnostics:
        print(d.render())
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
    warnings = len(diagnostics) - errors
    files = len(results)
    bad = sum(1 for r in results if not r.valid)
    noun = "file" if files == 1 else "files"
    if not results:
        verdict = "no workflow files (*.yml, *.yaml) found"
    elif bad:
        verdict = f"{bad} of {files} {noun} invalid: {errors} error{'s' * (errors != 1)}"
    else:
        verdict = f"{files} {noun} valid"
    if warnings:
        verdict += f", {warnings} warning{'s' * (warnings != 1)}"
    print(verdict, file=sys.stderr)
