"""``shipyard server``: the warm servers of this user: list them, or stop them.

The servers themselves are :mod:`shipyard.cli.server`; :mod:`shipyard.cli.launch` starts
them and hands them commands. ``shipyard server`` (or ``status``) prints one line per
server; ``shipyard server stop`` asks each to stop once its running commands finish.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from shipyard.cli.launch import request_status, request_stop, runtime_dir


def add_parser(sub: Any, name: str, help_text: str) -> None:
    """Define the command's options."""
    parser = sub.add_parser(name, help=help_text, description=help_text)
    parser.add_argument(
        "action", nargs="?", choices=("status", "stop"), default="status", help="default: status"
    )


def run(args: argparse.Namespace) -> int:
    """List or stop the servers in this user's runtime folder."""
    folder = runtime_dir()
    if folder is None:
        print(
            "no warm servers: the runtime folder is missing or not private to this user",
            file=sys.stderr,
        )
        return 0
    sockets = sorted(Path(folder).glob("*.sock"))
    if args.action == "stop":
        stopped = sum(request_stop(str(s)) for s in sockets)
        print(f"{stopped} server{'s' if stopped != 1 else ''} stopping", file=sys.stderr)
        return 0
    answers = [(s, request_status(str(s))) for s in sockets]
    live = [(s, a) for s, a in answers if a is not None]
    if not live:
        print(f"no warm servers in {folder}", file=sys.stderr)
        return 0
    print(f"{'PID':>7}  {'SERVED':>6}  {'RUNNING':>7}  {'UP':>7}  SOCKET")
    for sock, (pid, served, running, age) in live:
        print(f"{pid:>7}  {served:>6}  {running:>7}  {age:>6.0f}s  {sock}")
    return 0
