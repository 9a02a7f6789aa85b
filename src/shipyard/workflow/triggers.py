"""Which workflows an event fires, and why: GitHub's trigger rules as a pure function.

:func:`match_workflow` takes a :class:`~shipyard.workflow.model.Workflow` and an
:class:`Event` and returns a :class:`TriggerDecision` with a human-readable reason.
The rules are GitHub's:

- ``push``: ``branches``/``branches-ignore`` apply to ``refs/heads/*``, ``tags``/
  ``tags-ignore`` to ``refs/tags/*``. Defining only branch filters means tag pushes do
  not run the workflow, and the other way round; with neither, both run. Path filters
  are not evaluated for tag pushes.
- ``pull_request``, ``pull_request_target``, ``merge_group``: branch filters match the
  *base* branch. ``pull_request``/``pull_request_target`` without ``types`` run only for
  ``opened``, ``synchronize`` and ``reopened``; other events without ``types`` run for
  every activity type.
- ``paths``: runs when at least one changed path is included; ``paths-ignore``: runs
  unless every changed path is ignored. No changed files means no run. Unknown changes
  (``Event.changed_paths is None``: GitHub's "more than 1,000 commits" or a diff that
  timed out) mean the path filters pass, as on GitHub, which then always runs.
- ``schedule``: the event's cron must be one of the workflow's entries (any entry when
  the event names none). ``workflow_dispatch`` always fires when listed (inputs are
  checked by :mod:`shipyard.workflow.inputs`). ``workflow_call`` never fires from an
  event. ``workflow_run`` needs the triggering workflow's name in ``workflows`` and its
  branch (``Event.head_ref``) to pass the branch filters.

Choices where GitHub's behaviour is undocumented: an empty filter list (``branches: []``)
counts as absent; ``branches`` with ``branches-ignore`` (refused by GitHub's server, a
warning from the reader here, as GitHub's TypeScript parser accepts it) both apply; an
event without an activity type (``action=None``) skips ``types``; GitHub's 300-file diff
limit is not imitated (every changed path is evaluated).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType

from shipyard.valueclass import dataclass, field
from shipyard.workflow.filters import Filter, FilterPatternError, compile_filter, quote
from shipyard.workflow.model import EventConfig, Workflow

DEFAULT_TYPES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "pull_request": ("opened", "synchronize", "reopened"),
        "pull_request_target": ("opened", "synchronize", "reopened"),
    }
)
"""Activity types that run a workflow whose event lists no ``types`` (others: all)."""

_BASE_BRANCH_EVENTS = frozenset({"pull_request", "pull_request_target", "merge_group"})
_PATH_EVENTS = frozenset({"push", "pull_request", "pull_request_target"})
_SHOWN_PATHS = 3


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened, as far as triggers care.

    ``ref`` is a full ref (``refs/heads/main``; a bare name counts as a branch);
    ``base_ref``/``head_ref`` are branch names (a ``refs/heads/`` prefix is dropped).
    ``changed_paths`` is ``None`` when the changes are unknown (path filters then pass).
    ``action`` is the activity type (``opened``); ``schedule`` the cron that fired;
    ``workflow_name`` the triggering workflow of a ``workflow_run``.
    """

    name: str
    ref: str | None = None
    base_ref: str | None = None
    head_ref: str | None = None
    changed_paths: tuple[str, ...] | None = None
    action: str | None = None
    schedule: str | None = None
    inputs: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    workflow_name: str | None = None
    skip_ci: str | None = None  # what in the head commit's message asks to skip CI


# The events a workflow's `on:` may name (GitHub's workflow schema, `on-mapping-strict`;
# a unit test keeps the two the same).
EVENT_NAMES = frozenset(
    {
        "branch_protection_rule", "check_run", "check_suite", "create", "delete", "deployment",
        "deployment_status", "discussion", "discussion_comment", "fork", "gollum",
        "image_version", "issue_comment", "issues", "label", "merge_group", "milestone",
        "page_build", "project", "project_card", "project_column", "public", "pull_request",
        "pull_request_comment", "pull_request_review", "pull_request_review_comment",
        "pull_request_target", "push", "registry_package", "release", "repository_dispatch",
        "schedule", "status", "watch", "workflow_call", "workflow_dispatch", "workflow_run",
    }
)  # fmt: skip

_SKIP_MARKERS = ("[skip ci]", "[ci skip]", "[no ci]", "[skip actions]", "[actions skip]")


def find_skip_ci(message: str) -> str | None:
    """What in a commit message makes GitHub skip push and pull_request workflows: one of
    ``[skip ci]``, ``[ci skip]``, ``[no ci]``, ``[skip actions]``, ``[actions skip]``
    anywhere (any case), or a last trailer ``skip-checks: true``; None when nothing does."""
    lowered = message.lower()
    for marker in _SKIP_MARKERS:
        if marker in lowered:
            return marker
    lines = message.rstrip().splitlines()
    last = lines[-1].strip() if len(lines) > 2 else ""  # a trailer: below a blank line
    if last.lower() in ("skip-checks:true", "skip-checks: true") and "" in (
        line.strip() for line in lines[1:-1]
    ):
        return last
    return None


@dataclass(frozen=True, slots=True)
class TriggerDecision:
    """Whether ``event`` runs ``workflow``; ``reason`` says why in one line."""

    workflow: Workflow
    event: Event
    fires: bool
    reason: str
    event_config: EventConfig | None = None


class _NoRun(Exception):
    """Raised inside the checks with the reason the workflow does not run."""


def match_workflows(workflows: Iterable[Workflow], event: Event) -> list[TriggerDecision]:
    """One decision per workflow, in the given order (firing or not)."""
    return [match_workflow(workflow, event) for workflow in workflows]


def match_workflow(workflow: Workflow, event: Event) -> TriggerDecision:
    """Decide whether ``event`` triggers ``workflow``, with the reason."""
    config = workflow.event(event.name)
    if config is None:
        listens = ", ".join(e.name for e in workflow.events) or "nothing"
        reason = f"workflow does not listen to '{event.name}' (on: {listens})"
        return TriggerDecision(workflow, event, False, reason)
    try:
        notes = _check(config, event)
    except _NoRun as no_run:
        return TriggerDecision(workflow, event, False, str(no_run), config)
    except FilterPatternError as error:
        return TriggerDecision(workflow, event, False, error.message, config)
    if event.skip_ci and event.name in ("push", "pull_request"):  # it would fire, but
        reason = (
            f"the head commit's message says '{event.skip_ci}': GitHub runs no push or "
            "pull_request workflow for it"
        )
        return TriggerDecision(workflow, event, False, reason, config)
    reason = "; ".join([_describe(event), *notes])
    return TriggerDecision(workflow, event, True, reason, config)


def _check(config: EventConfig, event: Event) -> list[str]:
    """The notes of every filter that passed; raises :class:`_NoRun` on the first failure."""
    name = event.name
    if name == "workflow_call":
        raise _NoRun("on: workflow_call runs only when another workflow calls it (jobs.<id>.uses)")
    notes = _check_types(config, event)
    if name == "push":
        return notes + _check_push(config, event)
    if name in _BASE_BRANCH_EVENTS:
        notes += _check_branches(config, _branch(event.base_ref), "base branch")
        if name in _PATH_EVENTS:
            notes += _check_paths(config, event.changed_paths)
        return notes
    if name == "schedule":
        return notes + _check_schedule(config, event)
    if name == "workflow_run":
        return notes + _check_workflow_run(config, event)
    return notes


def _describe(event: Event) -> str:
    """``push to branch 'main'``, ``pull_request 'opened' into 'main'`` ..."""
    text = event.name
    if event.action:
        text += f" {quote(event.action)}"
    if event.name == "push":
        kind, name = _ref_kind(event.ref)
        text += f" to {kind} {quote(name)}" if name is not None else ""
    elif event.name in _BASE_BRANCH_EVENTS and event.base_ref:
        text += f" into {quote(_branch(event.base_ref) or '')}"
    elif event.name == "schedule" and event.schedule is not None:
        text += f" {quote(event.schedule)}"
    elif event.name == "workflow_run" and event.workflow_name is not None:
        text += f" of {quote(event.workflow_name)}"
    return text


def _present(patterns: tuple[str, ...] | None) -> bool:
    return bool(patterns)


def _branch(ref: str | None) -> str | None:
    if ref is not None and ref.startswith("refs/heads/"):
        return ref[len("refs/heads/") :]
    return ref


def _ref_kind(ref: str | None) -> tuple[str, str | None]:
    """(``branch``|``tag``|``ref``, name) of a pushed ref."""
    if ref is None:
        return "ref", None
    if ref.startswith("refs/heads/"):
        return "branch", ref[len("refs/heads/") :]
    if ref.startswith("refs/tags/"):
        return "tag", ref[len("refs/tags/") :]
    if ref.startswith("refs/"):
        return "ref", ref
    return "branch", ref


def _check_types(config: EventConfig, event: Event) -> list[str]:
    if event.action is None:
        return []
    if _present(config.types):
        types, origin = config.types or (), ""
    elif event.name in DEFAULT_TYPES:
        types, origin = DEFAULT_TYPES[event.name], f" (the default for {event.name})"
    else:
        return []
    listed = "[" + ", ".join(types) + "]"
    if event.action not in types:
        raise _NoRun(f"activity type {quote(event.action)} is not in types: {listed}{origin}")
    return [f"activity type {quote(event.action)} is in types: {listed}{origin}"]


def _check_push(config: EventConfig, event: Event) -> list[str]:
    kind, name = _ref_kind(event.ref)
    has_branches = _present(config.branches) or _present(config.branches_ignore)
    has_tags = _present(config.tags) or _present(config.tags_ignore)
    if kind == "tag" and name is not None:
        if has_branches and not has_tags:
            raise _NoRun(
                f"tag {quote(name)} was pushed, but on.push filters only branches "
                f"({_filters_text(config, 'branches')})"
            )
        notes = _check_filters(config.tags, config.tags_ignore, name, "tag", "tags")
        return [*notes, "path filters are not evaluated for tags"] if _has_paths(config) else notes
    if kind == "branch" and name is not None:
        if has_tags and not has_branches:
            raise _NoRun(
                f"branch {quote(name)} was pushed, but on.push filters only tags "
                f"({_filters_text(config, 'tags')})"
            )
        notes = _check_branches(config, name, "branch")
        return notes + _check_paths(config, event.changed_paths)
    if has_branches or has_tags:
        shown = quote(name) if name is not None else "(none)"
        raise _NoRun(f"ref {shown} is neither a branch nor a tag, and on.push filters them")
    return _check_paths(config, event.changed_paths)


def _filters_text(config: EventConfig, key: str) -> str:
    include = config.branches if key == "branches" else config.tags
    ignore = config.branches_ignore if key == "branches" else config.tags_ignore
    parts = []
    if include:
        parts.append(f"{key}: {compile_filter(include).describe()}")
    if ignore:
        parts.append(f"{key}-ignore: {compile_filter(ignore).describe()}")
    return ", ".join(parts)


def _check_branches(config: EventConfig, branch: str | None, label: str) -> list[str]:
    if not (_present(config.branches) or _present(config.branches_ignore)):
        return []
    if branch is None:
        raise _NoRun(f"the event has no {label}, and {_filters_text(config, 'branches')} needs one")
    return _check_filters(config.branches, config.branches_ignore, branch, label, "branches")


def _check_filters(
    include: tuple[str, ...] | None,
    ignore: tuple[str, ...] | None,
    name: str,
    label: str,
    key: str,
) -> list[str]:
    """Apply ``<key>`` then ``<key>-ignore`` to one branch or tag name."""
    notes: list[str] = []
    subject = f"{label} {quote(name)}"
    if include:
        included = compile_filter(include)
        match = included.explain(name)
        where = f"{key}: {included.describe()}"
        if match.pattern is None:
            raise _NoRun(f"{subject} does not match {where}")
        if not match.included:
            raise _NoRun(f"{subject} is excluded by {quote(match.pattern.text)} in {where}")
        notes.append(f"{subject} matches {quote(match.pattern.text)} in {where}")
    if ignore:
        ignored = compile_filter(ignore)
        match = ignored.explain(name)
        where = f"{key}-ignore: {ignored.describe()}"
        if match.included and match.pattern is not None:
            raise _NoRun(f"{subject} is ignored by {quote(match.pattern.text)} in {where}")
        notes.append(f"{subject} is not ignored by {where}")
    return notes


def _has_paths(config: EventConfig) -> bool:
    return _present(config.paths) or _present(config.paths_ignore)


def _check_paths(config: EventConfig, changed: tuple[str, ...] | None) -> list[str]:
    if not _has_paths(config):
        return []
    if changed is None:
        return ["changed paths are unknown, so path filters pass"]
    notes: list[str] = []
    if config.paths:
        notes.append(_check_included_paths(compile_filter(config.paths), changed))
    if config.paths_ignore:
        notes.append(_check_ignored_paths(compile_filter(config.paths_ignore), changed))
    return notes


def _check_included_paths(paths: Filter, changed: Sequence[str]) -> str:
    where = f"paths: {paths.describe()}"
    if not changed:
        raise _NoRun(f"no files changed, so nothing matches {where}")
    match = paths.first_included(changed)
    if match is None or match.pattern is None:
        raise _NoRun(f"no changed path matches {where} (changed: {_show(changed)})")
    return f"changed path {quote(match.name)} matches {quote(match.pattern.text)} in {where}"


def _check_ignored_paths(ignored: Filter, changed: Sequence[str]) -> str:
    where = f"paths-ignore: {ignored.describe()}"
    if not changed:
        raise _NoRun(f"no files changed, so nothing is left unignored by {where}")
    match = ignored.first_excluded(changed)
    if match is None:
        raise _NoRun(f"every changed path is ignored by {where} (changed: {_show(changed)})")
    return f"changed path {quote(match.name)} is not ignored by {where}"


def _show(paths: Sequence[str]) -> str:
    shown = ", ".join(quote(p) for p in paths[:_SHOWN_PATHS])
    more = len(paths) - _SHOWN_PATHS
    return f"{shown} and {more} more" if more > 0 else shown


def _check_schedule(config: EventConfig, event: Event) -> list[str]:
    crons = [schedule.cron for schedule in config.schedules]
    if not crons:
        raise _NoRun("on: schedule lists no cron entries")
    if event.schedule is None:
        return []
    if event.schedule not in crons:
        listed = "[" + ", ".join(quote(c) for c in crons) + "]"
        raise _NoRun(
            f"cron {quote(event.schedule)} is not one of this workflow's schedules {listed}"
        )
    return [f"cron {quote(event.schedule)} is one of this workflow's schedules"]


def _check_workflow_run(config: EventConfig, event: Event) -> list[str]:
    if not config.workflows:
        raise _NoRun("on: workflow_run lists no workflows")
    listed = "[" + ", ".join(quote(w) for w in config.workflows) + "]"
    if event.workflow_name is None:
        raise _NoRun(f"the workflow_run event names no workflow, and workflows: {listed} needs one")
    if event.workflow_name not in config.workflows:
        raise _NoRun(f"workflow {quote(event.workflow_name)} is not in workflows: {listed}")
    notes = [f"workflow {quote(event.workflow_name)} is in workflows: {listed}"]
    return notes + _check_branches(config, _branch(event.head_ref), "branch")
