"""Diagnostics: positioned problems found in user input, formatted the way GitHub does.

A :class:`Diagnostic` is a value; collecting many of them (rather than raising on the
first) is how the validator reports every problem in a file at once. The rendered form
is GitHub's: ``path (Line: N, Col: M): message``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from shipyard.valueclass import dataclass


@dataclass(frozen=True, slots=True)
class Span:
    """A position in a source file; ``line`` and ``column`` are 1-based."""

    file: str
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None

    def prefix(self) -> str:
        """``file (Line: N, Col: M): `` — GitHub's message prefix (``file: `` without a line)."""
        if self.line is None:
            return f"{self.file}: " if self.file else ""
        where = f"(Line: {self.line}, Col: {self.column})"
        return f"{self.file} {where}: " if self.file else f"{where}: "


class Severity(enum.Enum):
    """How bad a diagnostic is. Only errors make a workflow invalid."""

    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem: severity, message, where, and an optional hint for the fix."""

    message: str
    span: Span | None = None
    severity: Severity = Severity.ERROR
    hint: str | None = None
    code: str = ""

    @property
    def line(self) -> int | None:
        """The 1-based line, when known."""
        return None if self.span is None else self.span.line

    @property
    def column(self) -> int | None:
        """The 1-based column, when known."""
        return None if self.span is None else self.span.column

    def render(self, *, with_hint: bool = True) -> str:
        """``path (Line: N, Col: M): message`` with an indented ``hint:`` line."""
        text = (self.span.prefix() if self.span else "") + self.message
        if self.severity is not Severity.ERROR:
            text = f"{self.severity.value}: {text}"
        if with_hint and self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def sort_key(self) -> tuple[str, int, int, str]:
        """Order by file, line, column, then message (unknown positions first)."""
        span = self.span
        return (
            span.file if span else "",
            (span.line or 0) if span else 0,
            (span.column or 0) if span else 0,
            self.message,
        )


def sort_diagnostics(items: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Diagnostics in print order: by position, duplicates removed."""
    seen: set[tuple[str, str | None, int | None, int | None]] = set()
    out: list[Diagnostic] = []
    for d in sorted(items, key=Diagnostic.sort_key):
        key = (d.message, d.span.file if d.span else None, d.line, d.column)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


def has_errors(items: Iterable[Diagnostic]) -> bool:
    """True when any diagnostic is an error (warnings do not invalidate a file)."""
    return any(d.severity is Severity.ERROR for d in items)
