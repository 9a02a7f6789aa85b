"""The security report: code findings, vulnerable dependencies, the dependency review, the gate.

:func:`find_vulnerabilities` matches dependencies against advisories
(:mod:`shipyard.reports.osv`); each match is a :class:`Vulnerability`, shown as a
``security`` finding of tool ``osv`` whose code is the advisory id. Code findings come
from Bandit and ruff's ``S`` rules; :func:`merge_code_findings` drops a ruff ``S`` finding
that repeats a Bandit finding (same file, line and test number).

The ``security`` gate (:func:`evaluate_security_gate`) fails on any ``high`` or
``critical`` finding (an advisory without a severity counts as high, and the summary
says so), when a source failed, or when nothing at all could be analysed; sources that
were skipped (no advisory database, Safety without a key) are named in the summary.

Pure: values in, values and strings out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from shipyard.reports.dependencies import Dependency, DependencyChange
from shipyard.reports.findings import (
    ERROR,
    RAN,
    SEVERITIES,
    Finding,
    ToolRun,
    plural,
    render_findings_markdown,
    render_findings_text,
    render_tools_markdown,
    sort_findings,
)
from shipyard.reports.gates import GateResult
from shipyard.reports.osv import NO_SEVERITY_NOTE, Advisory, fixed_versions, matching
from shipyard.valueclass import dataclass

MERGE_DISTANCE = 10


@dataclass(frozen=True, slots=True)
class Vulnerability:
    """A dependency affected by an advisory; ``in_change`` when the reviewed change brings it."""

    advisory: Advisory
    dependency: Dependency
    fixed: tuple[str, ...] = ()
    in_change: bool = False

    def to_finding(self) -> Finding:
        """The vulnerability as a ``security`` finding located at its dependency file."""
        path, _, line = self.dependency.source.partition(":")
        dep = self.dependency
        fix = f" (fixed in {', '.join(self.fixed)})" if self.fixed else " (no fixed version)"
        note = NO_SEVERITY_NOTE if self.advisory.severity_source == NO_SEVERITY_NOTE else ""
        return Finding(
            "osv",
            self.advisory.id,
            f"{dep.name} {dep.version}: {self.advisory.summary}{fix}",
            path,
            int(line) if line.isdigit() else None,
            None,
            self.advisory.severity,
            "security",
            note,
        )

    def to_json(self) -> dict[str, object]:
        """See :mod:`shipyard.cli.report_security` for the shape."""
        return {
            "id": self.advisory.id,
            "aliases": list(self.advisory.aliases),
            "package": self.dependency.name,
            "version": self.dependency.version,
            "source": self.dependency.source,
            "fixed": list(self.fixed),
            "severity": self.advisory.severity,
            "severity_source": self.advisory.severity_source,
            "summary": self.advisory.summary,
            "url": self.advisory.url,
            "in_change": self.in_change,
        }


def find_vulnerabilities(
    dependencies: Iterable[Dependency],
    advisories: Mapping[str, Sequence[Advisory]],
    changed: Iterable[str] = (),
) -> list[Vulnerability]:
    """Every (dependency, advisory) match; ``advisories`` is keyed by normalised name."""
    changed_names = set(changed)
    found = []
    for dep in dependencies:
        for advisory in matching(advisories.get(dep.name, ()), dep.name, dep.version):
            fixed = fixed_versions(advisory, dep.name)
            found.append(Vulnerability(advisory, dep, fixed, dep.name in changed_names))
    return found


def merge_code_findings(bandit: Sequence[Finding], ruff: Sequence[Finding]) -> list[Finding]:
    """Bandit's findings plus ruff's ``S`` findings that Bandit did not also report: the
    same check (``S602`` is ``B602``) in the same file within a few lines (for a call
    spread over several lines, ruff names its first line and Bandit the argument's)."""
    seen: dict[tuple[str, str], list[int]] = {}
    for f in bandit:
        seen.setdefault((f.path.removeprefix("./"), f.code.lstrip("B")), []).append(f.line or 0)

    def repeated(f: Finding) -> bool:
        lines = seen.get((f.path.removeprefix("./"), f.code.lstrip("S")), [])
        return any(abs((f.line or 0) - line) <= MERGE_DISTANCE for line in lines)

    return [*bandit, *(f for f in ruff if not repeated(f))]


@dataclass(frozen=True, slots=True)
class SecurityReport:
    """Everything ``shipyard report security`` found."""

    analysis: str
    sources: tuple[ToolRun, ...]
    code_findings: tuple[Finding, ...]
    vulnerabilities: tuple[Vulnerability, ...]
    dependencies: tuple[Dependency, ...]
    unpinned: tuple[str, ...] = ()
    dependency_from: str = "files"
    review: tuple[DependencyChange, ...] | None = None
    base: str | None = None

    @property
    def findings(self) -> list[Finding]:
        """Code findings and vulnerabilities, most severe first."""
        return sort_findings([*self.code_findings, *(v.to_finding() for v in self.vulnerabilities)])


def _name(finding: Finding) -> str:
    if finding.tool == "osv":
        package = finding.message.split(":", 1)[0]
        return f"{finding.code} in {package}"
    where = finding.path + (f":{finding.line}" if finding.line is not None else "")
    return f"{finding.code} at {where}"


def evaluate_security_gate(report: SecurityReport) -> GateResult:
    """The ``security`` gate (see the module docstring)."""
    failed = [s for s in report.sources if s.status == ERROR]
    if failed:
        names = ", ".join(f"{s.name} ({s.note})" if s.note else s.name for s in failed)
        return GateResult("security", False, f"{plural(len(failed), 'source')} failed: {names}")
    if not any(s.status == RAN for s in report.sources):
        return GateResult("security", False, "nothing was analysed: no scanner ran")
    skipped = [f"{s.name} ({s.note or s.status})" for s in report.sources if s.status != RAN]
    tail = f"; skipped: {', '.join(skipped)}" if skipped else ""
    findings = report.findings
    blocking = [f for f in findings if f.severity in ("critical", "high")]
    if not blocking:
        checked = plural(len(report.dependencies), "dependency").replace(
            "dependencys", "dependencies"
        )
        summary = (
            f"no high or critical finding ({plural(len(findings), 'finding')}, {checked} checked)"
        )
        return GateResult("security", True, summary + tail)
    critical = sum(1 for f in blocking if f.severity == "critical")
    high = len(blocking) - critical
    if critical and high:
        counted = f"{critical} critical and {high} high findings"
    else:
        counted = plural(len(blocking), "critical finding" if critical else "high finding")
    shown = ", ".join(_name(f) for f in blocking[:3])
    more = f", and {len(blocking) - 3} more" if len(blocking) > 3 else ""
    unrated = [f.code for f in blocking if f.note == NO_SEVERITY_NOTE]
    note = f" ({', '.join(unrated[:3])}: no severity given, counted as high)" if unrated else ""
    return GateResult("security", False, f"{counted}: {shown}{more}{note}")


def _review_lines(report: SecurityReport) -> list[str]:
    if report.review is None:
        return []
    if not report.review:
        return [f"dependency review against {report.base}: no dependency added or changed"]
    lines = [f"dependency review against {report.base}:"]
    for change in report.review:
        if change.kind == "added":
            lines.append(f"  added    {change.name} {change.after}")
        elif change.kind == "changed":
            lines.append(f"  changed  {change.name} {change.before} -> {change.after}")
        else:
            lines.append(f"  removed  {change.name} {change.before}")
    brought = sorted({v.advisory.id for v in report.vulnerabilities if v.in_change})
    if brought:
        counted = f"{len(brought)} advisor{'y' if len(brought) == 1 else 'ies'}"
        lines.append(f"  the change brings {counted}: {', '.join(brought)}")
    return lines


def render_security_text(report: SecurityReport, gate: GateResult) -> list[str]:
    """The terminal view: sources, findings, review and verdict."""
    lines = [report.analysis]
    for source in report.sources:
        detail = f"{source.findings} findings" if source.status == RAN else source.status
        lines.append(f"  {source.name:<14} {detail}{'  ' + source.note if source.note else ''}")
    lines.append(
        f"dependencies: {len(report.dependencies)} checked (from {report.dependency_from})"
        + (f", {len(report.unpinned)} unpinned not checked" if report.unpinned else "")
    )
    lines.extend(_review_lines(report))
    lines.extend(render_findings_text(report.findings))
    lines.append(f"security gate {'passed' if gate.passed else 'failed'}: {gate.summary}")
    return lines


def render_security_markdown(report: SecurityReport, gate: GateResult) -> str:
    """The step summary of ``shipyard report security``."""
    verdict = "passed" if gate.passed else "failed"
    parts = [
        "## Security\n",
        f"**Security gate {verdict}:** {gate.summary}\n",
        f"Code analysis: {report.analysis}\n",
        render_tools_markdown(report.sources),
    ]
    review = _review_lines(report)
    if review:
        parts.append("```\n" + "\n".join(review) + "\n```\n")
    table = render_findings_markdown(report.findings)
    if table:
        parts.append(table)
    return "\n".join(parts)


def security_json(report: SecurityReport, gate: GateResult) -> dict[str, object]:
    """The ``--json`` result (its shape is documented in :mod:`shipyard.cli.report_security`)."""
    findings = report.findings
    review = None
    if report.review is not None:
        review = {"base": report.base, "changes": [c.to_json() for c in report.review]}
    return {
        "gate": gate.to_json(),
        "analysis": report.analysis,
        "sources": [s.to_json() for s in report.sources],
        "dependencies": {
            "from": report.dependency_from,
            "checked": [d.to_json() for d in report.dependencies],
            "unpinned": list(report.unpinned),
        },
        "review": review,
        "vulnerabilities": [v.to_json() for v in report.vulnerabilities],
        "counts": {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES},
        "findings": [f.to_json() for f in findings],
    }
