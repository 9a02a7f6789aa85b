"""Reading and writing coverage results as text: coverage.py's JSON and Cobertura XML
reports, and Shipyard's own JSON document.

Shipyard's document (``--json PATH``, and each result kept in the local coverage store)::

    {
      "kind": "coverage", "format": 1,
      "commit": "<sha>" | null,          # the commit measured, when known
      "precision": 0,                    # coverage's [report] precision
      "branch": true,                    # whether branch coverage was measured
      "total": NUMBERS,
      "files": [{"path": "src/pkg/mod.py", ...NUMBERS}, ...],   # sorted by path
      # only in --json output:
      "base": {"commit": "<sha>" | null, "ref": "main" | null,
               "found": "merge-base" | "parent" | "ancestor" | "file",
               "source": str | null,
               "total": NUMBERS} | null,
      "change": {"total": 1.3,           # points, difference of the shown percentages
                 "files": [{"path": str, "status": "changed" | "new" | "removed",
                            "percent": float | null, "base_percent": float | null,
                            "change": float | null}]} | null,
      "minimum": 80.0,
      "gate": {"name": "coverage", "passed": true, "summary": "coverage 84.2% (min 80%)"}
    }

where ``NUMBERS`` is ``{"statements", "missing", "branches", "partial",
"missing_branches"}`` (integers) plus ``"percent"`` (exact) and ``"display"`` (shown).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from typing import Any

from shipyard.errors import UserError
from shipyard.reports.coverage import (
    BaseInfo,
    CoverageDelta,
    CoverageResult,
    FileCoverage,
    make_result,
)
from shipyard.reports.gates import GateResult

DOCUMENT_KIND = "coverage"
DOCUMENT_FORMAT = 1
_CONDITION = re.compile(r"\((\d+)/(\d+)\)")


def _numbers(item: FileCoverage, result: CoverageResult) -> dict[str, Any]:
    return {
        "statements": item.statements,
        "missing": item.missing,
        "branches": item.branches,
        "partial": item.partial,
        "missing_branches": item.missing_branches,
        "percent": item.percent,
        "display": result.shown(item.percent),
    }


def render_result_document(
    result: CoverageResult,
    *,
    commit: str | None = None,
    base: BaseInfo | None = None,
    delta: CoverageDelta | None = None,
    minimum: float | None = None,
    gate: GateResult | None = None,
) -> dict[str, Any]:
    """Shipyard's JSON document for a result (see the module docstring)."""
    document: dict[str, Any] = {
        "kind": DOCUMENT_KIND,
        "format": DOCUMENT_FORMAT,
        "commit": commit,
        "precision": result.precision,
        "branch": result.branch,
        "total": _numbers(result.total, result),
        "files": [{"path": f.path, **_numbers(f, result)} for f in result.files],
    }
    if minimum is None and gate is None:
        return document
    document["base"] = None
    if base is not None:
        document["base"] = {
            "commit": base.commit,
            "ref": base.ref,
            "found": base.found,
            "source": base.source,
            "total": _numbers(base.result.total, result),
        }
    document["change"] = None
    if delta is not None:
        document["change"] = {
            "total": delta.total_change,
            "files": [
                {
                    "path": c.path,
                    "status": c.status,
                    "percent": None if c.head is None else c.head.percent,
                    "base_percent": None if c.base is None else c.base.percent,
                    "change": c.change,
                }
                for c in delta.files
            ],
        }
    document["minimum"] = minimum
    document["gate"] = None if gate is None else gate.to_json()
    return document


def _count(data: dict[str, Any], key: str, source: str) -> int:
    value = data.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise UserError(f"{source}: {key} must be a whole number, got {value!r}")
    return value


def _load_json(text: str, source: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError as err:
        raise UserError(f"{source}: not valid JSON: {err}") from None
    if not isinstance(data, dict):
        raise UserError(f"{source}: expected a JSON object")
    return data


def parse_coverage_json(text: str, source: str = "coverage.json") -> CoverageResult:
    """A result from Shipyard's document or from coverage.py's ``coverage json`` report."""
    data = _load_json(text, source)
    if data.get("kind") == DOCUMENT_KIND:
        return _parse_document(data, source)
    files = data.get("files")
    if not isinstance(files, dict) or not isinstance(data.get("totals"), dict):
        raise UserError(
            f"{source}: not a coverage report (no 'files' and 'totals')",
            hint="pass the file `coverage json` writes, or one `shipyard report coverage "
            "--json` wrote",
        )
    items: list[FileCoverage] = []
    for path, entry in files.items():
        summary = entry.get("summary") if isinstance(entry, dict) else None
        if not isinstance(summary, dict):
            raise UserError(f"{source}: file {path} has no summary")
        where = f"{source}: {path}"
        items.append(
            FileCoverage(
                str(path),
                _count(summary, "num_statements", where),
                _count(summary, "missing_lines", where),
                _count(summary, "num_branches", where),
                _count(summary, "num_partial_branches", where),
                _count(summary, "missing_branches", where),
            )
        )
    display = str(data["totals"].get("percent_covered_display", ""))
    precision = len(display.partition(".")[2])
    meta = data.get("meta")
    branch = bool(meta.get("branch_coverage")) if isinstance(meta, dict) else None
    return make_result(items, precision=precision, branch=branch)


def _parse_document(data: dict[str, Any], source: str) -> CoverageResult:
    if data.get("format") != DOCUMENT_FORMAT:
        raise UserError(f"{source}: unsupported format {data.get('format')!r} (expected 1)")
    files = data.get("files")
    if not isinstance(files, list):
        raise UserError(f"{source}: 'files' must be a list")
    items: list[FileCoverage] = []
    for entry in files:
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            raise UserError(f"{source}: each file needs a 'path'")
        where = f"{source}: {entry['path']}"
        items.append(
            FileCoverage(
                entry["path"],
                _count(entry, "statements", where),
                _count(entry, "missing", where),
                _count(entry, "branches", where),
                _count(entry, "partial", where),
                _count(entry, "missing_branches", where),
            )
        )
    precision = data.get("precision", 0)
    if isinstance(precision, bool) or not isinstance(precision, int) or precision < 0:
        raise UserError(f"{source}: precision must be a whole number, got {precision!r}")
    return make_result(items, precision=precision, branch=bool(data.get("branch")))


def document_commit(text: str) -> str | None:
    """The ``commit`` of Shipyard's document, if it names one."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    commit = data.get("commit") if isinstance(data, dict) else None
    return commit if isinstance(commit, str) else None


def parse_cobertura(
    text: str,
    source: str = "coverage.xml",
    locate: Callable[[str, list[str]], str] | None = None,
) -> CoverageResult:
    """A result from a Cobertura XML report (``coverage xml``): one file per ``class``.

    A class's ``filename`` is relative to one of the report's ``<source>`` folders (with
    ``[run] source = ["pkg"]``, ``grades.py`` means ``pkg/grades.py``); ``locate(filename,
    sources)`` turns it into the path the other formats use (the filename as is without it).
    """
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as err:
        raise UserError(f"{source}: not valid XML: {err}") from None
    if root.tag != "coverage":
        raise UserError(f"{source}: not a Cobertura report (root element <{root.tag}>)")
    sources = [(s.text or "").strip() for s in root.iter("source") if (s.text or "").strip()]
    items: list[FileCoverage] = []
    for klass in root.iter("class"):
        path = klass.get("filename")
        if not path:
            raise UserError(f"{source}: a <class> has no filename")
        path = locate(path, sources) if locate is not None else path
        statements = missing = branches = partial = missing_branches = 0
        for line in klass.iter("line"):
            statements += 1
            hit = (line.get("hits") or "0") != "0"
            missing += not hit
            match = _CONDITION.search(line.get("condition-coverage") or "")
            if line.get("branch") == "true" and match:
                taken, exits = int(match.group(1)), int(match.group(2))
                branches += exits
                missing_branches += exits - taken
                partial += hit and taken < exits
        items.append(FileCoverage(path, statements, missing, branches, partial, missing_branches))
    has_branches = any(f.branches for f in items) or root.get("branches-valid", "0") != "0"
    return make_result(items, precision=0, branch=has_branches)
