"""The local coverage store, and finding the base result a coverage report compares with.

The pipeline uploads coverage to Codecov when it is configured; otherwise results go to
this store, one JSON document (:mod:`shipyard.reports.coverage_formats`) per commit::

    <data dir>/coverage/<repository>/<commit sha>.json

``<data dir>`` is :func:`shipyard.store.paths.data_home`; ``<repository>`` is the folder
name of :func:`shipyard.store.paths.repo_key` and a hash of it. A job workspace of
``shipyard run`` is a clone whose ``origin`` is the developer's folder: there the key is
the origin's, so what a run saves is found by the next run and by the developer.

The base of a report (:func:`find_base`), first match wins:

1. ``--base-json FILE``: that document (what a workflow on GitHub downloads as an artifact);
2. the stored result of the merge base of HEAD and the base ref (``--base``, else
   ``$GITHUB_BASE_REF``, else the default branch) — when HEAD is itself on the base
   branch, the merge base is HEAD, and HEAD's parent is used instead;
3. the newest stored result of an ancestor of that commit (``git rev-list`` order).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path

from shipyard.errors import UserError
from shipyard.reports.coverage import BaseInfo, CoverageResult
from shipyard.reports.coverage_formats import (
    document_commit,
    parse_coverage_json,
    render_result_document,
)
from shipyard.repository import default_branch, git_output
from shipyard.store.paths import data_home, repo_key

_SHA = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")
MAX_ANCESTORS = 10_000


def head_commit(cwd: Path | None = None) -> str | None:
    """The full sha of HEAD, or None outside git or before the first commit."""
    return git_output("rev-parse", "--verify", "--quiet", "HEAD^{commit}", cwd=cwd)


def store_key(cwd: Path | None = None) -> str:
    """The repository key results are filed under (see the module docstring)."""
    key = repo_key(cwd)
    origin = git_output("config", "--get", "remote.origin.url", cwd=cwd)
    if origin and not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://|^[^/]+:", origin):
        folder = Path(key) / origin if not Path(origin).is_absolute() else Path(origin)
        if (folder / ".git").exists():
            return repo_key(folder)
    return key


def store_folder(cwd: Path | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """``<data dir>/coverage/<repository>``: where this repository's results live."""
    key = store_key(cwd)
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", os.path.basename(key)) or "repo"
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    return data_home(environ) / "coverage" / f"{name}-{digest}"


def save_result(result: CoverageResult, commit: str, folder: Path) -> Path:
    """Store ``result`` as ``commit``'s (replacing an earlier one); returns the file."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{commit}.json"
    partial = folder / f".{commit}.{os.getpid()}.tmp"
    document = render_result_document(result, commit=commit)
    partial.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    os.replace(partial, target)
    return target


def stored_commits(folder: Path) -> set[str]:
    """The commits with a stored result."""
    if not folder.is_dir():
        return set()
    return {p.stem for p in folder.glob("*.json") if _SHA.match(p.stem)}


def load_stored(folder: Path, commit: str) -> CoverageResult:
    """The stored result of ``commit``."""
    path = folder / f"{commit}.json"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise UserError(f"cannot read the stored coverage result {path}: {err}") from None
    return parse_coverage_json(text, str(path))


def load_base_file(path: Path) -> BaseInfo:
    """The base given with ``--base-json``."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(
            f"no base coverage result: {path} not found",
            hint="pass the JSON that `shipyard report coverage --json` wrote for the base",
        ) from None
    except (OSError, UnicodeDecodeError) as err:
        raise UserError(f"cannot read {path}: {err}") from None
    result = parse_coverage_json(text, str(path))
    return BaseInfo(result, "file", commit=document_commit(text), source=str(path))


def base_ref(option: str | None, environ: Mapping[str, str], cwd: Path | None = None) -> str | None:
    """The ref to compare with: the option, else ``$GITHUB_BASE_REF``, else the default branch."""
    return option or environ.get("GITHUB_BASE_REF") or default_branch(cwd)


def _resolve(ref: str, cwd: Path | None) -> str | None:
    for candidate in (ref, f"origin/{ref}"):
        sha = git_output("rev-parse", "--verify", "--quiet", f"{candidate}^{{commit}}", cwd=cwd)
        if sha:
            return sha
    return None


def find_base(
    folder: Path, ref: str | None, cwd: Path | None = None, *, explicit_ref: bool = False
) -> BaseInfo | None:
    """The stored base result for HEAD (see the module docstring), or None."""
    head = head_commit(cwd)
    if head is None:
        return None
    start: str | None = None
    if ref is not None:
        target = _resolve(ref, cwd)
        if target is None and explicit_ref:
            raise UserError(f"unknown base ref {ref!r}", hint="pass a branch, tag or commit")
        if target is not None:
            start = git_output("merge-base", head, target, cwd=cwd)
    found = "merge-base"
    if start is None or start == head:
        start = git_output("rev-parse", "--verify", "--quiet", f"{head}^", cwd=cwd)
        found, ref = "parent", None
    stored = stored_commits(folder)
    if start is None or not stored:
        return None
    if start in stored:
        return BaseInfo(load_stored(folder, start), found, commit=start, ref=ref)
    ancestors = git_output("rev-list", f"--max-count={MAX_ANCESTORS}", start, cwd=cwd) or ""
    for sha in ancestors.split():
        if sha in stored:
            return BaseInfo(load_stored(folder, sha), "ancestor", commit=sha, ref=ref)
    return None
