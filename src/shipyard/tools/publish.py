"""Where report commands publish: the step summary, and the run's pull-request comment.

``$GITHUB_STEP_SUMMARY`` (set by GitHub and by ``shipyard run``) receives each report's
Markdown. ``$SHIPYARD_COMMENT_FILE`` (set by ``shipyard run`` only) collects the
pull-request comment bodies of a run's reports, so the comment is kept with the run
(``shipyard show``); on GitHub a workflow posts the ``--comment`` file instead.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

COMMENT_FILE_ENV = "SHIPYARD_COMMENT_FILE"


def _append(variable: str, text: str, environ: Mapping[str, str] | None) -> None:
    environ = os.environ if environ is None else environ
    target = environ.get(variable)
    if not target or not text:
        return
    with open(target, "a", encoding="utf-8") as handle:
        handle.write(text if text.endswith("\n") else text + "\n")


def publish_summary(markdown: str, environ: Mapping[str, str] | None = None) -> None:
    """Append a report's Markdown to ``$GITHUB_STEP_SUMMARY`` when set."""
    _append("GITHUB_STEP_SUMMARY", markdown, environ)


def publish_comment(markdown: str, environ: Mapping[str, str] | None = None) -> None:
    """Add a report's comment body to the run's pull-request comment when under a run."""
    _append(COMMENT_FILE_ENV, markdown + "\n", environ)
