"""Findings of code analysers and the quality gate: the shared vocabulary of quality and security.

A :class:`Finding` is one problem one tool reported, normalised: a ``severity``
(``critical`` > ``high`` > ``medium`` > ``low`` > ``info``) and a ``category``
(``format``, ``imports``, ``lint``, ``types``, ``complexity``, ``security``). A
:class:`ToolRun` says what became of each requested tool (``ran``, ``not installed``,
``error``, ``not configured``, ``unreachable``, ``skipped``).

The quality gate (:func:`evaluate_quality_gate`) passes when at least one tool ran, none
failed, and no finding is critical. Critical means a likely bug: a syntax error, an
undefined name, a type error. Formatting findings are ``low`` and count as critical
only when ``quality-fail-on-format`` is set. Tools that are not installed do not fail
the gate, but the summary names them as skipped.

Pure: plain data in, values and strings out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from shipyard.reports.gates import GateResult
from shipyard.valueclass import dataclass

SEVERITIES = ("critical", "high", "medium", "low", "info")
CATEGORIES = ("format", "imports", "lint", "types", "complexity", "security")
QUALITY_TOOLS = ("ruff", "black", "isort", "flake8", "pylint", "mypy", "radon", "bandit")
RAN = "ran"
NOT_INSTALLED = "not installed"
ERROR = "error"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem reported by one tool; ``line``/``column`` are 1-based (None: whole file)."""

    tool: str
    code: str
    message: str
    path: str
    line: int | None = None
    column: int | None = None
    severity: str = "low"
    category: str = "lint"
    note: str = ""

    def location(self) -> str:
        """``path:line:column`` with as much as is known."""
        text = self.path or "(no file)"
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text

    def to_json(self) -> dict[str, object]:
        """The finding as a JSON object (see the report commands' docstrings)."""
        return {
            "tool": self.tool,
            "code": self.code,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "category": self.category,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class ToolRun:
    """What became of one tool: its status, a note (why skipped, a metric) and its findings."""

    name: str
    status: str
    note: str = ""
    findings: int = 0

    def to_json(self) -> dict[str, object]:
        """``{"name", "status", "note", "findings"}``."""
        return {
            "name": self.name,
            "status": self.status,
            "note": self.note,
            "findings": self.findings,
        }


def severity_rank(severity: str) -> int:
    """0 for critical ... 4 for info (unknown severities sort last)."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Most severe first, then by path, line and column."""
    return sorted(
        findings,
        key=lambda f: (severity_rank(f.severity), f.path, f.line or 0, f.column or 0, f.code),
    )


def count_by(findings: Iterable[Finding], attribute: str) -> dict[str, int]:
    """Counts per severity or category, in the canonical order, zero counts left out."""
    counts = Counter(str(getattr(f, attribute)) for f in findings)
    order = SEVERITIES if attribute == "severity" else CATEGORIES
    known = {key: counts[key] for key in order if counts[key]}
    known.update({key: n for key, n in sorted(counts.items()) if key not in order})
    return known


def plural(count: int, word: str) -> str:
    """``1 finding`` / ``2 findings`` (``issue``/``issues`` alike)."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def is_blocking(finding: Finding, fail_on_format: bool) -> bool:
    """Whether a finding fails the quality gate."""
    if finding.severity == "critical":
        return True
    return fail_on_format and finding.category == "format"


def describe(finding: Finding) -> str:
    """One short line naming a finding: ``F821 Undefined name `y` at src/a.py:6``."""
    where = finding.path + (f":{finding.line}" if finding.line is not None else "")
    return (
        f"{finding.code} {finding.message} at {where}"
        if where
        else f"{finding.code} {finding.message}"
    )


def _skipped_note(tools: Sequence[ToolRun]) -> str:
    skipped = [f"{t.name} ({t.status})" for t in tools if t.status not in (RAN, ERROR)]
    return f"; skipped: {', '.join(skipped)}" if skipped else ""


def evaluate_quality_gate(
    findings: Sequence[Finding], tools: Sequence[ToolRun], *, fail_on_format: bool = False
) -> GateResult:
    """The ``quality`` gate: no critical issue among the tools that ran (see module doc)."""
    skipped = _skipped_note(tools)
    failed = [t for t in tools if t.status == ERROR]
    if failed:
        names = ", ".join(f"{t.name} ({t.note})" if t.note else t.name for t in failed)
        return GateResult("quality", False, f"{plural(len(failed), 'tool')} failed: {names}")
    if not any(t.status == RAN for t in tools):
        names = ", ".join(f"{t.name} ({t.status})" for t in tools) or "none requested"
        return GateResult("quality", False, f"no quality tool ran: {names}")
    blocking = [f for f in sort_findings(findings) if is_blocking(f, fail_on_format)]
    if not blocking:
        summary = f"no critical issue ({plural(len(findings), 'finding')}){skipped}"
        return GateResult("quality", True, summary)
    shown = ", ".join(describe(f) for f in blocking[:3])
    more = f", and {len(blocking) - 3} more" if len(blocking) > 3 else ""
    word = "critical issue" if not fail_on_format else "blocking issue"
    return GateResult("quality", False, f"{plural(len(blocking), word)}: {shown}{more}")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_findings_markdown(findings: Sequence[Finding], limit: int = 100) -> str:
    """A Markdown table of findings, most severe first, at most ``limit`` rows."""
    if not findings:
        return ""
    lines = ["| Severity | Category | Code | Where | Message | Tool |", "|---|---|---|---|---|---|"]
    ordered = sort_findings(findings)
    for f in ordered[:limit]:
        message = f.message + (f" ({f.note})" if f.note else "")
        lines.append(
            f"| {f.severity} | {f.category} | `{_cell(f.code)}` | `{_cell(f.location())}` "
            f"| {_cell(message)} | {f.tool} |"
        )
    if len(ordered) > limit:
        lines.append(f"\n…and {len(ordered) - limit} more (see the JSON report)")
    return "\n".join(lines) + "\n"


def render_counts_markdown(findings: Sequence[Finding]) -> str:
    """A Markdown table: one row per category, one column per severity, with totals."""
    lines = [
        "| Category | " + " | ".join(s.capitalize() for s in SEVERITIES) + " | Total |",
        "|---" * (len(SEVERITIES) + 2) + "|",
    ]
    for category in CATEGORIES:
        rows = [f for f in findings if f.category == category]
        counts = count_by(rows, "severity")
        cells = " | ".join(str(counts.get(s, 0)) for s in SEVERITIES)
        lines.append(f"| {category} | {cells} | {len(rows)} |")
    return "\n".join(lines) + "\n"


def render_tools_markdown(tools: Sequence[ToolRun]) -> str:
    """A Markdown table of the tools: status, findings and note."""
    lines = ["| Tool | Status | Findings | Note |", "|---|---|---|---|"]
    for t in tools:
        found = str(t.findings) if t.status == RAN else "–"
        lines.append(f"| {t.name} | {t.status} | {found} | {_cell(t.note)} |")
    return "\n".join(lines) + "\n"


def render_quality_markdown(
    findings: Sequence[Finding], tools: Sequence[ToolRun], gate: GateResult
) -> str:
    """The step summary of ``shipyard report quality``."""
    verdict = "passed" if gate.passed else "failed"
    parts = [
        "## Code quality\n",
        f"**Quality gate {verdict}:** {gate.summary}\n",
        render_tools_markdown(tools),
        render_counts_markdown(findings),
    ]
    table = render_findings_markdown(findings)
    if table:
        parts.append(
            f"<details><summary>Findings ({len(findings)})</summary>\n\n{table}\n</details>\n"
        )
    return "\n".join(parts)


def render_findings_text(findings: Sequence[Finding], per_severity: int = 20) -> list[str]:
    """Terminal lines: every critical/high/medium finding, at most ``per_severity`` others each."""
    lines: list[str] = []
    shown: Counter[str] = Counter()
    hidden: Counter[str] = Counter()
    for f in sort_findings(findings):
        if f.severity in ("low", "info") and shown[f.severity] >= per_severity:
            hidden[f.severity] += 1
            continue
        shown[f.severity] += 1
        note = f" ({f.note})" if f.note else ""
        lines.append(f"{f.severity:<8}  {f.location()}  {f.code}  {f.message}{note}  [{f.tool}]")
    for severity, count in hidden.items():
        lines.append(f"…and {count} more {severity} findings (see --json)")
    return lines


def findings_json(findings: Sequence[Finding]) -> dict[str, object]:
    """``{"counts": {severity: n}, "categories": {category: n}, "findings": [...]}``."""
    ordered = sort_findings(findings)
    return {
        "counts": {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES},
        "categories": {c: sum(1 for f in findings if f.category == c) for c in CATEGORIES},
        "findings": [f.to_json() for f in ordered],
    }
