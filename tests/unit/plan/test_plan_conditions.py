"""Status functions as host functions, in step and job conditions."""

from __future__ import annotations

from shipyard.expr import evaluate
from shipyard.plan.conditions import status_functions


def test_step_level_reads_the_job_status() -> None:
    assert evaluate("success()", {}, status_functions()) is True
    assert evaluate("success()", {}, status_functions(status="failure")) is False
    assert evaluate("failure()", {}, status_functions(status="FAILURE")) is True
    assert evaluate("cancelled()", {}, status_functions(status="cancelled")) is True
    assert evaluate("always()", {}, status_functions(status="cancelled")) is True


def test_job_ids_read_needs_results() -> None:
    needs = {"Build": {"result": "success"}, "lint": {"result": "failure"}}
    fns = status_functions(needs=needs)
    assert evaluate("success('build')", {}, fns) is True
    assert evaluate("success('build', 'lint')", {}, fns) is False
    assert evaluate("failure('lint')", {}, fns) is True
    assert evaluate("failure('build')", {}, fns) is False


def test_job_level_success_needs_every_dependency_to_succeed() -> None:
    skipped = {"a": {"result": "success"}, "b": {"result": "skipped"}}
    assert evaluate("success()", {}, status_functions(needs=skipped, job_level=True)) is False
    failed = {"a": {"result": "failure"}}
    assert evaluate("failure()", {}, status_functions(needs=failed, job_level=True)) is True
    ok = {"a": {"result": "success"}}
    assert evaluate("success()", {}, status_functions(needs=ok, job_level=True)) is True
