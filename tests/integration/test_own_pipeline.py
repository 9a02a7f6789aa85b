"""Shipyard's own `.github/workflows/` is exactly what `shipyard init` writes for it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_own_workflows_are_what_init_writes() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "shipyard", "init", "--dry-run"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith("nothing to change: the pipeline is up to date"), (
        "the templates changed: run `shipyard init --yes --force` in the repository and "
        f"commit the workflows\n{done.stdout}"
    )


def test_own_workflows_are_valid() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "shipyard", "validate"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stderr) == (0, "8 files valid\n")
