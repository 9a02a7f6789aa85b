"""GitHub's workflow-parser corpus, run against the template reader (``read_template``).

The corpus is the test data of GitHub's ``actions/languageservices`` workflow parser
(``workflow-parser/testdata/reader/*.yml``), read from ``$SHIPYARD_CONFORMANCE`` (default:
``<repo>/../shared/conformance``). Each golden file holds YAML documents: options, the
workflow, optionally ``name``/``content`` pairs of called (reusable) workflows, and last the
expected result as JSON: either the converted workflow or ``{"errors": [...]}``.

What is checked here is the template reader's part (YAML + schema):

- a golden that expects errors produced by the template reader: the rendered diagnostics
  equal GitHub's messages exactly, in order;
- a golden that expects errors produced by the converter (ids, ``needs``, reusable
  workflows ...): skipped here, each listed in :data:`CONVERTER_ERRORS` with the reason;
- a golden that expects no errors: the workflow and every called workflow read without
  diagnostics.

Options honoured: ``max-depth``, ``max-file-size``, ``max-result-size`` (limits) and
``experimental-features.allowBackgroundSteps``. ``include-source`` only changes the JSON
form of the converted workflow, never an error message, so it does not matter here; the
other options (``max-job-limit``, ``permissions-policy`` ...) belong to the converter.
``skip`` names implementations whose behaviour differs from the expected output: a golden
skipped for ``C#`` (GitHub's server) records the TypeScript parser's stricter reading of
``on:`` (root ``workflow-root-strict``), so it is read with that root; a golden skipped for
``TypeScript`` records the server's behaviour, which this reader follows, so it runs.
``skipped-tests.txt`` (the goldens GitHub's TypeScript harness skips) is not a skip list
here: those goldens run too, except the ones in :data:`SKIPPED`, each with its reason.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from shipyard.workflow.templates import (
    WORKFLOW_ROOT,
    WORKFLOW_ROOT_STRICT,
    TemplateLimits,
    read_template,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
CONFORMANCE = Path(
    os.environ.get("SHIPYARD_CONFORMANCE", str(REPO_ROOT.parent / "shared" / "conformance"))
)
TESTDATA = CONFORMANCE / "github" / "workflow-parser" / "testdata"
READER = TESTDATA / "reader"

_CYCLE = (
    "needs: the dependency graph (cycles, unknown jobs, start node) is checked by the converter"
)
_IDS = "job and step ids are validated by the converter (id-builder)"
_CALLED = "checked by the converter while loading a called (reusable) workflow"
_PERMISSIONS = "reusable-workflow permissions are checked by the converter"

CONVERTER_ERRORS: dict[str, str] = {
    "errors-job-id-format.yml": _IDS,
    "errors-job-id-leading-underscores.yml": _IDS,
    "errors-step-id.yml": _IDS,
    "errors-job-needs-cycle.yml": _CYCLE,
    "errors-job-needs-no-start-node.yml": _CYCLE,
    "errors-job-needs-unknown-job.yml": _CYCLE,
    "errors-jobs-at-least-one.yml": _CYCLE,
    "errors-job-runs-on-group-invalid-prefix.yml": "runs-on groups are checked by the converter",
    "errors-matrix-empty-vector.yml": "matrix vectors are checked by the converter",
    "errors-max-job-limit-with-reusable-workflow.yml": "the job limit is the converter's",
    "errors-step-if.yml": "a step 'if' without ${{ }} is parsed by the converter (if-condition)",
    "errors-step-uses-syntax.yml": "'uses' syntax is checked by the converter",
    "job-container-missing-image.yml": "container images are checked by the converter",
    "errors-reusable-workflow-job-inputs-required.yml": _CALLED,
    "errors-reusable-workflow-job-inputs-type-mismatch.yml": _CALLED,
    "errors-reusable-workflow-job-inputs-undefined.yml": _CALLED,
    "errors-reusable-workflow-job-secrets-required.yml": _CALLED,
    "errors-reusable-workflow-job-secrets-undefined.yml": _CALLED,
    "errors-reusable-workflow-job-nested-depth-exceeded.yml": _CALLED,
    "errors-reusable-workflow-max-result-size.yml": (
        _CALLED + " (read_template's TemplateMemory shares the size budget between reads)"
    ),
}
CONVERTER_ERRORS.update(
    {
        path.name: _PERMISSIONS
        for path in (sorted(READER.glob("errors-reusable-workflow-*permissions*.yml")))
    }
)

SKIPPED: dict[str, str] = {
    "errors-anchor-tag.yml": (
        "records GitHub's server from before it supported YAML anchors (2025); GitHub now "
        "accepts anchors and aliases, as the TypeScript parser and this reader do"
    ),
}

# goldens Shipyard is known not to match yet (strict: a pass fails the run); none today
XFAIL: dict[str, str] = {}


@dataclass
class Golden:
    name: str
    options: dict[str, Any]
    workflow: str
    called: list[tuple[str, str]] = field(default_factory=list)
    expected: dict[str, Any] | list[Any] = field(default_factory=dict)


def _load(path: Path) -> Golden:
    documents = re.split(r"^---[ \t]*\n", path.read_text(encoding="utf-8"), flags=re.M)
    options = yaml.safe_load(documents[0]) or {}
    called = [(documents[i].strip(), documents[i + 1]) for i in range(2, len(documents) - 1, 2)]
    expected = json.loads(documents[-1])
    return Golden(path.name, options, documents[1], called, expected)


def _params() -> list[Any]:
    if not READER.is_dir():
        reason = f"workflow-parser corpus not found at {READER} (set SHIPYARD_CONFORMANCE)"
        return [pytest.param(None, id="corpus-missing", marks=pytest.mark.skip(reason=reason))]
    params: list[Any] = []
    for path in sorted(READER.glob("*.yml")):
        marks: list[Any] = []
        if path.name in SKIPPED:
            marks.append(pytest.mark.skip(reason=SKIPPED[path.name]))
        elif path.name in CONVERTER_ERRORS:
            marks.append(pytest.mark.skip(reason="converter: " + CONVERTER_ERRORS[path.name]))
        elif path.name in XFAIL:
            marks.append(pytest.mark.xfail(reason=XFAIL[path.name], strict=True))
        params.append(pytest.param(path, id=path.name, marks=marks))
    return params


def _read(golden: Golden, text: str, path: str) -> list[str]:
    options = golden.options
    limits: dict[str, int] = {}
    for option, name in (
        ("max-depth", "max_depth"),
        ("max-file-size", "max_file_size"),
        ("max-result-size", "max_result_size"),
    ):
        if option in options:
            limits[name] = int(options[option])
    features = options.get("experimental-features") or {}
    root = WORKFLOW_ROOT_STRICT if "C#" in (options.get("skip") or []) else WORKFLOW_ROOT
    result = read_template(
        text,
        path,
        root=root,
        limits=TemplateLimits(**limits),
        allow_background_steps=bool(features.get("allowBackgroundSteps")),
    )
    return [d.render() for d in result.diagnostics]


@pytest.mark.parametrize("path", _params())
def test_golden(path: Path) -> None:
    golden = _load(path)
    expected = golden.expected
    errors = (
        [e["Message"] for e in expected.get("errors", [])] if isinstance(expected, dict) else []
    )
    got = _read(golden, golden.workflow, f".github/workflows/{golden.name}")
    assert got == errors
    if not errors:
        for name, content in golden.called:
            assert _read(golden, content, name) == [], f"called workflow {name}"


def test_skip_lists_name_existing_goldens() -> None:
    if not READER.is_dir():
        pytest.skip(f"workflow-parser corpus not found at {READER}")
    names = {p.name for p in READER.glob("*.yml")}
    listed = set(CONVERTER_ERRORS) | set(SKIPPED) | set(XFAIL)
    assert listed <= names
    typescript_skips = (TESTDATA / "skipped-tests.txt").read_text(encoding="utf-8").split()
    assert set(typescript_skips) <= names


def test_converter_goldens_expect_errors() -> None:
    """Every golden left to the converter does expect errors (else it would run here)."""
    if not READER.is_dir():
        pytest.skip(f"workflow-parser corpus not found at {READER}")
    for name in CONVERTER_ERRORS:
        expected = _load(READER / name).expected
        assert isinstance(expected, dict)
        assert expected.get("errors"), name
