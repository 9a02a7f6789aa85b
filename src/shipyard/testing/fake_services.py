"""A plain :class:`~shipyard.actions.base.StepServices` for testing actions without the engine.

Honest where it matters: :meth:`FakeServices.exec` really runs the process
(``subprocess.run``, output captured line by line into :attr:`lines`), and files are
real. What the engine would turn into job state is recorded instead: outputs, exported
variables, ``PATH`` additions, masks, warnings, notices and saved state. Exported
variables and ``PATH`` additions also change :attr:`env`, as they do for the rest of a
step in the engine. :meth:`post_services` gives the services of the action's post step:
same job folders, the saved state, and the environment the main step left.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from shipyard.actions.base import RunInfo


class FakeServices:
    """Records everything an action asks of its step (see the module docstring)."""

    def __init__(
        self,
        *,
        workspace: Path,
        temp: Path,
        tool_cache: Path,
        info: RunInfo,
        env: Mapping[str, str] | None = None,
        state: Mapping[str, str] | None = None,
    ) -> None:
        self._workspace = workspace
        self._temp = temp
        self._tool_cache = tool_cache
        self._info = info
        self._env: dict[str, str] = dict(os.environ if env is None else env)
        self._state: dict[str, str] = dict(state or {})
        self.lines: list[str] = []  # log lines and process output, in order
        self.warnings: list[str] = []
        self.notices: list[str] = []
        self.outputs: dict[str, str] = {}
        self.exported: dict[str, str] = {}
        self.paths: list[str] = []  # PATH additions, in the order they were made
        self.masks: list[str] = []
        self.saved_state: dict[str, str] = {}
        self.commands: list[list[str]] = []  # argv of every exec

    @property
    def workspace(self) -> Path:
        return self._workspace

    @property
    def temp(self) -> Path:
        return self._temp

    @property
    def tool_cache(self) -> Path:
        return self._tool_cache

    @property
    def env(self) -> Mapping[str, str]:
        return self._env

    @property
    def info(self) -> RunInfo:
        return self._info

    @property
    def state(self) -> Mapping[str, str]:
        return self._state

    def exec(
        self, argv: Sequence[str], *, cwd: Path | None = None, env: Mapping[str, str] | None = None
    ) -> int:
        self.commands.append(list(argv))
        try:
            proc = subprocess.run(
                list(argv),
                cwd=cwd or self._workspace,
                env=dict(env if env is not None else self._env),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                errors="replace",
                check=False,
            )
        except OSError as error:
            self.lines.append(f"##[error]{error}")
            return 127
        self.lines.extend(proc.stdout.splitlines())
        return proc.returncode

    def log(self, line: str) -> None:
        self.lines.append(line)

    def warning(self, message: str) -> None:
        self.warnings.append(message)
        self.lines.append(f"##[warning]{message}")

    def notice(self, message: str) -> None:
        self.notices.append(message)
        self.lines.append(f"##[notice]{message}")

    def set_output(self, name: str, value: str) -> None:
        self.outputs[name] = value

    def export_env(self, name: str, value: str) -> None:
        self.exported[name] = value
        self._env[name] = value

    def add_path(self, path: str) -> None:
        self.paths.append(path)
        self._env["PATH"] = os.pathsep.join((path, self._env.get("PATH", "")))

    def add_mask(self, value: str) -> None:
        self.masks.append(value)

    def save_state(self, name: str, value: str) -> None:
        self.saved_state[name] = value
        self._state[name] = value

    def post_services(self) -> FakeServices:
        """The services of this action's post step (state and environment carried over)."""
        return FakeServices(
            workspace=self._workspace,
            temp=self._temp,
            tool_cache=self._tool_cache,
            info=self._info,
            env=self._env,
            state=self.saved_state,
        )


def services_in(
    root: Path,
    *,
    repo: Path | None = None,
    sha: str = "0" * 40,
    ref: str = "refs/heads/main",
    mode: str = "snapshot",
    env: Mapping[str, str] | None = None,
    job: str = "build",
    data_dir: Path | None = None,
    run_dir: Path | None = None,
    tool_cache: Path | None = None,
) -> FakeServices:
    """Services for a job whose folders (workspace, temp, tool cache, run, data) are in ``root``.

    Jobs of one run share ``run_dir``; every run shares ``data_dir`` and ``tool_cache``.
    """
    folders = {name: root / name for name in ("workspace", "temp", "toolcache", "run", "data")}
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    info = RunInfo(
        repo=repo or root / "repo",
        sha=sha,
        ref=ref,
        workspace_mode=mode,
        run_dir=run_dir or folders["run"],
        data_dir=data_dir or folders["data"],
        job_key=job,
    )
    return FakeServices(
        workspace=folders["workspace"],
        temp=folders["temp"],
        tool_cache=tool_cache or folders["toolcache"],
        info=info,
        env={"PATH": os.defpath, "HOME": str(root / "home")} if env is None else env,
    )
