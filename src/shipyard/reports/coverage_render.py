"""The views of a coverage result: the terminal table, the Markdown step summary and the
pull-request comment body.

The terminal table has ``coverage report``'s columns (Branch and BrPart only when branches
were measured) plus a Change column when there is a base. The comment starts with the
:data:`COMMENT_MARKER` line, so that a bot can find and update its own comment, then the
total with its change (``84.2% (+1.3%)``) and a table of the files whose coverage changed.
"""

from __future__ import annotations

from shipyard.reports.coverage import (
    BaseInfo,
    CoverageDelta,
    CoverageResult,
    FileChange,
    FileCoverage,
    format_change,
    format_minimum,
)
from shipyard.reports.gates import GateResult

COMMENT_MARKER = "<!-- shipyard-coverage -->"


def _change_cell(change: FileChange | None, precision: int) -> str:
    if change is None:
        return ""
    if change.status != "changed" or change.change is None:
        return change.status
    return format_change(change.change, precision)


def render_terminal(
    result: CoverageResult, delta: CoverageDelta | None = None, base: BaseInfo | None = None
) -> str:
    """The table ``coverage report`` prints, with a Change column against the base."""
    precision = result.display_precision
    changes = {c.path: c for c in delta.files} if delta else {}
    header = ["Name", "Stmts", "Miss"] + (["Branch", "BrPart"] if result.branch else [])
    header += ["Cover"] + (["Change"] if delta else [])

    def row(item: FileCoverage, change: str) -> list[str]:
        cells = [item.path, str(item.statements), str(item.missing)]
        if result.branch:
            cells += [str(item.branches), str(item.partial)]
        cells.append(result.shown(item.percent) + "%")
        return [*cells, change] if delta else cells

    rows = [row(f, _change_cell(changes.get(f.path), precision)) for f in result.files]
    total_change = format_change(delta.total_change, precision) if delta else ""
    total = row(result.total, total_change)
    # coverage report's layout: the name padded, every other column 7 wide or more.
    widths = [max(len(r[i]) for r in [header, *rows, total]) + 1 for i in range(len(header))]
    widths = [max(widths[0], 6)] + [max(width, 7) for width in widths[1:]]

    def line(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = [cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True)]
        return "".join([first, *rest]).rstrip()

    rule = "-" * len(line(header))
    lines = [line(header), rule, *(line(r) for r in rows), rule, line(total)]
    removed = [c.path for c in delta.files if c.status == "removed"] if delta else []
    if removed:
        lines.append("")
        lines.append("removed since the base: " + ", ".join(removed))
    lines.append("")
    lines.append(f"base: {base.describe()}" if base else "base: none (no result to compare with)")
    return "\n".join(lines) + "\n"


def _headline(result: CoverageResult, delta: CoverageDelta | None) -> str:
    text = f"{result.shown(result.percent)}%"
    if delta is not None:
        text += f" ({format_change(delta.total_change, result.display_precision)})"
    return text


def _verdict(gate: GateResult, minimum: float) -> str:
    word = "✅ passed" if gate.passed else "❌ failed"
    return f"minimum {format_minimum(minimum)}%: {word}"


def render_markdown(
    result: CoverageResult,
    gate: GateResult,
    minimum: float,
    delta: CoverageDelta | None = None,
    base: BaseInfo | None = None,
) -> str:
    """The step summary: total, verdict, and every file in a table."""
    precision = result.display_precision
    changes = {c.path: c for c in delta.files} if delta else {}
    against = f" against {_md_base(base)}" if base else ""
    lines = [
        "## Coverage",
        "",
        f"**{_headline(result, delta)}**{against} · {_verdict(gate, minimum)}",
        "",
    ]
    header = ["File", "Stmts", "Miss"] + (["Branch", "BrPart"] if result.branch else [])
    header += ["Cover"] + (["Change"] if delta else [])
    lines.append("| " + " | ".join(header) + " |")
    lines.append("| --- |" + " --: |" * (len(header) - 1))

    def cells(item: FileCoverage, name: str, change: str) -> list[str]:
        out = [name, str(item.statements), str(item.missing)]
        if result.branch:
            out += [str(item.branches), str(item.partial)]
        out.append(result.shown(item.percent) + "%")
        return [*out, change] if delta else out

    for item in result.files:
        change = _change_cell(changes.get(item.path), precision)
        lines.append("| " + " | ".join(cells(item, f"`{item.path}`", change)) + " |")
    total_change = format_change(delta.total_change, precision) if delta else ""
    total = [f"**{c}**" if c else c for c in cells(result.total, "Total", total_change)]
    lines.append("| " + " | ".join(total) + " |")
    removed = [c.path for c in delta.files if c.status == "removed"] if delta else []
    if removed:
        lines.append("")
        lines.append("Removed since the base: " + ", ".join(f"`{p}`" for p in removed))
    return "\n".join(lines) + "\n"


def _md_base(base: BaseInfo) -> str:
    if base.found == "file":
        return f"`{base.source}`"
    short = f"`{(base.commit or '?')[:7]}`"
    return f"{short} ({base.ref})" if base.ref else short


def render_comment(
    result: CoverageResult,
    gate: GateResult,
    minimum: float,
    delta: CoverageDelta | None = None,
    base: BaseInfo | None = None,
) -> str:
    """The pull-request comment body: marker, total with its change, changed files."""
    precision = result.display_precision
    lines = [COMMENT_MARKER, f"## Coverage: {_headline(result, delta)}", ""]
    if base is None or delta is None:
        lines.append(f"No base result to compare with · {_verdict(gate, minimum)}")
        return "\n".join(lines) + "\n"
    lines.append(f"Compared with {_md_base(base)} · {_verdict(gate, minimum)}")
    lines.append("")
    if not delta.files:
        lines.append("No file's coverage changed.")
        return "\n".join(lines) + "\n"
    lines.append("| File | Coverage | Change |")
    lines.append("| --- | --: | --: |")
    for change in delta.files:
        shown = "—" if change.head is None else result.shown(change.head.percent) + "%"
        lines.append(f"| `{change.path}` | {shown} | {_change_cell(change, precision)} |")
    return "\n".join(lines) + "\n"
