"""Reading a workflow file: the template reader, then the converter, as GitHub does it.

:func:`parse_workflow` is GitHub's ``parseWorkflow`` + ``convertWorkflowTemplate`` with
its default ``ReturnErrorsOnly`` policy: when reading the file against the schema finds
errors, conversion is skipped and the returned workflow has no events and no jobs, only
the diagnostics. Warnings never stop conversion. Diagnostics keep GitHub's order: the
reader's, then the converter's, each in the order found.

Reusable workflows: with ``fetch``, each job that calls a workflow is checked against the
called file, and the called workflow, converted, is attached as ``Job.called``; nested
calls are followed up to ``max_nesting`` levels, and all the files read share one
result-size budget. ``fetch`` is given the reference as GitHub names it (``./path`` or
``owner/repo/path@ref``) and returns the file's text; it returns ``None`` for a file it
cannot get (that call is not followed) and raises :class:`LookupError` for one that does
not exist ("Unable to find reusable workflow"). Without ``fetch`` calls are not followed,
as in GitHub's parser. Pure: ``fetch`` is where the caller's I/O happens.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from shipyard import valueclass
from shipyard.diagnostics import Diagnostic, Severity, has_errors
from shipyard.workflow.convert import convert_workflow, link_called_workflow
from shipyard.workflow.convert.permissions import (
    PERMISSIVE,
    RESTRICTED,
    check_call_permissions,
)
from shipyard.workflow.model import Job, Workflow
from shipyard.workflow.templates import (
    DEFAULT_LIMITS,
    TemplateLimits,
    TemplateMemory,
    TemplateResult,
    read_template,
)

Fetch = Callable[[str], str | None]

MAX_NESTING = 9
"""GitHub.com: a caller and up to nine levels of reusable workflows."""

_NOT_FOUND = "Unable to find reusable workflow"


def parse_workflow(
    text: str,
    path: str,
    *,
    fetch: Fetch | None = None,
    max_nesting: int = MAX_NESTING,
    max_jobs: int | None = None,
    default_permissions: Literal["permissive", "restricted"] = "permissive",
    limits: TemplateLimits = DEFAULT_LIMITS,
    allow_background_steps: bool = False,
    complete: bool = False,
) -> Workflow:
    """Read and convert one workflow file; problems are in ``Workflow.diagnostics``.

    By default errors are GitHub's exactly: when reading finds errors, conversion is
    skipped (its ``ReturnErrorsOnly`` policy) and at most ``limits.max_errors`` are kept.
    ``complete=True`` is for people fixing a file: conversion runs on what could be read,
    so every problem is reported at once, with no cap on their number.

    ``max_jobs`` caps the jobs of the workflow and of the workflows it calls (GitHub's
    service option, off by default). ``default_permissions`` is the repository's default
    for ``GITHUB_TOKEN``, against which called workflows' permissions are checked.
    ``limits`` are GitHub's server limits (file size, depth, result size, number and
    length of errors); ``allow_background_steps`` is GitHub's feature flag for
    background steps.
    """
    if complete:
        limits = valueclass.replace(limits, max_errors=0)
    session = _Session(fetch, max_nesting, limits, allow_background_steps)
    result = session.read(text, path)
    session.diagnostics.extend(result.diagnostics)
    if result.value is None or (has_errors(result.diagnostics) and not complete):
        return Workflow(
            path=path,
            name=None,
            run_name=None,
            events=(),
            jobs=(),
            diagnostics=_capped(session.diagnostics, limits),
        )
    workflow = convert_workflow(result.value, path, allow_background_steps=allow_background_steps)
    session.diagnostics.extend(_new_places(workflow.diagnostics, result.diagnostics))
    if fetch is not None:
        workflow = valueclass.replace(workflow, jobs=session.link(workflow.jobs, path, 1))
        default = RESTRICTED if default_permissions == "restricted" else PERMISSIVE
        session.diagnostics.extend(check_call_permissions(workflow, default=default))
    if max_jobs is not None and _count_jobs(workflow.jobs) > max_jobs:
        message = f"The workflow may not contain more than {max_jobs} jobs"
        session.diagnostics.append(Diagnostic(message))
    return valueclass.replace(workflow, diagnostics=_capped(session.diagnostics, limits))


def _new_places(found: tuple[Diagnostic, ...], earlier: list[Diagnostic]) -> list[Diagnostic]:
    """``found`` without errors at a place an earlier error already explains.

    Only matters with ``complete=True``: a value the reader rejected is converted as it
    stands, and the converter would report the same place a second time.
    """
    taken = {
        (d.span.file, d.span.line, d.span.column)
        for d in earlier
        if d.span is not None and d.severity is Severity.ERROR
    }
    return [
        d
        for d in found
        if d.severity is not Severity.ERROR
        or d.span is None
        or (d.span.file, d.span.line, d.span.column) not in taken
    ]


def _capped(diagnostics: list[Diagnostic], limits: TemplateLimits) -> tuple[Diagnostic, ...]:
    """GitHub's caps on errors: at most ``max_errors``, each cut to ``max_message_length``.

    GitHub keeps every error of a parse in one list with these limits; the reader applies
    them to its own errors, this applies them to the whole. Warnings are not capped.
    """
    result: list[Diagnostic] = []
    count = 0
    for diagnostic in diagnostics:
        if diagnostic.severity is Severity.ERROR:
            if 0 < limits.max_errors <= count:
                continue
            count += 1
            prefix = diagnostic.span.prefix() if diagnostic.span else ""
            limit = limits.max_message_length
            if 0 < limit < len(prefix) + len(diagnostic.message):
                message = diagnostic.message[: max(limit - len(prefix), 0)] + "[...]"
                diagnostic = valueclass.replace(diagnostic, message=message)
        result.append(diagnostic)
    return tuple(result)


def file_identifier(uses: str) -> str | None:
    """GitHub's name for a called workflow (``fileIdentifier``), ``None`` if malformed."""
    if uses.startswith(("./", "$/")):
        return "./" + uses[2:]
    parts = uses.split("@")
    version = parts[1] if len(parts) > 1 else ""
    segments = [s for s in parts[0].split("/") if s]
    if len(segments) < 2 or not version:
        return None
    owner, repository, *rest = segments
    return f"{owner}/{repository}/{'/'.join(rest)}@{version}"


def _count_jobs(jobs: tuple[Job, ...]) -> int:
    return sum(1 + (_count_jobs(job.called.jobs) if job.called else 0) for job in jobs)


class _Session:
    """One read of a workflow and of the workflows it calls."""

    def __init__(
        self,
        fetch: Fetch | None,
        max_nesting: int,
        limits: TemplateLimits,
        allow_background_steps: bool,
    ) -> None:
        self.fetch = fetch
        self.max_nesting = max_nesting
        self.limits = limits
        self.allow_background_steps = allow_background_steps
        self.memory = TemplateMemory(limits.max_result_size)
        self.diagnostics: list[Diagnostic] = []
        self.depth_reported = False

    def read(self, text: str, path: str) -> TemplateResult:
        return read_template(
            text,
            path,
            limits=self.limits,
            memory=self.memory,
            allow_background_steps=self.allow_background_steps,
        )

    def link(self, jobs: tuple[Job, ...], caller: str, depth: int) -> tuple[Job, ...]:
        """The jobs with their called workflows attached (called files at ``depth``)."""
        return tuple(self._link_job(job, caller, depth) for job in jobs)

    def _link_job(self, job: Job, caller: str, depth: int) -> Job:
        if job.uses is None or self.fetch is None:
            return job
        if depth > self.max_nesting:
            if not self.depth_reported:
                self.depth_reported = True
                message = f"Nested reusable workflow depth exceeded {self.max_nesting}."
                where = job.uses_span.prefix().removesuffix(": ") if job.uses_span else caller
                hint = (
                    f"{where} calls {job.uses} at depth {depth}: a workflow that calls "
                    "itself, directly or through others, never ends"
                )
                self.diagnostics.append(Diagnostic(message, hint=hint))
            return job
        name = file_identifier(job.uses)
        try:
            if name is None:
                raise LookupError(job.uses)
            text = self.fetch(name)
        except LookupError:
            self.diagnostics.append(Diagnostic(_NOT_FOUND, job.uses_span))
            return job
        if text is None:
            return job
        result = self.read(text, name)
        self.diagnostics.extend(self._from_called(job, caller, name, d) for d in result.diagnostics)
        if result.value is None:
            return job
        linked, problems = link_called_workflow(
            job,
            result.value,
            name,
            caller,
            allow_background_steps=self.allow_background_steps,
        )
        self.diagnostics.extend(problems)
        called = linked.called
        if called is None:
            return linked
        nested = self.link(called.jobs, name, depth + 1)
        return valueclass.replace(linked, called=valueclass.replace(called, jobs=nested))

    @staticmethod
    def _from_called(job: Job, caller: str, name: str, diagnostic: Diagnostic) -> Diagnostic:
        """A called file's error about the whole file, told from the caller's ``uses``."""
        span = diagnostic.span
        if span is None or span.line is not None or job.uses_span is None:
            return diagnostic
        where = job.uses_span.prefix().removesuffix(": ")
        message = f"In {where}: Error from called workflow {name}: {diagnostic.message}"
        return valueclass.replace(diagnostic, message=message, span=None)
