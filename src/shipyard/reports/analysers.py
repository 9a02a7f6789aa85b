"""What code analysers print, read into :class:`~shipyard.reports.findings.Finding` values.

One ``parse_*`` function per output format: ruff (``check --output-format json``, and
``format --check`` as JSON or text), mypy (text lines ``path:line:col: error: msg  [code]``
or ``-O json`` lines), pylint (``json`` and ``json2``), radon (``cc -j``, ``mi -j``),
flake8 (default text), black and isort (``--check`` messages); Bandit's and Safety's in
:mod:`shipyard.reports.bandit`.

Severity rules (see :mod:`shipyard.reports.findings`): syntax errors and undefined names
(ruff/flake8 ``F821``/``F822``/``F823``/``E999`` and the ``F70x`` statements outside their
block, pylint ``E0001``/``E0601``/``E0602``) and mypy errors are critical, except mypy's
missing-import errors (medium: a setup problem rather than a bug); formatting differences
are low. Ruff's ``S`` rules carry Bandit's severity for the Bandit test of the same number.

Pure: text in, findings out. Paths are reported as the tools print them; callers relativise.
"""

from __future__ import annotations

import json
import re
from typing import Any

from shipyard.reports.bandit import bandit_severity
from shipyard.reports.findings import Finding

CRITICAL_CODES = frozenset(
    {
        "F821",
        "F822",
        "F823",
        "E999",
        "F701",
        "F702",
        "F704",
        "F706",
        "invalid-syntax",
        "syntax-error",
    }
)
IMPORT_CODES = frozenset({"F401", "F403", "F405", "E401", "E402"})
LOW_CODES = frozenset({"F841", "F541"})
MYPY_SETUP_CODES = frozenset({"import-not-found", "import-untyped", "import", "unused-ignore"})
_FORMAT_PREFIXES = ("E1", "E2", "E3", "E5", "W1", "W2", "W3", "W5", "W6", "COM", "Q0")


def classify_code(code: str | None) -> tuple[str, str]:
    """(severity, category) for a ruff/flake8 rule code (None: a syntax error)."""
    if code is None or code in CRITICAL_CODES:
        return "critical", "lint"
    if code.startswith("I") or code in IMPORT_CODES:
        return "low", "imports"
    if re.fullmatch(r"S\d{3}", code):
        return bandit_severity(code[1:]), "security"
    if code.startswith("C90"):
        return "medium", "complexity"
    if code.startswith("E9") or code.startswith("PLE"):
        return "high", "lint"
    if code.startswith(_FORMAT_PREFIXES):
        return "low", "format"
    if code in LOW_CODES:
        return "low", "lint"
    if code.startswith(("F", "B")):
        return "medium", "lint"
    return "low", "lint"


def load_json(text: str, tool: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as err:
        raise ValueError(f"{tool} printed no JSON: {text.strip()[:200] or 'no output'}") from err


def parse_ruff_json(text: str, tool: str = "ruff") -> list[Finding]:
    """Findings from ``ruff check --output-format json`` (raises ValueError when not JSON)."""
    findings = []
    for item in load_json(text or "[]", tool):
        code = item.get("code")
        severity, category = classify_code(code)
        location = item.get("location") or {}
        findings.append(
            Finding(
                tool,
                code or "invalid-syntax",
                str(item.get("message", "")),
                str(item.get("filename", "")),
                location.get("row"),
                location.get("column"),
                severity,
                category,
            )
        )
    return findings


_WOULD_REFORMAT = re.compile(r"^(?:Would reformat|would reformat):? (.+?)\s*$", re.M)
_UNFORMATTED = re.compile(r"^unformatted: .*\n\s*-->\s*(.+?):(\d+):(\d+)\s*$", re.M)


def _format_finding(tool: str, path: str, line: int | None = None) -> Finding:
    return Finding(tool, "format", "file would be reformatted", path, line, None, "low", "format")


def parse_format_check(text: str, tool: str = "ruff format") -> list[Finding]:
    """Files that ``ruff format --check`` (JSON or text) or ``black --check`` would change."""
    stripped = text.strip()
    if stripped.startswith("["):
        return [
            _format_finding(
                tool, str(item.get("filename", "")), (item.get("location") or {}).get("row")
            )
            for item in load_json(stripped, tool)
            if item.get("code") == "unformatted"
        ]
    found = [_format_finding(tool, m.group(1)) for m in _WOULD_REFORMAT.finditer(text)]
    found += [
        _format_finding(tool, m.group(1), int(m.group(2))) for m in _UNFORMATTED.finditer(text)
    ]
    return found


_ISORT = re.compile(r"^ERROR: (.+?) Imports are incorrectly sorted", re.M)


def parse_isort_check(text: str) -> list[Finding]:
    """Files ``isort --check-only`` says are unsorted."""
    return [
        Finding(
            "isort",
            "isort",
            "imports are incorrectly sorted",
            m.group(1),
            None,
            None,
            "low",
            "imports",
        )
        for m in _ISORT.finditer(text)
    ]


_FLAKE8 = re.compile(r"^(.+?):(\d+):(\d+): ([A-Z]+\d+) (.*)$", re.M)


def parse_flake8_text(text: str) -> list[Finding]:
    """Findings from flake8's default ``path:line:col: CODE message`` lines."""
    findings = []
    for m in _FLAKE8.finditer(text):
        severity, category = classify_code(m.group(4))
        line, column = int(m.group(2)), int(m.group(3))
        findings.append(
            Finding("flake8", m.group(4), m.group(5), m.group(1), line, column, severity, category)
        )
    return findings


_MYPY = re.compile(
    r"^(.+?):(\d+):(?:(\d+):)? (error|warning|note): (.*?)(?:  \[([\w-]+)\])?$", re.M
)


def _mypy_finding(path: str, line: int, column: int | None, message: str, code: str) -> Finding:
    if code == "syntax":
        severity, category = "critical", "lint"
    else:
        severity = "medium" if code in MYPY_SETUP_CODES else "critical"
        category = "types"
    return Finding("mypy", code or "error", message, path, line, column, severity, category)


def parse_mypy_output(text: str) -> list[Finding]:
    """Errors from mypy's text lines or ``-O json`` lines; notes are left out."""
    findings = []
    for raw in text.splitlines():
        if raw.startswith("{"):
            item = load_json(raw, "mypy")
            if item.get("severity") != "error":
                continue
            column = item.get("column")
            findings.append(
                _mypy_finding(
                    str(item.get("file", "")),
                    int(item.get("line", 0)),
                    None if column is None or column < 0 else column + 1,
                    str(item.get("message", "")),
                    str(item.get("code") or ""),
                )
            )
            continue
        m = _MYPY.match(raw)
        if m and m.group(4) == "error":
            column = int(m.group(3)) if m.group(3) else None
            findings.append(
                _mypy_finding(m.group(1), int(m.group(2)), column, m.group(5), m.group(6) or "")
            )
    return findings


PYLINT_CRITICAL = frozenset({"E0001", "E0601", "E0602", "E0603"})
PYLINT_TYPES = {"fatal": "high", "error": "high", "warning": "medium", "refactor": "low"}
PYLINT_TYPES.update({"convention": "low", "info": "info"})


def parse_pylint_json(text: str) -> list[Finding]:
    """Findings from ``pylint --output-format=json`` (a list) or ``json2`` (``messages``)."""
    data = load_json(text or "[]", "pylint")
    messages = data.get("messages", []) if isinstance(data, dict) else data
    findings = []
    for item in messages:
        code = str(item.get("message-id") or item.get("messageId") or "")
        kind = str(item.get("type", ""))
        severity = "critical" if code in PYLINT_CRITICAL else PYLINT_TYPES.get(kind, "low")
        symbol = str(item.get("symbol", ""))
        category = (
            "imports" if "import" in symbol else ("format" if code.startswith("C03") else "lint")
        )
        column = item.get("column")
        findings.append(
            Finding(
                "pylint",
                code,
                f"{item.get('message', '')} ({symbol})" if symbol else str(item.get("message", "")),
                str(item.get("path", "")),
                item.get("line"),
                None if column is None else int(column) + 1,
                severity,
                category,
            )
        )
    return findings


def parse_radon_cc(text: str) -> tuple[list[Finding], list[int]]:
    """Rank E/F blocks of ``radon cc -j`` (medium), and the complexity of every block."""
    findings: list[Finding] = []
    values: list[int] = []
    for path, blocks in load_json(text or "{}", "radon").items():
        if not isinstance(blocks, list):
            continue
        for block in blocks:
            values.append(int(block.get("complexity", 0)))
            rank = str(block.get("rank", ""))
            if rank not in ("E", "F"):
                continue
            name = block.get("name", "")
            if block.get("classname"):
                name = f"{block['classname']}.{name}"
            kind, complexity = block.get("type", "block"), block.get("complexity")
            message = f"{kind} `{name}` has cyclomatic complexity {complexity} (rank {rank})"
            column = int(block.get("col_offset", 0)) + 1
            findings.append(
                Finding(
                    "radon",
                    f"CC-{rank}",
                    message,
                    path,
                    block.get("lineno"),
                    column,
                    "medium",
                    "complexity",
                )
            )
    return findings, values


def parse_radon_mi(text: str) -> list[Finding]:
    """Files with a low maintainability index from ``radon mi -j`` (rank C medium, B low)."""
    findings = []
    for path, item in load_json(text or "{}", "radon").items():
        rank = str(item.get("rank", "")) if isinstance(item, dict) else ""
        if rank in ("B", "C"):
            message = f"maintainability index {float(item.get('mi', 0)):.1f} (rank {rank})"
            severity = "medium" if rank == "C" else "low"
            findings.append(
                Finding("radon", f"MI-{rank}", message, path, None, None, severity, "complexity")
            )
    return findings
