"""The contexts and default environment a job's expressions and processes see.

Owns the ``github`` context of a job (event fields from git plus run, workflow and job
fields), the ``runner`` context, the default ``GITHUB_*``/``RUNNER_*`` variables as the
runner sets them, and the host environment a step inherits. Shipyard passes a step only
an allowlist of the developer's environment (``PATH``, ``HOME``, locale, …) so that
credentials in the shell never reach a workflow by accident; ``--env`` adds more.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from shipyard.valueclass import dataclass

HOST_ENV_ALLOWLIST = (
    "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TERM", "TZ", "TMPDIR",
    "PYENV_ROOT", "PYENV_VERSION", "UV_CACHE_DIR", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL",
    "PIP_FIND_LINKS", "PIP_TRUSTED_HOST", "UV_INDEX_URL", "UV_EXTRA_INDEX_URL",
    "UV_PYTHON_INSTALL_DIR", "npm_config_registry", "XDG_CACHE_HOME", "XDG_CONFIG_HOME",
    "XDG_DATA_HOME", "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "NO_COLOR",
    "FORCE_COLOR", "http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY",
    "NO_PROXY",
)  # fmt: skip


def host_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The part of the developer's environment a step inherits (see the module docstring)."""
    environ = os.environ if environ is None else environ
    env = {k: environ[k] for k in HOST_ENV_ALLOWLIST if k in environ}
    env.update({k: v for k, v in environ.items() if k.startswith("LC_")})
    env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    return env


def runner_arch() -> str:
    """``X64``, ``ARM64``, ``X86`` or ``ARM``, as ``runner.arch``."""
    machine = os.uname().machine.lower()  # platform.machine(), without its import
    return {"x86_64": "X64", "amd64": "X64", "aarch64": "ARM64", "arm64": "ARM64"}.get(
        machine, "X86" if machine in ("i386", "i686") else "ARM" if "arm" in machine else "X64"
    )


@dataclass(frozen=True, slots=True)
class JobPaths:
    """The folders of one job instance on this machine."""

    workspace: str
    temp: str
    tool_cache: str
    event_path: str


def runner_context(
    paths: JobPaths, *, name: str = "shipyard", debug: bool = False
) -> dict[str, Any]:
    """The ``runner`` context."""
    context: dict[str, Any] = {
        "name": name,
        "os": "Linux",
        "arch": runner_arch(),
        "temp": paths.temp,
        "tool_cache": paths.tool_cache,
        "environment": "self-hosted",
    }
    if debug:
        context["debug"] = "1"
    return context


def default_env(github: Mapping[str, Any], runner: Mapping[str, Any]) -> dict[str, str]:
    """The default variables every step gets (``CI``, ``GITHUB_*``, ``RUNNER_*``)."""

    def text(key: str) -> str:
        value = github.get(key)
        return "" if value is None else str(value)

    env = {
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_ACTION_REF": text("action_ref"),  # empty but set, as the runner does,
        "GITHUB_ACTION_REPOSITORY": text("action_repository"),  # except for remote actions
        "SHIPYARD": "true",
        "GITHUB_ACTOR": text("actor"),
        "GITHUB_ACTOR_ID": text("actor_id"),
        "GITHUB_API_URL": text("api_url"),
        "GITHUB_BASE_REF": text("base_ref"),
        "GITHUB_EVENT_NAME": text("event_name"),
        "GITHUB_EVENT_PATH": text("event_path"),
        "GITHUB_GRAPHQL_URL": text("graphql_url"),
        "GITHUB_HEAD_REF": text("head_ref"),
        "GITHUB_JOB": text("job"),
        "GITHUB_REF": text("ref"),
        "GITHUB_REF_NAME": text("ref_name"),
        "GITHUB_REF_PROTECTED": "false",
        "GITHUB_REF_TYPE": text("ref_type"),
        "GITHUB_REPOSITORY": text("repository"),
        "GITHUB_REPOSITORY_ID": text("repository_id"),
        "GITHUB_REPOSITORY_OWNER": text("repository_owner"),
        "GITHUB_REPOSITORY_OWNER_ID": text("repository_owner_id"),
        "GITHUB_RETENTION_DAYS": text("retention_days"),
        "GITHUB_RUN_ATTEMPT": text("run_attempt"),
        "GITHUB_RUN_ID": text("run_id"),
        "GITHUB_RUN_NUMBER": text("run_number"),
        "GITHUB_SERVER_URL": text("server_url"),
        "GITHUB_SHA": text("sha"),
        "GITHUB_TRIGGERING_ACTOR": text("triggering_actor"),
        "GITHUB_WORKFLOW": text("workflow"),
        "GITHUB_WORKFLOW_REF": text("workflow_ref"),
        "GITHUB_WORKFLOW_SHA": text("workflow_sha"),
        "GITHUB_WORKSPACE": text("workspace"),
        "RUNNER_ARCH": str(runner.get("arch", "")),
        "RUNNER_NAME": str(runner.get("name", "")),
        "RUNNER_OS": str(runner.get("os", "")),
        "RUNNER_TEMP": str(runner.get("temp", "")),
        "RUNNER_TOOL_CACHE": str(runner.get("tool_cache", "")),
        "RUNNER_ENVIRONMENT": str(runner.get("environment", "")),
    }
    if runner.get("debug"):
        env["RUNNER_DEBUG"] = "1"
    return env


def runner_owned(env: Mapping[str, str]) -> dict[str, str]:
    """The variables of ``env`` a workflow cannot override: the default ``GITHUB_*`` and
    ``RUNNER_*`` ones and the file commands' (the runner sets them after the step's env,
    as the docs promise); ``CI`` it can."""
    return {k: env[k] for k in RUNNER_OWNED if k in env}


RUNNER_OWNED = frozenset(
    [
        *(k for k in default_env({}, {"debug": True}) if k.startswith(("GITHUB_", "RUNNER_"))),
        *("GITHUB_ENV", "GITHUB_OUTPUT", "GITHUB_PATH", "GITHUB_STATE", "GITHUB_STEP_SUMMARY"),
        *("GITHUB_ACTION", "GITHUB_ACTION_PATH"),
    ]
)
