"""303 real workflows from 45 public projects: every one reads without an error.

GitHub runs all of them, so none may be rejected (warnings are allowed). That includes
the 5 that GitHub's TypeScript parser rejects (see the corpus README): flake8's
``tags:`` with no value and scrapy's ``env: ${{ matrix.env }}``. Local reusable workflows
(``uses: ./.github/workflows/x.yml``) are followed within the same repository, so each
call is checked against the called file's inputs and secrets; remote ones are not.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from shipyard.diagnostics import Severity
from shipyard.workflow.reader import parse_workflow

_REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("SHIPYARD_REALWORLD", _REPO.parent / "shared" / "realworld"))
_FILES = sorted(CORPUS.glob("workflows/*/workflows__*.y*ml")) if CORPUS.is_dir() else []
# The files GitHub's TypeScript parser rejects, and what Shipyard says instead.
REJECTED_BY_TYPESCRIPT = {
    "workflows/PyCQA__flake8/workflows__main.yml": [
        "'tags' has no value: Shipyard reads it as if it were absent"
    ],
    "workflows/scrapy__scrapy/workflows__checks.yml": [],
    "workflows/scrapy__scrapy/workflows__tests-macos.yml": [],
    "workflows/scrapy__scrapy/workflows__tests-ubuntu.yml": [],
    "workflows/scrapy__scrapy/workflows__tests-windows.yml": [],
}


def _github_path(file: Path) -> str:
    """``workflows__ci.yml`` → ``.github/workflows/ci.yml``."""
    return ".github/" + file.name.replace("__", "/", 1)


def _fetch_in(repo: Path) -> Callable[[str], str | None]:
    def fetch(name: str) -> str | None:
        if not name.startswith("./.github/workflows/"):
            return None  # a remote workflow: not followed
        called = repo / ("workflows__" + name.removeprefix("./.github/workflows/"))
        if not called.is_file():
            raise LookupError(name)
        return called.read_text(encoding="utf-8")

    return fetch


def _key(file: Path) -> str:
    return file.relative_to(CORPUS).as_posix()


@pytest.mark.skipif(not _FILES, reason=f"real-world corpus not found at {CORPUS}")
@pytest.mark.parametrize("file", _FILES, ids=_key)
def test_workflow_reads_without_errors(file: Path) -> None:
    workflow = parse_workflow(
        file.read_text(encoding="utf-8"), _github_path(file), fetch=_fetch_in(file.parent)
    )
    errors = [d.render() for d in workflow.diagnostics if d.severity is Severity.ERROR]
    assert errors == []
    assert workflow.jobs, "a valid workflow has jobs"
    expected_warnings = REJECTED_BY_TYPESCRIPT.get(_key(file))
    if expected_warnings is not None:
        warnings = [d.message for d in workflow.diagnostics if d.severity is Severity.WARNING]
        assert warnings == expected_warnings


@pytest.mark.skipif(not _FILES, reason=f"real-world corpus not found at {CORPUS}")
def test_corpus_matches_the_oracle_inventory() -> None:
    oracle = json.loads((CORPUS / "oracle.json").read_text(encoding="utf-8"))
    assert sorted(oracle) == sorted(_key(f) for f in _FILES)
    rejected = sorted(k for k, v in oracle.items() if not v["valid"])
    assert rejected == sorted(REJECTED_BY_TYPESCRIPT)
