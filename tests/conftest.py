"""Test-session setup shared by every folder.

The ``shipyard`` processes the tests start hand their commands to warm servers
(:mod:`shipyard.cli.launch`), as a user's would. Those servers live in a runtime folder
private to this session, so no test reaches a server started outside it with other code,
and they are stopped when the session ends.

A session started in the background of a non-interactive shell (``pytest &`` in a script)
ignores SIGINT and SIGQUIT, and every process it starts would inherit that, so Ctrl-C
could not cancel the runs that the cancel tests start. The session restores the defaults
a terminal gives, whoever started it.
"""

from __future__ import annotations

import os
import signal
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
if signal.getsignal(signal.SIGQUIT) == signal.SIG_IGN:
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)


def _stop_servers(folder: Path) -> None:
    """Stop the servers in ``folder`` and wait (5 s at most) until they are gone."""
    from shipyard.cli.launch import request_status, request_stop

    pids = []
    for sock in folder.glob("*.sock"):
        status = request_status(str(sock))
        if status is not None and request_stop(str(sock)):
            pids.append(status[0])
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.02)


def alive(pid: int) -> bool:
    """Whether ``pid`` runs: a zombie waiting for an init that may never reap it does not."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.fixture(scope="session", autouse=True)
def _private_warm_servers() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="shipyard-servers-") as folder:
        previous = os.environ.get("SHIPYARD_RUNTIME_DIR")
        os.environ["SHIPYARD_RUNTIME_DIR"] = folder
        try:
            yield Path(folder)
        finally:
            _stop_servers(Path(folder))
            if previous is None:
                del os.environ["SHIPYARD_RUNTIME_DIR"]
            else:
                os.environ["SHIPYARD_RUNTIME_DIR"] = previous
