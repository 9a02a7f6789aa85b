"""The local store behind ``actions/cache``: one tar per key in Shipyard's data folder.

Owns where cache entries live and how they are written and read back:

- a repository's entries are under ``<data_dir>/caches/<repository>/actions-cache/``
  (``<repository>`` is the folder's name and a hash of its path), one
  ``<id>.tar.gz`` with a ``<id>.json`` beside it (key, version, creation time, size);
  ``id`` hashes the key and the *version*, which — as on GitHub — hashes the ``path``
  lines, so an entry is only restored for the same paths;
- an entry is immutable: it is written to a temporary file and hard-linked into place,
  so when parallel jobs save the same key the first one wins and the others are told
  the key is taken, as GitHub's "Unable to reserve cache" says;
- files in the workspace are stored relative to it (``ws/...``) and restored into the
  restoring job's workspace; other files keep their absolute path (``abs/...``), as the
  real action's relative-to-workspace tar paths restore them;
- lookup is the real order: the key exactly, then each restore key — exactly, then as
  a prefix of the newest entry — with the same version.

Deviation: GitHub scopes caches by branch (a branch sees its own and the default
branch's); here every branch of a repository shares one scope.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tarfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

from shipyard.actions.base import RunInfo
from shipyard.valueclass import dataclass

_METHOD = "gzip"


def cache_root(info: RunInfo) -> Path:
    """``<data_dir>/caches/<repository>``: every cache of this repository is under it."""
    real = os.path.realpath(info.repo)
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", os.path.basename(real)) or "repo"
    digest = hashlib.sha256(real.encode()).hexdigest()[:12]
    return info.data_dir / "caches" / f"{name}-{digest}"


def cache_version(paths: Sequence[str]) -> str:
    """The entry version: the ``path`` lines and the compression, as @actions/cache hashes them."""
    return hashlib.sha256("|".join([*paths, _METHOD, "1.0"]).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Entry:
    """One stored cache entry."""

    key: str
    version: str
    created: float
    archive: Path


class CacheStore:
    """The entries of one repository (see the module docstring)."""

    def __init__(self, root: Path) -> None:
        self.folder = root / "actions-cache"

    def _id(self, key: str, version: str) -> str:
        return hashlib.sha256(f"{version}\0{key}".encode()).hexdigest()

    def entries(self, version: str) -> list[Entry]:
        """Entries with this version, newest first."""
        found: list[Entry] = []
        for meta in self.folder.glob("*.json") if self.folder.is_dir() else ():
            with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
                data = json.loads(meta.read_text(encoding="utf-8"))
                archive = meta.with_suffix(".tar.gz")
                if data["version"] == version and archive.is_file():
                    found.append(Entry(data["key"], version, float(data["created"]), archive))
        return sorted(found, key=lambda e: e.created, reverse=True)

    def lookup(self, key: str, restore_keys: Sequence[str], version: str) -> Entry | None:
        """The entry to restore for ``key`` then ``restore_keys`` (see the module docs)."""
        entries = self.entries(version)
        for wanted in (key, *restore_keys):
            exact = [e for e in entries if e.key == wanted]
            prefixed = [e for e in entries if e.key.startswith(wanted)]
            if exact or prefixed:
                return (exact or prefixed)[0]
        return None

    def save(self, key: str, version: str, paths: Sequence[str], workspace: Path) -> int | None:
        """Archive ``paths``; the archive's size, or None when the key is already taken."""
        entry_id = self._id(key, version)
        archive = self.folder / f"{entry_id}.tar.gz"
        if archive.exists():
            self._write_meta(entry_id, key, version, archive)
            return None
        self.folder.mkdir(parents=True, exist_ok=True)
        temp = self.folder / f".tmp-{uuid.uuid4().hex}.tar.gz"
        try:
            _write_archive(temp, paths, workspace)
            size = temp.stat().st_size
            try:
                os.link(temp, archive)
            except FileExistsError:
                return None
        finally:
            temp.unlink(missing_ok=True)
        self._write_meta(entry_id, key, version, archive)
        return size

    def _write_meta(self, entry_id: str, key: str, version: str, archive: Path) -> None:
        meta = self.folder / f"{entry_id}.json"
        if meta.exists():
            return
        temp = self.folder / f".tmp-{uuid.uuid4().hex}.json"
        data = {
            "key": key,
            "version": version,
            "created": time.time(),
            "size": archive.stat().st_size,
        }
        temp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(temp, meta)


def _arcname(path: str, workspace: Path) -> str:
    relative = os.path.relpath(path, workspace)
    if relative == "." or not relative.startswith(".."):
        return "ws" if relative == "." else f"ws/{relative}"
    return "abs/" + path.lstrip("/")


def _write_archive(target: Path, paths: Sequence[str], workspace: Path) -> None:
    added: set[str] = set()
    with tarfile.open(target, "w:gz", compresslevel=1) as tar:
        for top in paths:
            for path in _tree(top):
                name = _arcname(path, workspace)
                if name in added:
                    continue
                added.add(name)
                info = tar.gettarinfo(path, arcname=name)
                if info.islnk():  # a hard link: store the bytes again
                    info.type, info.linkname = tarfile.REGTYPE, ""
                    info.size = os.stat(path).st_size
                if info.isreg():
                    with open(path, "rb") as handle:
                        tar.addfile(info, handle)
                elif info.isdir() or info.issym():
                    tar.addfile(info)


def _tree(top: str) -> list[str]:
    """``top`` and, for a folder, everything under it (links not followed)."""
    if not os.path.isdir(top) or os.path.islink(top):
        return [top]
    found = [top]
    for folder, dirs, files in os.walk(top):
        dirs.sort()
        found.extend(os.path.join(folder, n) for n in (*sorted(dirs), *sorted(files)))
    return found


def restore_archive(archive: Path, workspace: Path) -> None:
    """Unpack an entry: ``ws/`` into ``workspace``, ``abs/`` to its absolute place."""
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar:
            base, _, rest = member.name.partition("/")
            if base not in ("ws", "abs") or ".." in Path(rest).parts:
                continue
            root = workspace if base == "ws" else Path("/")
            target = root / rest if rest else root
            if member.isdir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.is_symlink() or target.is_file():
                target.unlink()
            elif target.is_dir():
                shutil.rmtree(target)
            if member.issym():
                os.symlink(member.linkname, target)
            elif member.isreg():
                source = tar.extractfile(member)
                if source is None:
                    continue
                with source, open(target, "wb") as out:
                    shutil.copyfileobj(source, out)
                os.chmod(target, member.mode & 0o7777)
                os.utime(target, (member.mtime, member.mtime))
