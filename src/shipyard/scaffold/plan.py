"""What ``shipyard init`` would do to each file, with the diff (pure).

Owns :func:`plan_changes`: given the files as they are (None: missing) and as rendered,
one :class:`FileChange` per file — ``create``, ``update``, ``unchanged``, or ``skip``
for a workflow the user edited (or wrote: it has no stamp, see
:mod:`shipyard.scaffold.stamp`), which only ``force`` overwrites. Files rendered without
a stamp (``pyproject.toml``, whose ``[tool.shipyard]`` table init merges into the user's
text) are never skipped. Also the words the command prints for a plan.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence

from shipyard.scaffold.stamp import edit_state, parse_stamp
from shipyard.valueclass import dataclass

CREATE = "create"
UPDATE = "update"
UNCHANGED = "unchanged"
SKIP = "skip"
WRITES = (CREATE, UPDATE)


@dataclass(frozen=True, slots=True)
class FileChange:
    """One file of the plan: the action, why (for ``skip`` and forced updates), the texts."""

    path: str
    action: str
    old: str | None
    new: str
    reason: str = ""

    @property
    def writes(self) -> bool:
        """Whether carrying out the plan writes this file."""
        return self.action in WRITES

    def diff(self) -> str:
        """The unified diff from the current text to the rendered one (empty if equal)."""
        old = "" if self.old is None else self.old.replace("\r\n", "\n")
        lines = difflib.unified_diff(
            old.splitlines(keepends=True),
            self.new.splitlines(keepends=True),
            fromfile="/dev/null" if self.old is None else f"a/{self.path}",
            tofile=f"b/{self.path}",
        )
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def _change(path: str, old: str | None, new: str, force: bool) -> FileChange:
    if old is None:
        return FileChange(path, CREATE, old, new)
    if old.replace("\r\n", "\n") == new:
        return FileChange(path, UNCHANGED, old, new)
    stamped = parse_stamp(new)[0] is not None
    state = edit_state(old) if stamped else "pristine"
    if state == "pristine":
        return FileChange(path, UPDATE, old, new)
    why = (
        "edited since shipyard init wrote it"
        if state == "edited"
        else "exists and was not written by shipyard init"
    )
    if force:
        return FileChange(path, UPDATE, old, new, f"{why}; overwritten (--force)")
    return FileChange(path, SKIP, old, new, f"{why}; --force overwrites it")


def plan_changes(
    current: Mapping[str, str | None], rendered: Mapping[str, str], *, force: bool = False
) -> list[FileChange]:
    """One change per rendered file, in the rendered order."""
    return [_change(path, current.get(path), new, force) for path, new in rendered.items()]


def render_plan(changes: Sequence[FileChange]) -> list[str]:
    """One line per file: ``create     .github/workflows/1-tests.yml``, reasons indented."""
    lines = []
    for change in changes:
        line = f"{change.action:<10} {change.path}"
        if change.reason:
            line += f"  ({change.reason})"
        lines.append(line.rstrip())
    return lines


def summarize(changes: Sequence[FileChange]) -> str:
    """One line: ``2 to create, 1 to update, 5 unchanged, 1 left alone (edited)``."""
    counts = {
        action: sum(1 for c in changes if c.action == action)
        for action in (CREATE, UPDATE, UNCHANGED, SKIP)
    }
    parts = []
    if counts[CREATE]:
        parts.append(f"{counts[CREATE]} to create")
    if counts[UPDATE]:
        parts.append(f"{counts[UPDATE]} to update")
    if counts[UNCHANGED]:
        parts.append(f"{counts[UNCHANGED]} unchanged")
    if counts[SKIP]:
        parts.append(f"{counts[SKIP]} left alone (edited)")
    return ", ".join(parts) or "no file"
