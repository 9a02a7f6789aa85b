"""Where a run's artifacts live: ``<run_dir>/artifacts/<name>/``, written atomically.

Owns the layout that upload-artifact writes and download-artifact (and later the web
views) read: ``<name>/files/...`` holds the files as uploaded (relative to the
artifact's root folder) and ``<name>/artifact.json`` their id, size, digest, retention
and the job that uploaded them. An artifact is built in a temporary folder and renamed
into place, so a name appears whole or not at all, and two jobs uploading the same name
at once cannot both succeed (the second gets GitHub's 409 conflict). Ids are small
integers, unique within the run, taken by creating ``.ids/<n>`` exclusively.

The digest (``artifact-digest``) is the SHA-256 of the stored content, not of a zip as
on GitHub (no zip is made): of the lines ``<path>\\0<sha256 of the file>\\n`` in path order.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Sequence
from pathlib import Path

from shipyard.valueclass import dataclass

CONFLICT = (
    "Failed to CreateArtifact: Received non-retryable error: Failed request: (409) Conflict: "
    "an artifact with this name already exists on the workflow run"
)


class ArtifactExists(Exception):
    """The name is taken in this run."""


@dataclass(frozen=True, slots=True)
class Artifact:
    """One stored artifact."""

    id: int
    name: str
    size: int
    digest: str
    folder: Path  # <run_dir>/artifacts/<name>

    @property
    def files(self) -> Path:
        """The folder holding the artifact's files."""
        return self.folder / "files"


def artifacts_dir(run_dir: Path) -> Path:
    """``<run_dir>/artifacts``."""
    return run_dir / "artifacts"


def list_artifacts(run_dir: Path) -> list[Artifact]:
    """The run's artifacts, by id."""
    found: list[Artifact] = []
    root = artifacts_dir(run_dir)
    for meta in root.glob("*/artifact.json") if root.is_dir() else ():
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            data = json.loads(meta.read_text(encoding="utf-8"))
            found.append(
                Artifact(
                    int(data["id"]),
                    str(data["name"]),
                    int(data["size"]),
                    str(data["digest"]),
                    meta.parent,
                )
            )
    return sorted(found, key=lambda a: a.id)


def store_artifact(
    run_dir: Path,
    name: str,
    files: Sequence[tuple[str, str]],
    *,
    overwrite: bool,
    extra: dict[str, object],
) -> Artifact:
    """Copy ``(source path, relative path)`` pairs in as artifact ``name``.

    Raises :class:`ArtifactExists` when the name is taken and ``overwrite`` is false.
    """
    root = artifacts_dir(run_dir)
    root.mkdir(parents=True, exist_ok=True)
    final = root / name
    if final.exists() and not overwrite:
        raise ArtifactExists(name)
    building = root / f".tmp-{uuid.uuid4().hex}"
    try:
        size, digest = _copy_in(building / "files", files)
        artifact_id = _next_id(root)
        data = {"id": artifact_id, "name": name, "size": size, "digest": digest, **extra}
        (building / "artifact.json").write_text(json.dumps(data, indent=1), encoding="utf-8")
        if overwrite and final.exists():
            _remove(final, root)
        try:
            building.rename(final)
        except OSError:
            raise ArtifactExists(name) from None
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return Artifact(artifact_id, name, size, digest, final)


def _copy_in(target: Path, files: Sequence[tuple[str, str]]) -> tuple[int, str]:
    total = 0
    lines = hashlib.sha256()
    for source, relative in sorted(files, key=lambda pair: pair[1]):
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with open(source, "rb") as src, open(destination, "wb") as dst:
            for chunk in iter(lambda: src.read(1 << 20), b""):
                digest.update(chunk)
                dst.write(chunk)
                total += len(chunk)
        shutil.copystat(source, destination)
        lines.update(f"{relative}\0{digest.hexdigest()}\n".encode())
    return total, lines.hexdigest()


def _next_id(root: Path) -> int:
    ids = root / ".ids"
    ids.mkdir(exist_ok=True)
    number = len(os.listdir(ids)) + 1
    while True:
        try:
            os.close(os.open(ids / str(number), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            return number
        except FileExistsError:
            number += 1


def _remove(folder: Path, root: Path) -> None:
    """Move an artifact out of the way (atomically), then delete it."""
    trash = root / f".tmp-{uuid.uuid4().hex}"
    with contextlib.suppress(OSError):
        folder.rename(trash)
        shutil.rmtree(trash, ignore_errors=True)


def copy_out(artifact: Artifact, destination: Path) -> None:
    """Copy an artifact's files into ``destination``, replacing files of the same name."""
    for folder, _dirs, names in os.walk(artifact.files):
        relative = os.path.relpath(folder, artifact.files)
        target_dir = destination if relative == "." else destination / relative
        target_dir.mkdir(parents=True, exist_ok=True)
        for name in names:
            target = target_dir / name
            if target.is_symlink() or target.exists():
                if target.is_dir() and not target.is_symlink():
                    shutil.rmtree(target)
                else:
                    target.unlink()
            shutil.copy2(os.path.join(folder, name), target)
