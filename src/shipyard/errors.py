"""The exception tree of Shipyard.

::

    ShipyardError                 base of everything Shipyard raises on purpose
    ├── UserError                 bad input from the user: printed, exit code 1
    │   └── WorkflowError         a workflow file cannot be read at all
    └── InternalError             a bug in Shipyard: crash log, exit code 3

Expression errors live in :mod:`shipyard.expr.errors` (the expression layer does not
import this module's higher layers, but it may subclass :class:`UserError`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # errors stay cheap to import: the CLI's error boundary needs them first
    from shipyard.diagnostics import Span


class ShipyardError(Exception):
    """Base class of every error Shipyard raises deliberately."""


class UserError(ShipyardError):
    """An error caused by the user's input; carries an optional source span and hint."""

    def __init__(self, message: str, *, span: Span | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.span = span
        self.hint = hint

    def render(self) -> str:
        """Format as ``file (Line: N, Col: M): message`` plus a ``hint:`` paragraph."""
        text = self.message if self.span is None else self.span.prefix() + self.message
        if self.hint:
            text += f"\n\nhint: {self.hint}"
        return text


class WorkflowError(UserError):
    """A workflow file that cannot be read (missing, not UTF-8, ...)."""


class InternalError(ShipyardError):
    """An invariant broke: a bug in Shipyard itself."""
