"""The seam between the engine and an action: what an action may ask of the step it runs in.

An action is a plain object with ``main(services, inputs)`` (and optionally ``post``);
:class:`StepServices` is everything it can do — run a process, log, set outputs, export
variables, add to ``PATH``, mask values, keep state for its post step — implemented by
the engine. Built-in actions are registered by name (``actions/checkout``) in
:mod:`shipyard.actions.registry`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol

from shipyard.valueclass import dataclass


class ActionFailed(Exception):
    """Raised by an action to fail its step with a message (logged as an error annotation)."""


@dataclass(frozen=True, slots=True)
class RunInfo:
    """Facts about the run an action may need."""

    repo: Path  # the developer's repository (read-only!)
    sha: str
    ref: str
    workspace_mode: str  # "snapshot" or "clean"
    run_dir: Path  # this run's folder (artifacts live under it)
    data_dir: Path  # Shipyard's data folder (caches live under it)
    job_key: str  # unique per job instance within the run


class StepServices(Protocol):
    """What the engine offers an action while its step runs."""

    @property
    def workspace(self) -> Path:
        """``github.workspace`` of the job."""
        ...

    @property
    def temp(self) -> Path:
        """``runner.temp``: emptied when the job ends."""
        ...

    @property
    def tool_cache(self) -> Path:
        """``runner.tool_cache``: shared between runs."""
        ...

    @property
    def env(self) -> Mapping[str, str]:
        """The step's environment (what a process started with :meth:`exec` gets)."""
        ...

    @property
    def info(self) -> RunInfo:
        """Facts about the run."""
        ...

    @property
    def state(self) -> Mapping[str, str]:
        """State saved by the main step (read by the post step)."""
        ...

    def exec(
        self, argv: Sequence[str], *, cwd: Path | None = None, env: Mapping[str, str] | None = None
    ) -> int:
        """Run a process; its output goes to the step log (commands honoured); exit code."""
        ...

    def log(self, line: str) -> None:
        """Write a line to the step log (masked)."""
        ...

    def warning(self, message: str) -> None:
        """A warning annotation."""
        ...

    def notice(self, message: str) -> None:
        """A notice annotation."""
        ...

    def set_output(self, name: str, value: str) -> None:
        """Set ``steps.<id>.outputs.<name>``."""
        ...

    def export_env(self, name: str, value: str) -> None:
        """Set a variable for the following steps (as ``GITHUB_ENV``)."""
        ...

    def add_path(self, path: str) -> None:
        """Prepend a folder to ``PATH`` for the following steps (as ``GITHUB_PATH``)."""
        ...

    def add_mask(self, value: str) -> None:
        """Mask a value in every later log line."""
        ...

    def save_state(self, name: str, value: str) -> None:
        """Keep a value for this action's post step."""
        ...


class Action(Protocol):
    """A runnable action; ``post`` is optional (see :func:`has_post`)."""

    def main(self, services: StepServices, inputs: Mapping[str, str]) -> None:
        """Run the action; raise :class:`ActionFailed` to fail the step."""
        ...


def has_post(action: object) -> bool:
    """Whether the action has a post step."""
    return callable(getattr(action, "post", None))
