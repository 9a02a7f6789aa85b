"""The settings of one ``shipyard run``: what every job of the run shares.

Plain values built once by the orchestrator (:mod:`shipyard.engine.run`) and read by the
job runners: where the repository and the run's folders are, the event, secrets and
variables, and the choices made on the command line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from shipyard.backends.base import Backend
from shipyard.engine.events import LocalEvent
from shipyard.valueclass import dataclass, field

HOST_LABELS = ("self-hosted", "linux", "x64", "ubuntu-latest", "ubuntu-24.04", "ubuntu-22.04")


@dataclass(frozen=True, slots=True)
class RunSettings:
    """Everything a job of this run may need to know (see the module docstring)."""

    repo: Path
    run_id: int
    run_number: int
    run_dir: Path
    data_dir: Path
    event: LocalEvent
    backend_factory: Callable[[], Backend]
    secrets: Mapping[str, str] = field(default_factory=dict)
    vars: Mapping[str, str] = field(default_factory=dict)
    # environment name -> its own secrets / variables (over the repository's)
    environment_secrets: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    environment_vars: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    env: Mapping[str, str] = field(default_factory=dict)  # the process environment base
    workspace_mode: str = "snapshot"
    platforms: Mapping[str, str] = field(default_factory=dict)  # label -> "host"
    local_actions: Mapping[str, Path] = field(default_factory=dict)  # owner/repo@ref -> dir
    debug: bool = False


def host_serves(labels: list[str], platforms: Mapping[str, str]) -> bool:
    """Whether this host can run a job with these ``runs-on`` labels.

    Linux labels (``ubuntu-*``, ``linux``, ``self-hosted``, ``x64``) and labels mapped with
    ``--platform LABEL=host`` are served; anything else (``windows-latest``,
    ``macos-14``, ``arm64``) is not.
    """
    if not labels:
        return False
    for label in labels:
        lowered = label.lower()
        if platforms.get(lowered) == "host" or platforms.get(label) == "host":
            continue
        if lowered.startswith("ubuntu") or lowered in ("self-hosted", "linux", "x64"):
            continue
        return False
    return True
