"""Built-in actions by name: which ``uses:`` Shipyard runs with a local equivalent.

Owns the name → action table. ``uses: owner/repo[/path]@ref`` matches a built-in when
``owner/repo[/path]`` is one of :data:`KNOWN_BUILTINS`, ignoring case (GitHub's
owner and repository names are case-insensitive); any ``ref`` matches — a major tag
(``v4``), a full SHA, a branch — since the local equivalent follows the current major
version's documented behaviour. Local (``./x``) and ``docker://`` steps, and anything
without ``@ref``, are not built-ins.

``actions/checkout`` needs the engine's workspace maker (``create_workspace``), which
the engine passes as ``make_workspace``: actions sit below the engine and cannot import it.
Actions with a post step say when it runs in ``post_if`` (``success()`` for those whose
``action.yml`` says so, as actions/cache's does).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from shipyard.actions.artifacts import DownloadArtifact, UploadArtifact
from shipyard.actions.base import Action
from shipyard.actions.cache import Cache, CacheRestore, CacheSave
from shipyard.actions.checkout import Checkout, WorkspaceMaker
from shipyard.actions.setup_python import SetupPython
from shipyard.actions.setup_uv import SetupUv

_FACTORIES: dict[str, Callable[[WorkspaceMaker | None], Action]] = {
    "actions/checkout": Checkout,
    "actions/setup-python": lambda _: SetupPython(),
    "astral-sh/setup-uv": lambda _: SetupUv(),
    "actions/cache": lambda _: Cache(),
    "actions/cache/restore": lambda _: CacheRestore(),
    "actions/cache/save": lambda _: CacheSave(),
    "actions/upload-artifact": lambda _: UploadArtifact(),
    "actions/download-artifact": lambda _: DownloadArtifact(),
}
KNOWN_BUILTINS: tuple[str, ...] = tuple(_FACTORIES)

_USES = re.compile(r"^([^/@\s]+/[^/@\s]+(?:/[^@\s]+)?)@(\S+)$")


def builtin_name(uses: str) -> str | None:
    """The built-in's name for ``uses`` (``Actions/Checkout@v4`` → ``actions/checkout``)."""
    if uses.startswith(("./", "docker://")):
        return None
    match = _USES.match(uses.strip())
    if match is None:
        return None
    name = match.group(1).lower().rstrip("/")
    return name if name in _FACTORIES else None


def builtin_action(uses: str, *, make_workspace: WorkspaceMaker | None = None) -> Action | None:
    """The local equivalent of ``uses``, or None when Shipyard has none."""
    name = builtin_name(uses)
    return None if name is None else _FACTORIES[name](make_workspace)
