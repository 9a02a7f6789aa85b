"""One step at run time: its environment files, its process, its output lines, its result.

Owns what the runner does around a step: empty ``GITHUB_ENV``/``GITHUB_OUTPUT``/
``GITHUB_PATH``/``GITHUB_STATE``/``GITHUB_STEP_SUMMARY`` files, running processes through
the backend with every output line passed through the workflow-command processor and the
masker, and reading the files back into the job's state when the step ends. Unlike the
runner, which names new files for each step, a job's steps reuse files that were read
(emptied first): a process a step leaves running that writes to them later writes into a
later step's files, where the runner would ignore it.
:class:`StepContext` is also the :class:`~shipyard.actions.base.StepServices` that
built-in actions use.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

from shipyard.actions.base import RunInfo
from shipyard.backends.base import Backend, CancelToken, ExecRequest, ExecResult
from shipyard.diagnostics import Severity
from shipyard.stepio.envfiles import (
    merge_path_additions,
    parse_github_env,
    parse_github_output,
    parse_github_path,
    parse_github_state,
    render_path,
)
from shipyard.stepio.events import (
    AddMask,
    AddPath,
    Annotation,
    CommandFailed,
    SaveState,
    SetEnv,
    SetOutput,
)
from shipyard.stepio.masking import Masker
from shipyard.stepio.processor import (
    CommandProcessor,
    allows_unsecure_commands,
    allows_unsecure_stop_tokens,
)
from shipyard.stepio.summary import render_summary
from shipyard.valueclass import dataclass, field


@dataclass(slots=True)
class JobState:
    """What steps leave for later steps of the same job (mutated by one thread only)."""

    env: dict[str, str] = field(default_factory=dict)  # from GITHUB_ENV
    path: tuple[str, ...] = ()  # from GITHUB_PATH, oldest first (the newest goes first in PATH)
    annotations: list[Annotation] = field(default_factory=list)
    summaries: list[str] = field(default_factory=list)
    states: dict[str, dict[str, str]] = field(default_factory=dict)  # per step id
    # File-command files of finished steps, emptied and handed to the next step: creating a
    # file costs a directory update (~0.25 ms on ext4), emptying one almost nothing.
    spare_files: list[dict[str, Path]] = field(default_factory=list)


@dataclass(slots=True)
class StepOutcome:
    """How a step's main work ended (before ``continue-on-error``)."""

    ok: bool
    outputs: dict[str, str] = field(default_factory=dict)
    timed_out: bool = False
    cancelled: bool = False


LogSink = Callable[[str], None]


class StepContext:
    """The run-time services of one step (see the module docstring)."""

    def __init__(
        self,
        *,
        step_id: str,
        backend: Backend,
        cancel: CancelToken,
        masker: Masker,
        job: JobState,
        env: Mapping[str, str],
        workspace: Path,
        temp: Path,
        tool_cache: Path,
        info: RunInfo,
        log: LogSink,
        timeout: float | None,
        debug: bool = False,
    ) -> None:
        self.step_id = step_id
        self._backend = backend
        self._cancel = cancel
        self._masker = masker
        self._job = job
        self._workspace = workspace
        self._temp = temp
        self._tool_cache = tool_cache
        self._info = info
        self._log = log
        self._timeout = timeout
        self.outputs: dict[str, str] = {}
        self.failed = False
        self.timed_out = False
        self.cancelled = False
        self._processor = CommandProcessor(
            masker,
            debug=debug,
            workspace=str(workspace),
            allow_unsecure_commands=allows_unsecure_commands(env),
            allow_unsecure_stop_tokens=allows_unsecure_stop_tokens(env),
        )
        self._files = job.spare_files.pop() if job.spare_files else _new_files(temp)
        self._released = False
        for path in self._files.values():  # empty at the start, as the runner makes them
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o666))
        self._env = {**env, **{k: str(v) for k, v in self._files.items()}}
        if job.path:
            self._env["PATH"] = render_path(
                job.path, self._env.get("PATH", ""), separator=os.pathsep
            )
        self._state: dict[str, str] = dict(job.states.get(step_id, {}))

    # -- StepServices ------------------------------------------------------------------

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
        self,
        argv: Sequence[str],
        *,
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
    ) -> int:
        result = self.run_process(tuple(argv), cwd=cwd or self._workspace, env=env)
        return result.exit_code if result.exit_code is not None else 127

    def log(self, line: str) -> None:
        self._log(self._masker.mask(line))

    def log_details(
        self,
        title: str,
        lines: Sequence[str] = (),
        *,
        shell: str | None = None,
        inputs: Mapping[str, str] | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        """The ``##[group]Run …`` block the runner prints before a step's main part: a
        script's lines and shell, or an action's non-empty ``with:`` inputs, then the step's
        ``env`` context (``PrintActionDetails``)."""
        self.log(f"##[group]{title}")
        for line in lines:
            self.log(line)
        if shell is not None:
            self.log(f"shell: {shell}")
        given = {k: v for k, v in (inputs or {}).items() if v}
        if given:
            self.log("with:")
            for key, value in given.items():
                self.log(f"  {key}: {value}")
        if env:
            self.log("env:")
            for key, value in env.items():
                self.log(f"  {key}: {value}")
        self.log("##[endgroup]")

    def warning(self, message: str) -> None:
        self._annotate(Severity.WARNING, message)

    def notice(self, message: str) -> None:
        self._annotate(Severity.NOTICE, message)

    def error(self, message: str) -> None:
        """An error annotation (the step is failed by its caller)."""
        self._annotate(Severity.ERROR, message)

    def set_output(self, name: str, value: str) -> None:
        self.outputs[name] = value

    def export_env(self, name: str, value: str) -> None:
        self._job.env[name] = value
        self._env[name] = value

    def add_path(self, path: str) -> None:
        self._job.path = merge_path_additions(self._job.path, [path])
        self._env["PATH"] = os.pathsep.join((path, self._env.get("PATH", "")))

    def add_mask(self, value: str) -> None:
        self._masker.add_mask(value)

    def save_state(self, name: str, value: str) -> None:
        self._state[name] = value

    @contextlib.contextmanager
    def as_step(self, step_id: str) -> Iterator[None]:
        """Part of this step run as step ``step_id``, with that step's saved state.

        For an action inside a composite action: it keeps its own state for its post step,
        as on GitHub (:meth:`finish` inside the block saves it under ``step_id``).
        """
        saved = self.step_id, self._state
        self.step_id, self._state = step_id, dict(self._job.states.get(step_id, {}))
        try:
            yield
        finally:
            self.step_id, self._state = saved

    # -- running -----------------------------------------------------------------------

    def run_process(
        self, argv: tuple[str, ...], *, cwd: Path, env: Mapping[str, str] | None = None
    ) -> ExecResult:
        """Run one process of this step; its lines go through commands and masking."""
        request = ExecRequest(
            argv=argv,
            env=dict(env if env is not None else self._env),
            cwd=str(cwd),
            timeout=self._timeout,
            label=self.step_id,
        )
        result = self._backend.execute(request, self._line, self._cancel)
        if result.error:
            self.error(result.error)
        self.timed_out |= result.timed_out
        self.cancelled |= result.cancelled
        if not result.ok:
            self.failed = True
        return result

    def _line(self, line: str) -> None:
        result = self._processor.feed(line)
        if result.display_text is not None:
            for text in result.display_text.split("\n"):
                self._log(text)
        for event in result.events:
            if isinstance(event, Annotation):
                self._job.annotations.append(event)
            elif isinstance(event, SetOutput):
                self.outputs[event.name] = event.value
            elif isinstance(event, SaveState):
                self._state[event.name] = event.value
            elif isinstance(event, SetEnv):
                self.export_env(event.name, event.value)
            elif isinstance(event, AddPath):
                self.add_path(event.path)
            elif isinstance(event, CommandFailed):
                self.failed = True
            elif isinstance(event, AddMask):
                pass  # the processor registered it with the masker already

    def _annotate(self, level: Severity, message: str) -> None:
        masked = self._masker.mask(message)
        self._job.annotations.append(Annotation(level=level, message=masked))
        tag = {Severity.ERROR: "error", Severity.WARNING: "warning"}.get(level, "notice")
        self._log(f"##[{tag}]{masked}")

    def finish(self) -> None:
        """Read the environment files back into the step and the job (the runner's order)."""
        env = parse_github_env(self._read("GITHUB_ENV"))
        self._file_errors(env.errors, env.error)
        for name, value in env.pairs:
            self.export_env(name, value)
        output = parse_github_output(self._read("GITHUB_OUTPUT"))
        self._file_errors(output.errors, output.error)
        self.outputs.update(output.values)
        state = parse_github_state(self._read("GITHUB_STATE"))
        self._file_errors(state.errors, state.error)
        self._state.update(state.values)
        additions = parse_github_path(self._read("GITHUB_PATH"))
        if additions:
            self._job.path = merge_path_additions(self._job.path, additions)
        summary = self._read("GITHUB_STEP_SUMMARY")
        if summary:
            rendered = render_summary(summary, self._masker)
            if rendered is None:
                from shipyard.stepio.summary import check_summary

                problem = check_summary(summary)
                if problem:
                    self.warning(problem)
            else:
                self._job.summaries.append(rendered)
        if self._state:
            self._job.states[self.step_id] = self._state
        if not self._released:  # read: the next step may have these files, emptied
            self._released = True
            self._job.spare_files.append(self._files)

    def _file_errors(self, errors: Sequence[str], error: object) -> None:
        for message in errors:
            self.error(message)
        if error is not None:
            for line in error.log_lines():  # type: ignore[attr-defined]
                self.error(line)
            self.failed = True

    def _read(self, name: str) -> str:
        path = self._files[name]
        try:
            if not os.stat(path).st_size:  # most steps write none: one system call, not four
                return ""
            return path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""


def _new_files(temp: Path) -> dict[str, Path]:
    """A fresh set of file-command files' names (the files are made by the caller)."""
    folder = temp / "_runner_file_commands"
    folder.mkdir(parents=True, exist_ok=True)
    suffix = os.urandom(6).hex()
    files = {
        name: folder / f"{name.lower()}_{suffix}"
        for name in ("GITHUB_ENV", "GITHUB_OUTPUT", "GITHUB_PATH", "GITHUB_STATE")
    }
    files["GITHUB_STEP_SUMMARY"] = folder / f"step_summary_{suffix}"
    return files
