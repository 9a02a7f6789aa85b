"""A job's deployment environment (``jobs.<id>.environment``), as far as it means anything
on this machine.

GitHub reads the environment's name before the job starts (from ``github``, ``needs``,
``strategy``, ``matrix``, ``vars`` and ``inputs``), gives the job the secrets and variables
of that environment over the repository's, and evaluates its ``url`` when the job's steps
are done (``steps`` and ``job`` then known). An empty name means no environment. Here the
environment's secrets and variables are the ones given as ``--secret ENV:NAME=VALUE`` and
``--var ENV:NAME=VALUE`` (environment names compare ignoring case, as on GitHub).
Protection rules (reviewers, wait timers, branch policies) live on GitHub: nothing here
enforces them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from shipyard.engine.evaluation import string_of
from shipyard.valueclass import dataclass
from shipyard.workflow.tokens import MappingToken, Token

Functions = Mapping[str, Callable[..., object]]


@dataclass(frozen=True, slots=True)
class Environment:
    """The environment a job deploys to: its name, and its ``url`` to evaluate at the end."""

    name: str
    url: Token | None = None


def evaluate_environment(
    token: Token | None, contexts: Mapping[str, object], functions: Functions
) -> Environment | None:
    """The job's environment, or None when it has none (or its name is empty).

    Raises :class:`~shipyard.engine.evaluation.EvaluationFailed` for a name that cannot be
    evaluated.
    """
    if token is None:
        return None
    if isinstance(token, MappingToken):
        name = string_of(token.get("name"), contexts, functions, what="environment")
        url = token.get("url")
    else:
        name, url = string_of(token, contexts, functions, what="environment"), None
    return Environment(name, url) if name else None


def evaluate_url(
    environment: Environment, contexts: Mapping[str, object], functions: Functions
) -> str | None:
    """The environment's ``url`` at the end of the job (None when it has none or is empty)."""
    return string_of(environment.url, contexts, functions, what="environment.url") or None


def scoped_values(
    values: Mapping[str, str],
    per_environment: Mapping[str, Mapping[str, str]],
    environment: Environment | None,
) -> dict[str, str]:
    """Secrets or variables as a job sees them: its environment's over the repository's."""
    if environment is None:
        return dict(values)
    wanted = environment.name.lower()
    merged = dict(values)
    for name, scoped in per_environment.items():
        if name.lower() == wanted:
            merged.update(scoped)
    return merged


def split_scoped(
    pairs: Mapping[str, str],
) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """``NAME=VALUE`` pairs apart from ``ENV:NAME=VALUE`` ones (``:`` is never part of a
    secret's or variable's name): (the repository's, {environment: its own})."""
    plain: dict[str, str] = {}
    scoped: dict[str, dict[str, str]] = {}
    for key, value in pairs.items():
        environment, sep, name = key.rpartition(":")
        if sep and environment and name:
            scoped.setdefault(environment, {})[name] = value
        else:
            plain[key] = value
    return plain, scoped
