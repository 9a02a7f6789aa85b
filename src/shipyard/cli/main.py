"""The ``shipyard`` command: argument parsing, command dispatch and the one error boundary.

Each command lives in its own module with ``add_parser(subparsers)`` and ``run(args) -> int``;
modules are imported only when their command runs, so ``shipyard validate`` never pays for
what ``shipyard run`` needs. Exit codes: 0 success, 1 user error or failed check,
2 bad command line, 3 a bug in Shipyard (a crash log is written), 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from shipyard import __version__

# command name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("shipyard.cli.run", "run the workflows an event fires, here and now"),
    "validate": ("shipyard.cli.validate", "check workflow files the way GitHub does"),
    "eval": ("shipyard.cli.evaluate", "evaluate a GitHub Actions expression"),
    "list": ("shipyard.cli.listing", "show which workflows and jobs an event fires"),
    "report": ("shipyard.cli.report", "summarise test, coverage, quality or security results"),
    "bench": (
        "shipyard.cli.bench",
        "run the project's benchmarks, or compare them with a base ref",
    ),
    "gate": ("shipyard.cli.gate", "evaluate the five quality gates of a run"),
    "init": ("shipyard.cli.init", "write the Shipyard CI/CD pipeline into a Python project"),
    "runs": ("shipyard.cli.runs", "list the recorded runs of this repository"),
    "show": ("shipyard.cli.show", "show a recorded run: workflows, jobs, steps, annotations"),
    "logs": ("shipyard.cli.logs", "print the logs of a recorded run's jobs"),
    "server": ("shipyard.cli.servers", "list or stop the warm servers that start commands fast"),
}


def _parse(argv: Sequence[str]) -> tuple[argparse.Namespace, str | None]:
    """Parse ``argv``; only the chosen command's module is imported to define its options."""
    parser = argparse.ArgumentParser(
        prog="shipyard",
        description="Run GitHub Actions workflows natively, with GitHub's exact semantics.",
    )
    parser.add_argument("--version", action="version", version=f"shipyard {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    wanted = next((a for a in argv if not a.startswith("-")), None)
    # The other commands' parsers only matter for the top-level help and its errors.
    alone = wanted in COMMANDS and not {"-h", "--help"} & set(argv[: list(argv).index(wanted)])
    for name, (module_name, help_text) in COMMANDS.items():
        if name == wanted:
            importlib.import_module(module_name).add_parser(sub, name, help_text)
        elif not alone:
            sub.add_parser(name, help=help_text)
    args, extra = parser.parse_known_args(argv)
    if extra:  # told with the command's own usage, not the top level's
        command = sub.choices.get(args.command) if args.command else None
        (command or parser).error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command is None:
        parser.print_help()
        return args, None
    return args, COMMANDS[args.command][0]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit code."""
    from shipyard.errors import UserError

    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args, module_name = _parse(argv)
        if module_name is None:
            return 0
        module = importlib.import_module(module_name)
        code: int = module.run(args)
        return code
    except UserError as err:
        print(f"error: {err.render()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except Exception:  # the one boundary that turns a bug into a crash log
        return _crash()


def entry(argv: Sequence[str] | None = None) -> NoReturn:
    """Run the command here: :func:`main`, then exit fast.

    :func:`shipyard.cli.launch.entry` (the ``shipyard`` console script and ``python -m
    shipyard``) calls it when no warm server takes the command; a server's child calls it
    for the command it took.

    A normal interpreter exit tears every module and object down one by one, which took
    12 ms of the 100 ms a one-step ``shipyard run`` costs (bench/README.md). Once the command
    has returned and its output is flushed nothing is left to do, so the process ends with
    ``os._exit`` — unless something asked for work at exit (an ``atexit`` handler, say
    coverage.py measuring this process, or a thread still running), which then gets the
    usual exit.
    """
    code = main(argv)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a closed pipe (`shipyard runs | head -1`): nothing more to say
        code = code or 1
    if _exit_work_pending():
        sys.exit(code)
    os._exit(code)


def _exit_work_pending() -> bool:
    import atexit

    count = getattr(atexit, "_ncallbacks", None)
    if count is None or count() > 0:
        return True
    threading = sys.modules.get("threading")
    return threading is not None and any(
        not t.daemon and t is not threading.main_thread() and t.is_alive()
        for t in threading.enumerate()
    )


def _crash() -> int:
    import tempfile
    import traceback

    text = traceback.format_exc()
    with tempfile.NamedTemporaryFile(
        "w", prefix="shipyard-crash-", suffix=".log", delete=False
    ) as log:
        log.write(text)
    print(
        f"error: Shipyard hit an internal error (a bug); details in {log.name}\n\n"
        "hint: please report it with that file",
        file=sys.stderr,
    )
    return 3


if __name__ == "__main__":
    entry()
