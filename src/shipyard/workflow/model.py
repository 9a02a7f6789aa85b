"""The workflow model: what a workflow file means once read and validated.

Values that may hold ``${{ }}`` stay template tokens (see :mod:`shipyard.workflow.tokens`)
so later stages evaluate them with the contexts of the moment; everything that GitHub
requires to be static (event filters, job ids, ``needs``) is plain data here.
The shapes follow GitHub's own converted model (``WorkflowTemplate``).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Literal

from shipyard.diagnostics import Diagnostic, Span
from shipyard.valueclass import dataclass, field
from shipyard.workflow.tokens import BasicExpressionToken, MappingToken, Token

_EMPTY: MappingProxyType[str, object] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class InputDefinition:
    """One ``workflow_dispatch`` or ``workflow_call`` input."""

    name: str
    type: Literal["string", "boolean", "number", "choice", "environment"] = "string"
    description: str | None = None
    required: bool = False
    default: str | bool | float | Token | None = None
    options: tuple[str, ...] = ()
    span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class SecretDefinition:
    """One ``workflow_call`` secret."""

    name: str
    description: str | None = None
    required: bool = False


@dataclass(frozen=True, slots=True)
class OutputDefinition:
    """One ``workflow_call`` output: ``value`` is an expression over ``jobs``."""

    name: str
    value: Token
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Schedule:
    """One ``schedule`` entry."""

    cron: str
    timezone: str | None = None
    span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class EventConfig:
    """The filters of one event under ``on:``; ``None`` means the filter is absent.

    Filters keep GitHub's order, which matters for ``!`` negation.
    """

    name: str
    types: tuple[str, ...] | None = None
    branches: tuple[str, ...] | None = None
    branches_ignore: tuple[str, ...] | None = None
    tags: tuple[str, ...] | None = None
    tags_ignore: tuple[str, ...] | None = None
    paths: tuple[str, ...] | None = None
    paths_ignore: tuple[str, ...] | None = None
    workflows: tuple[str, ...] | None = None  # workflow_run
    names: tuple[str, ...] | None = None  # image_version
    versions: tuple[str, ...] | None = None  # image_version
    schedules: tuple[Schedule, ...] = ()  # schedule
    inputs: tuple[InputDefinition, ...] = ()  # workflow_dispatch, workflow_call
    secrets: tuple[SecretDefinition, ...] = ()  # workflow_call
    outputs: tuple[OutputDefinition, ...] = ()  # workflow_call
    span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a job: ``run`` or ``uses`` (exactly one is set).

    With GitHub's experimental background steps (``allow_background_steps``), a step may
    instead be a control step: ``wait`` (ids of background steps), ``wait_all``,
    ``cancel`` (an id) or ``parallel`` (steps run together); those have neither.
    """

    id: str  # the user's id, or a generated ``__run``, ``__actions_checkout`` ...
    user_id: str | None  # the id the user wrote, if any
    name: Token | None
    if_: BasicExpressionToken  # with GitHub's implicit ``success() &&`` applied
    run: Token | None = None
    uses: str | None = None
    with_: MappingToken | None = None
    env: Token | None = None  # a mapping, or an expression giving one
    shell: Token | None = None
    working_directory: Token | None = None
    continue_on_error: Token | None = None  # boolean or expression
    timeout_minutes: Token | None = None  # number or expression
    background: bool = False
    wait: tuple[str, ...] = ()
    wait_all: bool = False
    cancel: str | None = None
    parallel: tuple[Step, ...] = ()
    span: Span | None = field(default=None, compare=False)

    @property
    def is_control(self) -> bool:
        """True for a ``wait``/``wait-all``/``cancel``/``parallel`` step (background steps)."""
        return self.run is None and self.uses is None


@dataclass(frozen=True, slots=True)
class Job:
    """One job: either steps to run (``steps``) or a reusable workflow call (``uses``)."""

    id: str
    name: Token | None
    needs: tuple[str, ...]
    if_: BasicExpressionToken  # with GitHub's implicit ``success()`` applied
    runs_on: Token | None = None
    environment: Token | None = None
    outputs: MappingToken | None = None
    env: Token | None = None
    defaults: Token | None = None
    permissions: Token | None = None
    concurrency: Token | None = None
    timeout_minutes: Token | None = None
    cancel_timeout_minutes: Token | None = None
    continue_on_error: Token | None = None
    strategy: Token | None = None  # raw; see shipyard.plan.matrix for expansion
    container: Token | None = None
    services: Token | None = None
    steps: tuple[Step, ...] = ()
    # Reusable workflow call (``jobs.<id>.uses``)
    uses: str | None = None
    with_: MappingToken | None = None
    secrets: MappingToken | None = None
    secrets_inherit: bool = False
    uses_span: Span | None = field(default=None, compare=False)  # where ``uses`` is written
    # The called workflow, when the reader was given a way to fetch it.
    called: Workflow | None = None
    span: Span | None = field(default=None, compare=False)

    @property
    def is_reusable_call(self) -> bool:
        """True for a job that calls a reusable workflow instead of running steps."""
        return self.uses is not None

    @property
    def display_name(self) -> str:
        """The job's name when static, else its id (GitHub's fallback)."""
        from shipyard.workflow.tokens import StringToken

        return self.name.value if isinstance(self.name, StringToken) else self.id


@dataclass(frozen=True, slots=True)
class Workflow:
    """A whole workflow file, read and converted."""

    path: str
    name: str | None
    run_name: Token | None
    events: tuple[EventConfig, ...]
    jobs: tuple[Job, ...]
    env: Token | None = None
    defaults: Token | None = None
    permissions: Token | None = None
    concurrency: Token | None = None
    diagnostics: tuple[Diagnostic, ...] = ()

    def event(self, name: str) -> EventConfig | None:
        """The configuration of one event, if the workflow listens to it."""
        for event in self.events:
            if event.name == name:
                return event
        return None

    def job(self, job_id: str) -> Job | None:
        """A job by id (case-insensitive, as GitHub matches ids)."""
        lowered = job_id.lower()
        for job in self.jobs:
            if job.id.lower() == lowered:
                return job
        return None

    @property
    def display_name(self) -> str:
        """The ``name:``, or the file path as GitHub shows it."""
        return self.name or self.path
