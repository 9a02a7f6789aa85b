"""The step summary (``GITHUB_STEP_SUMMARY``): the size limit and the masked copy.

Owns the runner's ``CreateStepSummaryCommand`` rules (actions/runner
``src/Runner.Worker/FileCommandManager.cs``): an empty summary is skipped; one larger
than 1 MiB (measured in bytes of the file, UTF-8) is not uploaded and the step logs an
error (the step does not fail); otherwise each line is masked and written back with a
line break after every line.
"""

from __future__ import annotations

import re

from shipyard.stepio.masking import Masker

SUMMARY_SIZE_LIMIT = 1024 * 1024
SUMMARY_TOO_LARGE = (
    "$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of {}k, got {}k. "
    "For more information see: https://docs.github.com/actions/using-workflows/"
    "workflow-commands-for-github-actions#adding-a-markdown-summary"
)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def check_summary_size(size: int) -> str | None:
    """The runner's error for a summary file of ``size`` bytes, or ``None`` when it fits."""
    if size > SUMMARY_SIZE_LIMIT:
        return SUMMARY_TOO_LARGE.format(SUMMARY_SIZE_LIMIT // 1024, size // 1024)
    return None


def check_summary(text: str) -> str | None:
    """The runner's error for a summary of this text (UTF-8 size), or ``None``."""
    return check_summary_size(len(text.encode("utf-8", "surrogatepass")))


def render_summary(text: str, masker: Masker | None = None) -> str | None:
    """The summary as uploaded: lines masked, each ended by ``\\n``; ``None`` if skipped.

    Skipped means empty or too large (see :func:`check_summary`).
    """
    if not text or check_summary(text) is not None:
        return None
    lines = _LINE_BREAK.split(text.removeprefix("\ufeff"))
    if lines[-1] == "":
        lines.pop()
    if masker is not None:
        lines = [masker.mask(line) for line in lines]
    return "".join(line + "\n" for line in lines)
