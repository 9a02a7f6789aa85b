"""The cache of converted workflows: a hit gives the same workflow, anything odd is a miss."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from shipyard.workflow.reader import parse_workflow
from shipyard.workflow_cache import WorkflowCache

TEXT = "on: push\njobs:\n  one:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n"
BAD = "on: push\njobs:\n  one:\n    runs-on: ubuntu-latest\n    stepz: []\n"


def test_a_stored_workflow_is_found_again(tmp_path: Path) -> None:
    workflow = parse_workflow(TEXT, ".github/workflows/a.yml")
    WorkflowCache(tmp_path).store(TEXT, ".github/workflows/a.yml", workflow)
    assert WorkflowCache(tmp_path).load(TEXT, ".github/workflows/a.yml") == workflow


def test_diagnostics_survive(tmp_path: Path) -> None:
    workflow = parse_workflow(BAD, "b.yml")
    assert workflow.diagnostics
    WorkflowCache(tmp_path).store(BAD, "b.yml", workflow)
    found = WorkflowCache(tmp_path).load(BAD, "b.yml")
    assert found is not None
    assert found.diagnostics == workflow.diagnostics


def test_other_text_or_path_misses(tmp_path: Path) -> None:
    cache = WorkflowCache(tmp_path)
    cache.store(TEXT, "a.yml", parse_workflow(TEXT, "a.yml"))
    assert cache.load(TEXT + "\n", "a.yml") is None
    assert cache.load(TEXT, "b.yml") is None
    assert WorkflowCache(tmp_path / "elsewhere").load(TEXT, "a.yml") is None


def test_a_damaged_entry_is_ignored(tmp_path: Path) -> None:
    cache = WorkflowCache(tmp_path)
    cache.store(TEXT, "a.yml", parse_workflow(TEXT, "a.yml"))
    (entry,) = (tmp_path / "cache" / "workflows").iterdir()
    entry.write_bytes(entry.read_bytes()[:-10])
    assert cache.load(TEXT, "a.yml") is None
    entry.write_bytes(b"not a pickle")
    assert cache.load(TEXT, "a.yml") is None


def test_an_unwritable_cache_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "cache").write_text("a file where the folder should be", encoding="utf-8")
    cache = WorkflowCache(tmp_path)
    cache.store(TEXT, "a.yml", parse_workflow(TEXT, "a.yml"))
    assert cache.load(TEXT, "a.yml") is None


def test_a_hit_does_not_import_the_reader(tmp_path: Path) -> None:
    WorkflowCache(tmp_path).store(TEXT, "a.yml", parse_workflow(TEXT, "a.yml"))
    script = (
        "import sys\nfrom pathlib import Path\nfrom shipyard.workflow_cache import WorkflowCache\n"
        f"assert WorkflowCache(Path({str(tmp_path)!r})).load({TEXT!r}, 'a.yml') is not None\n"
        "heavy = [m for m in sys.modules if m == 'yaml' or m.startswith('shipyard.workflow.')"
        " and m.split('.')[2] in {'reader', 'templates', 'schema', 'convert'}]\n"
        "print(heavy)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=dict(os.environ),
        check=True,
    )  # fmt: skip
    assert done.stdout == "[]\n"
