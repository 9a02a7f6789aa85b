"""``GITHUB_TOKEN`` permissions across reusable workflow calls: GitHub's service check.

A called workflow may keep or lower the token permissions its caller has, never raise
them. The caller's permissions are those of the calling job, else of its workflow, else
what that workflow was itself allowed (for the top workflow: the repository's default,
``permissive`` or ``restricted``). The called workflow's own ``permissions`` and those of
each of its jobs must fit within them; otherwise GitHub refuses the run with
``Error calling workflow '<ref>'. The workflow|nested job ... is requesting '<scope:
level, ...>', but is only allowed '<...>'.`` at the calling job. This needs the called
files, so it runs after the reader followed the calls (``Job.called``).
"""

from __future__ import annotations

from collections.abc import Mapping

from shipyard.diagnostics import Diagnostic
from shipyard.workflow.model import Job, Workflow
from shipyard.workflow.tokens import MappingToken, StringToken, Token

SCOPES = (
    "actions",
    "checks",
    "contents",
    "deployments",
    "discussions",
    "issues",
    "packages",
    "pages",
    "pull-requests",
    "repository-projects",
    "statuses",
    "security-events",
    "id-token",
)
"""The scopes ``read-all``/``write-all`` grant, in the order GitHub lists them."""

_LEVELS = {"none": 0, "read": 1, "write": 2}
Permissions = Mapping[str, str]

PERMISSIVE: Permissions = {scope: "write" for scope in SCOPES} | {"id-token": "none"}
"""GitHub's permissive default for ``GITHUB_TOKEN``."""
RESTRICTED: Permissions = {scope: "none" for scope in SCOPES} | {
    "contents": "read",
    "packages": "read",
}
"""GitHub's restricted default (new repositories and organisations)."""


def permissions_of(token: Token | None) -> Permissions | None:
    """A ``permissions:`` value as scope → level (absent scopes are ``none``), or ``None``."""
    if isinstance(token, StringToken):
        if token.value in ("read-all", "write-all"):
            return dict.fromkeys(SCOPES, token.value.removesuffix("-all"))
        return None
    if isinstance(token, MappingToken):
        result = dict.fromkeys(SCOPES, "none")
        for key, value in token:
            if isinstance(value, StringToken) and value.value in _LEVELS:
                result[str(key)] = value.value
        return result
    return None


def check_call_permissions(workflow: Workflow, *, default: Permissions) -> list[Diagnostic]:
    """GitHub's errors for called workflows that ask for more than they are allowed."""
    problems: list[Diagnostic] = []
    _check(workflow, permissions_of(workflow.permissions) or default, problems)
    return problems


def _check(workflow: Workflow, inherited: Permissions, problems: list[Diagnostic]) -> None:
    for job in workflow.jobs:
        called = job.called
        if called is None:
            continue
        allowed = (
            permissions_of(job.permissions) or permissions_of(workflow.permissions) or inherited
        )
        requested = permissions_of(called.permissions)
        if requested is not None:
            _report(job, f"The workflow '{called.path}'", requested, allowed, problems)
        for nested in called.jobs:
            wanted = permissions_of(nested.permissions)
            if wanted is not None:
                name = f"The nested job '{nested.display_name}'"
                _report(job, name, wanted, allowed, problems)
        _check(called, allowed, problems)


def _report(
    job: Job,
    who: str,
    requested: Permissions,
    allowed: Permissions,
    problems: list[Diagnostic],
) -> None:
    over = [
        scope
        for scope, level in requested.items()
        if _LEVELS[level] > _LEVELS[allowed.get(scope, "none")]
    ]
    if not over:
        return
    wanted = ", ".join(f"{scope}: {requested[scope]}" for scope in over)
    given = ", ".join(f"{scope}: {allowed.get(scope, 'none')}" for scope in over)
    ref = job.called.path if job.called else job.uses
    problems.append(
        Diagnostic(
            f"Error calling workflow '{ref}'. {who} is requesting '{wanted}', but is only "
            f"allowed '{given}'.",
            job.span,
            hint="give the calling job (or its workflow) these permissions, or lower the "
            "called workflow's",
        )
    )
