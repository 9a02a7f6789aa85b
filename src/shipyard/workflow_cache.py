"""A cache of converted workflows, so that ``shipyard run`` skips reading unchanged files.

Reading a workflow (YAML, templates, schema, conversion) costs more to import than to run
for a small workflow. The :class:`~shipyard.workflow.model.Workflow` that
:func:`~shipyard.workflow.reader.parse_workflow` returns is pickled under
``<data home>/cache/workflows/``, with what it was made from: Shipyard's version, a
fingerprint of its source files (so an edited checkout never reads a stale entry), the file's
display path and its text; an entry is used only when all of them are equal. Diagnostics
are part of the model, so they survive.

Workflows that call local reusable workflows are not cached (their result depends on other
files). Entries are written atomically; an entry that cannot be read is ignored, and a cache
that cannot be written is skipped: the cache never changes what a run does.
"""

from __future__ import annotations

import io
import os
import pickle
import sys
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

import shipyard

if TYPE_CHECKING:
    from shipyard.workflow.model import Workflow

_SUFFIX = ".pickle"


def _fingerprint(root: Path) -> str:
    """Shipyard's version and the names, sizes and modification times of its Python files."""
    parts = [shipyard.__version__, repr(sys.version_info[:2])]
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    stack.append(Path(entry.path))
            elif entry.name.endswith(".py"):
                stat = entry.stat()
                parts.append(f"{entry.path}:{stat.st_size}:{stat.st_mtime_ns}")
    return "\n".join(parts)


class WorkflowCache:
    """Converted workflows kept under ``<home>/cache/workflows``.

    An entry is two pickles: a header (Shipyard's fingerprint, the display path and the
    text), compared exactly, then the workflow, unpickled only when the header matches.
    The file name is a CRC of the path and text: a collision only costs a cache miss.
    """

    def __init__(self, home: Path) -> None:
        self.folder = home / "cache" / "workflows"
        self._stamp: str | None = None

    def _header(self, text: str, path: str) -> tuple[str, str, str]:
        if self._stamp is None:
            self._stamp = _fingerprint(Path(shipyard.__file__).parent)
        return (self._stamp, path, text)

    def _file(self, text: str, path: str) -> Path:
        crc = zlib.crc32(text.encode("utf-8", "surrogatepass"), zlib.crc32(path.encode()))
        return self.folder / f"{crc:08x}-{len(text)}{_SUFFIX}"

    def load(self, text: str, path: str) -> Workflow | None:
        """The cached workflow for this file, or None when there is none usable."""
        from shipyard.workflow.model import Workflow

        try:
            stream = io.BytesIO(self._file(text, path).read_bytes())
            if pickle.load(stream) != self._header(text, path):  # our own cache file
                return None
            found = pickle.load(stream)
        except Exception:  # any problem with the cache means: read the file
            return None
        return found if isinstance(found, Workflow) else None

    def store(self, text: str, path: str, workflow: Workflow) -> None:
        """Keep ``workflow`` for this file; a failure to write is ignored."""
        import tempfile

        try:
            stream = io.BytesIO()
            pickle.dump(self._header(text, path), stream, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(workflow, stream, protocol=pickle.HIGHEST_PROTOCOL)
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(stream.getvalue())
                os.replace(temporary, self._file(text, path))
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except Exception:  # an unwritable cache only costs speed
            return
