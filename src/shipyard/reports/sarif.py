"""SARIF 2.1.0: findings as a Static Analysis Results Interchange Format log.

:func:`render_sarif` returns the log as plain data (``json.dumps`` it): one run per tool,
each with ``tool.driver`` (``name``, ``informationUri`` when known, ``rules``) and its
``results``. Every result has the fields the 2.1.0 schema requires (``message.text``) and
those GitHub code scanning reads: ``ruleId``/``ruleIndex``, ``level`` (``error`` for
critical and high, ``warning`` for medium, ``note`` below), ``locations`` with a relative
``artifactLocation.uri`` and a 1-based ``region`` when the finding has a line (a finding
without a file has no location). Rules carry ``properties.security-severity`` (a CVSS-like
number as a string) for security findings and ``properties.tags``.

Pure: findings in, data out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from shipyard.reports.findings import Finding

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "2.0", "info": "0.0"}
TOOL_URIS = {
    "bandit": "https://bandit.readthedocs.io/",
    "ruff": "https://docs.astral.sh/ruff/",
    "osv": "https://osv.dev/",
    "mypy": "https://mypy-lang.org/",
    "pylint": "https://pylint.readthedocs.io/",
    "radon": "https://radon.readthedocs.io/",
}
_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/")


def artifact_uri(path: str) -> str:
    """A relative URI reference for a file path (``\\`` becomes ``/``, others percent-encoded)."""
    text = path.replace("\\", "/").removeprefix("./")
    out = []
    for char in text:
        if char in _SAFE:
            out.append(char)
        else:
            out.extend(f"%{byte:02X}" for byte in char.encode("utf-8"))
    return "".join(out)


def _location(finding: Finding) -> dict[str, object]:
    physical: dict[str, object] = {"artifactLocation": {"uri": artifact_uri(finding.path)}}
    if finding.line is not None and finding.line >= 1:
        region: dict[str, int] = {"startLine": finding.line}
        if finding.column is not None and finding.column >= 1:
            region["startColumn"] = finding.column
        physical["region"] = region
    return {"physicalLocation": physical}


def _rule(finding: Finding) -> dict[str, object]:
    properties: dict[str, object] = {"tags": [finding.category]}
    if finding.category == "security":
        properties["security-severity"] = SECURITY_SEVERITY.get(finding.severity, "0.0")
        properties["tags"] = ["security"]
    rule: dict[str, object] = {
        "id": finding.code,
        "shortDescription": {"text": finding.message if finding.tool == "osv" else finding.code},
        "defaultConfiguration": {"level": LEVELS.get(finding.severity, "note")},
        "properties": properties,
    }
    if finding.tool == "osv":
        rule["helpUri"] = f"https://osv.dev/vulnerability/{finding.code}"
    return rule


def _result(finding: Finding, index: int) -> dict[str, object]:
    text = finding.message + (f" ({finding.note})" if finding.note else "")
    result: dict[str, object] = {
        "ruleId": finding.code,
        "ruleIndex": index,
        "level": LEVELS.get(finding.severity, "note"),
        "message": {"text": text or finding.code},
        "properties": {"severity": finding.severity, "category": finding.category},
    }
    if finding.path:
        result["locations"] = [_location(finding)]
    return result


def _run(tool: str, findings: Sequence[Finding], version: str | None) -> dict[str, object]:
    rules: list[dict[str, object]] = []
    index: dict[str, int] = {}
    results = []
    for finding in findings:
        if finding.code not in index:
            index[finding.code] = len(rules)
            rules.append(_rule(finding))
        results.append(_result(finding, index[finding.code]))
    driver: dict[str, object] = {"name": tool, "rules": rules}
    if tool.split()[0] in TOOL_URIS:
        driver["informationUri"] = TOOL_URIS[tool.split()[0]]
    if version:
        driver["version"] = version
    return {"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results}


def render_sarif(
    findings: Sequence[Finding],
    tools: Sequence[str] = (),
    versions: Mapping[str, str] | None = None,
) -> dict[str, object]:
    """A SARIF log: a run for each tool in ``tools`` (even without results) and for each
    other tool that has findings, in that order."""
    names = list(dict.fromkeys([*tools, *(f.tool for f in findings)]))
    versions = versions or {}
    runs = [
        _run(name, [f for f in findings if f.tool == name], versions.get(name)) for name in names
    ]
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": runs}
