"""What Bandit and Safety print, read into security findings; Bandit's severity of its tests.

:func:`parse_bandit_json` reads ``bandit -f json``: Bandit's severity (``HIGH`` -> high),
its confidence as the note; files Bandit could not parse become ``info`` findings.
:func:`parse_safety_json` reads ``safety check --json`` (an advisory without a CVSS
severity counts as high). :func:`bandit_severity` gives the severity Bandit assigns to its
test ``B<number>``; ruff's ``S`` rules use the same numbers.

Pure: text in, findings out.
"""

from __future__ import annotations

import json
from typing import Any

from shipyard.reports.findings import Finding

# Bandit's severity of its tests, by number (ruff's S rules use the same numbers).
BANDIT_HIGH = frozenset(
    {"201", "312", "321", "324", "401", "402", "413", "501", "502", "503", "504", "505", "602"}
    | {"605", "609", "701"}
)
BANDIT_LOW = frozenset(
    {"101", "105", "106", "107", "110", "112", "311", "403", "404", "603", "607"}
)


def bandit_severity(number: str) -> str:
    """Bandit's severity for test ``B<number>`` (medium when not in the tables)."""
    if number in BANDIT_HIGH:
        return "high"
    return "low" if number in BANDIT_LOW else "medium"


def _load_json(text: str, tool: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as err:
        raise ValueError(f"{tool} printed no JSON: {text.strip()[:200] or 'no output'}") from err


BANDIT_SEVERITIES = {"HIGH": "high", "MEDIUM": "medium", "LOW": "low"}


def parse_bandit_json(text: str) -> list[Finding]:
    """Findings from ``bandit -f json``: its severity, its confidence as a note; files it
    could not parse become ``info`` findings."""
    data = _load_json(text, "bandit")
    findings = []
    for item in data.get("results", []):
        column = item.get("col_offset")
        findings.append(
            Finding(
                "bandit",
                str(item.get("test_id", "")),
                str(item.get("issue_text", "")),
                str(item.get("filename", "")),
                item.get("line_number"),
                None if column is None else int(column) + 1,
                BANDIT_SEVERITIES.get(str(item.get("issue_severity", "")).upper(), "info"),
                "security",
                f"confidence {str(item.get('issue_confidence', 'undefined')).lower()}",
            )
        )
    for error in data.get("errors", []):
        reason = str(error.get("reason", "error"))
        findings.append(
            Finding(
                "bandit",
                "error",
                reason,
                str(error.get("filename", "")),
                None,
                None,
                "info",
                "security",
            )
        )
    return findings


def _safety_severity(item: dict[str, Any]) -> tuple[str, str]:
    severity = item.get("severity") or {}
    for key in ("cvssv3", "cvssv2"):
        rating = str((severity.get(key) or {}).get("base_severity", "")).lower()
        if rating in ("critical", "high", "medium", "low"):
            return rating, ""
    return "high", "the advisory gives no severity: counted as high"


def parse_safety_json(text: str, source: str = "") -> list[Finding]:
    """Vulnerabilities from ``safety check --json`` (Safety 2 and 3), located at ``source``."""
    data = _load_json(text, "safety")
    findings = []
    for item in data.get("vulnerabilities", []) if isinstance(data, dict) else []:
        severity, note = _safety_severity(item)
        fixed = ", ".join(item.get("fixed_versions") or [])
        message = (
            f"{item.get('package_name')} {item.get('analyzed_version')}: "
            + " ".join(str(item.get("advisory", "")).split())[:160]
        )
        message += f" (fixed in {fixed})" if fixed else ""
        code = str(item.get("CVE") or f"safety-{item.get('vulnerability_id')}")
        findings.append(
            Finding("safety", code, message, source, None, None, severity, "security", note)
        )
    return findings
