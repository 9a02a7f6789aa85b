"""GitHub's workflow-parser goldens, run through :func:`shipyard.workflow.reader.parse_workflow`.

Each golden (``testdata/reader/*.yml``) holds YAML documents: options, the workflow, for
reusable-workflow goldens pairs of (called file name, called file), and the expected
result as JSON. An expected ``errors`` list must equal our rendered errors (warnings
aside). Otherwise there must be no error, and a projection of our model must equal the
same projection of the expected JSON: job ids and types, ``needs``, the ``if`` of jobs and
steps, step ids and ``env`` (literals as the server prints them: numbers in .NET's G15),
called workflows' jobs, ``on`` events with their filters, schedules and inputs, and
``input-types``.

Every golden that is not fully compared is in :data:`SKIPS` with its reason; a skip that
starts passing fails the test (so the list cannot go stale).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from shipyard.diagnostics import Severity
from shipyard.valueclass import fields
from shipyard.workflow.model import EventConfig, Job, Step, Workflow
from shipyard.workflow.reader import parse_workflow
from shipyard.workflow.templates import DEFAULT_LIMITS, TemplateLimits
from shipyard.workflow.tokens import MappingToken, Token

_REPO = Path(__file__).resolve().parents[2]
_ROOT = Path(os.environ.get("SHIPYARD_CONFORMANCE", _REPO.parent / "shared" / "conformance"))
GOLDENS = _ROOT / "github" / "workflow-parser" / "testdata" / "reader"

_TS_STRICT = (
    "TypeScript-only (its strict root rejects unknown event keys); GitHub's service, like "
    "Shipyard, ignores them: see on-workflow_dispatch-unknown-keys-ignored.yml"
)
SKIPS: dict[str, str] = {
    "errors-anchor-tag.yml": (
        "template reader: GitHub has accepted YAML anchors since 2025 (real workflows use "
        "them); this golden records the older rejection"
    ),
    "events-single-invalid-config.yml": _TS_STRICT,
    "events-single-invalid.yml": _TS_STRICT,
}

_FILTERS = (
    "branches",
    "branches-ignore",
    "tags",
    "tags-ignore",
    "paths",
    "paths-ignore",
    "types",
    "workflows",
    "names",
    "versions",
)


def _goldens() -> list[str]:
    return sorted(p.name for p in GOLDENS.glob("*.yml")) if GOLDENS.is_dir() else []


def _documents(text: str) -> list[str]:
    return re.split(r"\r?\n---\r?\n", text)


def _lit(value: Any) -> Any:
    """A token as JSON (``{"lit": x}`` / ``{"expr": x}`` with source info) → plain value."""
    if isinstance(value, dict):
        for key in ("lit", "expr", "bool", "num"):
            if key in value:
                return value[key]
    return value


def _options(document: str) -> dict[str, Any]:
    loaded = yaml.safe_load(document)
    return loaded if isinstance(loaded, dict) else {}


def _parse(name: str, documents: list[str]) -> Workflow:
    options = _options(documents[0])
    called = {documents[i]: documents[i + 1] for i in range(2, len(documents) - 1, 2)}
    limits = DEFAULT_LIMITS
    for option, field in (
        ("max-depth", "max_depth"),
        ("max-file-size", "max_file_size"),
        ("max-result-size", "max_result_size"),
    ):
        if option in options:
            limits = TemplateLimits(**{**_limits_dict(limits), field: int(options[option])})
    experimental = options.get("experimental-features") or {}
    return parse_workflow(
        documents[1],
        f".github/workflows/{name}",
        fetch=None if options.get("skip-reusable-workflows") else called.__getitem__,
        max_nesting=int(options.get("max-nested-reusable-workflows-depth", 9)),
        max_jobs=int(options["max-job-limit"]) if "max-job-limit" in options else None,
        default_permissions=(
            "restricted" if options.get("permissions-policy") == "LimitedRead" else "permissive"
        ),
        limits=limits,
        allow_background_steps=bool(experimental.get("allowBackgroundSteps")),
    )


def _limits_dict(limits: TemplateLimits) -> dict[str, int]:
    return {f: getattr(limits, f) for f in (spec.name for spec in fields(TemplateLimits))}


# --- projections ----------------------------------------------------------------------


def _expected_jobs(jobs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    result = []
    for job in jobs:
        projected: dict[str, Any] = {
            "type": job["type"],
            "id": _lit(job["id"]),
            "needs": [_lit(n) for n in job.get("needs") or []],
            "if": _lit(job["if"]),
            "steps": [_expected_step(s) for s in job.get("steps") or []],
        }
        if "jobs" in job:
            projected["jobs"] = _expected_jobs(job["jobs"])
        if isinstance(job["id"], dict) and "line" in job["id"]:
            projected["at"] = (job["id"]["line"], job["id"]["col"])
        result.append(projected)
    return result


def _expected_step(step: dict[str, Any]) -> dict[str, Any]:
    projected = {"id": step["id"], "if": _lit(step["if"]) if "if" in step else None}
    env = step.get("env")
    if isinstance(env, dict) and env.get("type") == 2:  # a mapping
        projected["env"] = [(pair["Key"], _lit(pair["Value"])) for pair in env["map"]]
    elif env is not None:
        projected["env"] = _lit(env)
    return projected


def _actual_jobs(jobs: tuple[Job, ...], expected: list[dict[str, Any]]) -> list[dict[str, Any]]:
    result = []
    for job, wanted in zip(jobs, expected + [{}] * len(jobs), strict=False):
        steps = wanted.get("steps") or []
        projected: dict[str, Any] = {
            "type": "reusableWorkflowJob" if job.is_reusable_call else "job",
            "id": job.id,
            "needs": list(job.needs),
            "if": job.if_.expression,
            "steps": [
                _actual_step(s, "env" in w)
                for s, w in zip(job.steps, steps + [{}] * len(job.steps), strict=False)
            ],
        }
        if "jobs" in wanted:
            called = job.called.jobs if job.called else ()
            projected["jobs"] = _actual_jobs(called, wanted["jobs"])
        if "at" in wanted and job.span is not None:
            projected["at"] = (job.span.line, job.span.column)
        result.append(projected)
    return result


def _actual_step(step: Step, with_env: bool) -> dict[str, Any]:
    projected = {"id": step.id, "if": None if step.is_control else step.if_.expression}
    if with_env:
        env = step.env
        if isinstance(env, MappingToken):
            projected["env"] = [(str(k), _text(v)) for k, v in env.pairs]
        else:
            projected["env"] = None if env is None else _text(env)
    return projected


def _text(token: Token) -> Any:
    """A scalar as the golden shows it: an expression's text, else the literal as a string."""
    expression = getattr(token, "expression", None)
    return expression if token.is_expression else str(token)


def _actual_event(event: EventConfig, wanted: Any) -> Any:
    if event.name == "schedule":
        return [
            {"cron": s.cron, **({"timezone": s.timezone} if s.timezone else {})}
            for s in event.schedules
        ]
    result: dict[str, Any] = {}
    for name in _FILTERS:
        value = getattr(event, name.replace("-", "_"))
        if value is not None:
            result[name] = list(value)
    if event.inputs or (isinstance(wanted, dict) and "inputs" in wanted):
        result["inputs"] = {
            i.name: {
                "type": i.type,
                **({"description": i.description} if i.description is not None else {}),
                **({"required": i.required} if i.required else {}),
                **({"default": i.default} if i.default is not None else {}),
                **({"options": list(i.options)} if i.options else {}),
            }
            for i in event.inputs
        }
    if event.secrets or (isinstance(wanted, dict) and "secrets" in wanted):
        result["secrets"] = {
            s.name: {
                **({"description": s.description} if s.description is not None else {}),
                **({"required": s.required} if s.required else {}),
            }
            for s in event.secrets
        }
    return result


def _project_expected_events(events: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, config in events.items():
        if isinstance(config, dict):
            config = {k: v for k, v in config.items() if k in (*_FILTERS, "inputs", "secrets")}
            for section in ("inputs", "secrets"):
                for item in (config.get(section) or {}).values():
                    if item.get("required") is False:
                        del item["required"]
        result[name] = config
    return result


def _input_types(workflow: Workflow) -> dict[str, str]:
    dispatch = workflow.event("workflow_dispatch")
    return {i.name: i.type for i in dispatch.inputs} if dispatch else {}


# --- the test --------------------------------------------------------------------------


def _compare(name: str) -> None:
    documents = _documents((GOLDENS / name).read_text(encoding="utf-8"))
    expected = json.loads(documents[-1])
    workflow = _parse(name, documents)
    errors = [
        d.render(with_hint=False) for d in workflow.diagnostics if d.severity is Severity.ERROR
    ]
    if "errors" in expected:
        assert errors == [e["Message"] for e in expected["errors"]]
        return
    assert errors == []
    wanted_jobs = _expected_jobs(expected.get("jobs", []))
    assert _actual_jobs(workflow.jobs, wanted_jobs) == wanted_jobs
    if "events" in expected:
        wanted_events = _project_expected_events(expected["events"])
        actual = {e.name: _actual_event(e, wanted_events.get(e.name)) for e in workflow.events}
        assert actual == wanted_events
    if "input-types" in expected:
        assert _input_types(workflow) == expected["input-types"]


@pytest.mark.skipif(not GOLDENS.is_dir(), reason=f"conformance corpus not found at {GOLDENS}")
@pytest.mark.parametrize("name", _goldens())
def test_golden(name: str) -> None:
    if name in SKIPS:
        try:
            _compare(name)
        except AssertionError:
            pytest.skip(SKIPS[name])
        pytest.fail(f"{name} passes: remove it from SKIPS ({SKIPS[name]})")
    _compare(name)


def test_skips_name_existing_goldens() -> None:
    if not GOLDENS.is_dir():
        pytest.skip(f"conformance corpus not found at {GOLDENS}")
    assert sorted(set(SKIPS) - set(_goldens())) == []
