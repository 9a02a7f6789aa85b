"""The plain view: every line it prints names its job."""

from __future__ import annotations

import io

from shipyard.cli.runview import PlainView
from shipyard.engine.observer import JobReport


def test_every_line_of_a_multi_line_skip_reason_is_prefixed() -> None:
    out = io.StringIO()
    view = PlainView(out, {"ci.yml": "CI"})
    report = JobReport(
        key="0:deploy#0",
        workflow_path="ci.yml",
        job_id="deploy",
        name="deploy",
        matrix=None,
        skip_reason="the condition was false:\n  needs.build.result == 'success'\n  && false",
    )
    view.job_finished(report)
    assert out.getvalue() == (
        "[CI / deploy] job skipped: the condition was false:\n"
        "[CI / deploy]   needs.build.result == 'success'\n"
        "[CI / deploy]   && false\n"
    )


def test_a_log_line_with_a_form_feed_stays_one_line() -> None:
    out = io.StringIO()
    view = PlainView(out, {})
    report = JobReport(key="0:a#0", workflow_path="w.yml", job_id="a", name="a", matrix=None)
    view.log(report, "page\fbreak")
    assert out.getvalue() == "[w.yml / a] page\fbreak\n"
