"""The console entry point: exit codes, flushed output, and work asked for at exit still runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def _python(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=60
    )


def test_output_is_flushed_and_the_exit_code_kept(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "shipyard", "eval", "format('{0}-{1}', 'a', 1)"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stdout) == (0, "a-1\n")
    bad = subprocess.run(
        [sys.executable, "-m", "shipyard", "eval", "1 +"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 1 and bad.stderr.startswith("error:")


def test_atexit_handlers_still_run(tmp_path: Path) -> None:
    done = _python(
        "import atexit, sys\n"
        "atexit.register(lambda: print('at exit'))\n"
        "sys.argv = ['shipyard', 'eval', '1 == 1']\n"
        "from shipyard.cli.main import entry\n"
        "entry()\n",
        tmp_path,
    )
    assert (done.returncode, done.stdout) == (0, "true\nat exit\n")
