"""Test-session setup shared by every folder.

The ``shipyard`` processes the tests start hand their commands to warm servers
(:mod:`shipyard.cli.launch`), as a user's would. Those servers live in a runtime folder
private to this session, so no test reaches a server started outside it with other code,
and they are stopped when the session ends.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session", autouse=True)
def _private_warm_servers() -> Iterator[Path]:
    from shipyard.cli.launch import request_stop

    with tempfile.TemporaryDirectory(prefix="shipyard-servers-") as folder:
        previous = os.environ.get("SHIPYARD_RUNTIME_DIR")
        os.environ["SHIPYARD_RUNTIME_DIR"] = folder
        try:
            yield Path(folder)
        finally:
            for socket in Path(folder).glob("*.sock"):
                request_stop(str(socket))
            if previous is None:
                del os.environ["SHIPYARD_RUNTIME_DIR"]
            else:
                os.environ["SHIPYARD_RUNTIME_DIR"] = previous
