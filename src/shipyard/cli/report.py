"""``shipyard report KIND``: dispatch to one report command (tests, coverage, quality, security).

Each kind lives in ``shipyard.cli.report_<kind>`` with ``add_parser``/``run``; those
modules keep their module-level imports light (heavy ones go inside ``run``), since
``shipyard report`` imports them all to define their options.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Any

KINDS: dict[str, str] = {
    "tests": "test results from JUnit XML files, across matrix configurations",
    "coverage": "coverage from coverage.py data, with its change against the base branch",
    "quality": "formatting, lint, static analysis, types and complexity findings",
    "security": "code security findings and vulnerable dependencies",
}


def add_parser(sub: Any, name: str, help_text: str) -> None:
    """Define ``report`` and, for the chosen kind only, its options."""
    parser = sub.add_parser(name, help=help_text, description=help_text)
    kinds = parser.add_subparsers(dest="kind", metavar="KIND")
    argv = sys.argv[1:]
    wanted = (
        argv[argv.index(name) + 1] if name in argv and argv.index(name) + 1 < len(argv) else None
    )
    for kind, text in KINDS.items():
        if kind == wanted:
            importlib.import_module(f"shipyard.cli.report_{kind}").add_parser(kinds, kind, text)
        else:
            kinds.add_parser(kind, help=text)


def run(args: argparse.Namespace) -> int:
    """Run the chosen report."""
    if not getattr(args, "kind", None):
        print("usage: shipyard report {" + ",".join(KINDS) + "} ...", file=sys.stderr)
        return 2
    module = importlib.import_module(f"shipyard.cli.report_{args.kind}")
    code: int = module.run(args)
    return code
