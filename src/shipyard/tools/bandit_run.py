"""Running the code security scanners: Bandit, ruff's ``S`` rules, and Safety when configured.

:func:`run_code_analysis` is Shipyard's offline code analysis, what the ``codeql`` job
runs locally: ``bandit -f json -r`` (Bandit's own severity and confidence) and
``ruff check --select S`` (the same checks re-implemented, with Bandit's severities), run
side by side; a ruff finding that repeats a Bandit one is dropped. Either may be missing;
the report names the ones that ran. ``assert`` findings (B101/S101) in test files are left
out: asserts are how tests check.

:func:`run_safety` runs ``safety check --json`` on the requirement files (or the
environment) when ``$SAFETY_API_KEY`` is set; Safety reads the key from there.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from shipyard.reports import analysers, bandit
from shipyard.reports.findings import ERROR, NOT_INSTALLED, RAN, Finding, ToolRun
from shipyard.reports.security import merge_code_findings
from shipyard.tools.quality import Command, commands_for, execute, run_command, tool_command

SAFETY_KEY_ENV = "SAFETY_API_KEY"
RUFF_SECURITY = "ruff S rules"


def is_test_file(path: str) -> bool:
    """Whether a path is a test module (under ``tests``/``test`` or named ``test_*.py``)."""
    parts = path.replace("\\", "/").split("/")
    name = parts[-1]
    return (
        any(p in ("tests", "test") for p in parts[:-1])
        or name.startswith("test_")
        or (name.endswith("_test.py") or name == "conftest.py")
    )


def _keep(finding: Finding) -> bool:
    return not (finding.code in ("B101", "S101") and is_test_file(finding.path))


def _nosec(finding: Finding, root: Path) -> bool:
    """Whether the finding's line carries Bandit's ``# nosec`` (honoured for ruff too)."""
    if not finding.line:
        return False
    try:
        with (root / finding.path).open(encoding="utf-8", errors="replace") as handle:
            for number, text in enumerate(handle, 1):
                if number == finding.line:
                    return "# nosec" in text
    except OSError:
        return False
    return False


def _run_tool(name: str, command: Command, root: Path) -> tuple[list[Finding], ToolRun]:
    module = command.tool
    start = tool_command(module)
    if start is None:
        return [], ToolRun(name, NOT_INSTALLED, f"install {module} to run it")
    found, error = execute(command, start, root)
    if error is not None:
        return [], ToolRun(name, ERROR, error)
    kept = [f for f in found if _keep(f)]
    return kept, ToolRun(name, RAN, findings=len(kept))


def run_code_analysis(paths: Sequence[str], root: Path) -> tuple[list[Finding], list[ToolRun]]:
    """Bandit and ruff's ``S`` rules on ``paths`` (or the project): findings and runs."""
    targets = tuple(paths) or (".",)
    bandit_command = commands_for("bandit", root, paths)[0]
    ruff = Command(
        "ruff",
        ("check", "--select", "S", "--output-format", "json", "--no-fix", *targets),
        analysers.parse_ruff_json,
    )
    jobs = [("bandit", bandit_command), (RUFF_SECURITY, ruff)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        (bandit_found, bandit_run), (ruff_found, ruff_run) = pool.map(
            lambda job: _run_tool(job[0], job[1], root), jobs
        )
    ruff_found = [f for f in ruff_found if f.category == "security" and not _nosec(f, root)]
    merged = merge_code_findings(bandit_found, ruff_found)
    extra = len(merged) - len(bandit_found)
    if ruff_run.status == RAN and bandit_run.status == RAN:
        ruff_run = ToolRun(
            RUFF_SECURITY, RAN, f"{len(ruff_found) - extra} also found by bandit", extra
        )
    return merged, [bandit_run, ruff_run]


def analysis_name(runs: Sequence[ToolRun]) -> str:
    """How the report names the offline analysis that ran (instead of CodeQL)."""
    ran = [r.name for r in runs if r.status == RAN]
    if not ran:
        return "Shipyard offline code analysis: none ran (install bandit or ruff)"
    return f"Shipyard offline code analysis: {', '.join(ran)}"


def run_safety(
    root: Path, requirement_files: Sequence[str], environ: dict[str, str] | None = None
) -> tuple[list[Finding], ToolRun]:
    """Safety's findings, or why it did not run (``not configured`` without a key)."""
    env = dict(os.environ if environ is None else environ)
    if not env.get(SAFETY_KEY_ENV):
        return [], ToolRun("safety", "not configured", f"set {SAFETY_KEY_ENV} to run Safety")
    start = tool_command("safety")
    if start is None:
        return [], ToolRun("safety", NOT_INSTALLED, f"{SAFETY_KEY_ENV} is set; install safety")
    findings: list[Finding] = []
    targets: list[tuple[str, ...]] = [("-r", name) for name in requirement_files] or [()]
    for target in targets:
        code, out, err = run_command([*start, "check", "--json", *target], root)
        try:
            findings += bandit.parse_safety_json(out, target[1] if target else "")
        except ValueError:
            return [], ToolRun("safety", ERROR, f"exit code {code}: {(err or out).strip()[-200:]}")
    return findings, ToolRun("safety", RAN, findings=len(findings))
