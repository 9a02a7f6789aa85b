"""Built-in actions by name: which ``uses:`` Shipyard runs with a local equivalent.

Owns the name → action table. ``uses: owner/repo[/path]@ref`` matches a built-in when
``owner/repo[/path]`` is one of :data:`KNOWN_BUILTINS`, ignoring case (GitHub's
owner and repository names are case-insensitive); any ``ref`` matches — a major tag
(``v4``), a full SHA, a branch — since the local equivalent follows the current major
version's documented behaviour. Where majors differ in a way Shipyard reproduces
(``actions/download-artifact``: v5 extracts a lone artifact directly into ``path``), the
factory gets the ref's major version (:func:`major_version`: ``v4``, ``v4.1.7`` → 4;
None for a SHA or a branch, meaning the current major). Local (``./x``) and
``docker://`` steps, and anything without ``@ref``, are not built-ins.

``actions/checkout`` needs the engine's workspace maker (``create_workspace``), which
the engine passes as ``make_workspace``: actions sit below the engine and cannot import it.
Actions with a post step say when it runs in ``post_if`` (``success()`` for those whose
``action.yml`` says so, as actions/cache's does).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from shipyard.actions.artifacts import UploadArtifact
from shipyard.actions.base import Action
from shipyard.actions.cache import Cache, CacheRestore, CacheSave
from shipyard.actions.checkout import Checkout, WorkspaceMaker
from shipyard.actions.download import DownloadArtifact
from shipyard.actions.setup_python import SetupPython
from shipyard.actions.setup_uv import SetupUv

# (the engine's workspace maker, the ref's major version) → the action
_FACTORIES: dict[str, Callable[[WorkspaceMaker | None, int | None], Action]] = {
    "actions/checkout": lambda make, _: Checkout(make),
    "actions/setup-python": lambda _, __: SetupPython(),
    "astral-sh/setup-uv": lambda _, __: SetupUv(),
    "actions/cache": lambda _, __: Cache(),
    "actions/cache/restore": lambda _, __: CacheRestore(),
    "actions/cache/save": lambda _, __: CacheSave(),
    "actions/upload-artifact": lambda _, __: UploadArtifact(),
    "actions/download-artifact": lambda _, major: DownloadArtifact(major),
}
KNOWN_BUILTINS: tuple[str, ...] = tuple(_FACTORIES)

_USES = re.compile(r"^([^/@\s]+/[^/@\s]+(?:/[^@\s]+)?)@(\S+)$")
_VERSION = re.compile(r"^v?(\d+)(?:\.\d+){0,2}$")


def builtin_name(uses: str) -> str | None:
    """The built-in's name for ``uses`` (``Actions/Checkout@v4`` → ``actions/checkout``)."""
    if uses.startswith(("./", "docker://")):
        return None
    match = _USES.match(uses.strip())
    if match is None:
        return None
    name = match.group(1).lower().rstrip("/")
    return name if name in _FACTORIES else None


def major_version(ref: str) -> int | None:
    """The major version a ``uses:`` ref names (``v5``, ``v4.1.7``, ``5.0``), else None."""
    match = _VERSION.match(ref)
    return int(match.group(1)) if match else None


def builtin_action(uses: str, *, make_workspace: WorkspaceMaker | None = None) -> Action | None:
    """The local equivalent of ``uses``, or None when Shipyard has none."""
    name = builtin_name(uses)
    if name is None:
        return None
    match = _USES.match(uses.strip())
    major = major_version(match.group(2)) if match else None
    return _FACTORIES[name](make_workspace, major)
