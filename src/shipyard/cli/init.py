"""``shipyard init [PATH]``: write the Shipyard CI/CD pipeline into a Python project.

Looks at the project (file listing, ``pyproject.toml``, its benchmarks and requirement
files), renders the eight workflows of the pipeline into ``.github/workflows/`` and the
choices into ``[tool.shipyard]`` of ``pyproject.toml`` (see :mod:`shipyard.scaffold`), and
prints the plan: one line per file (``create``, ``update``, ``unchanged``, ``skip``).
``--diff`` adds a unified diff per changed file; ``--dry-run`` shows the diffs and writes
nothing. A workflow edited since Shipyard wrote it (or not written by Shipyard) is left
alone unless ``--force``. Without ``--yes`` it asks before writing when stdin is a
terminal; with no terminal it shows the plan and exits 1 with a hint. Running it again
changes nothing and says so. Exit codes: 0 written or nothing to do, 1 not written
(declined, no terminal, or a problem with the project), 2 bad command line.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from shipyard.errors import UserError

SKIPPED_DIRS = {"node_modules", "__pycache__", "build", "dist", "venv", "env", "site-packages"}
MAX_DEPTH = 4


def _pythons(text: str) -> tuple[str, ...]:
    from shipyard.scaffold.requires import parse_python_list

    try:
        return parse_python_list(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _percent(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"expected a number from 0 to 100, not {text!r}")
    return value


def add_parser(sub: Any, name: str, help_text: str) -> None:
    """Define the command's options."""
    parser = sub.add_parser(name, help=help_text, description=help_text)
    parser.add_argument(
        "path", nargs="?", default=".", metavar="PATH", help="the project (default: here)"
    )
    parser.add_argument("-y", "--yes", action="store_true", help="write without asking")
    parser.add_argument(
        "--force", action="store_true", help="also overwrite workflows edited since init wrote them"
    )
    parser.add_argument(
        "-n", "--dry-run", action="store_true", help="show the changes as diffs; write nothing"
    )
    parser.add_argument("--diff", action="store_true", help="show a unified diff per changed file")
    parser.add_argument(
        "--python",
        type=_pythons,
        metavar="X.Y,…",
        help="Python versions to test (default: those requires-python allows within 3.9–3.13)",
    )
    parser.add_argument(
        "--coverage-min", type=_percent, metavar="N", help="minimum total coverage (default: 80)"
    )


def list_files(root: Path) -> list[str]:
    """The project's files as relative POSIX paths (no hidden, build or environment folders)."""
    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        relative = Path(folder).relative_to(root)
        depth = len(relative.parts)
        dirs[:] = sorted(
            d
            for d in dirs
            if depth < MAX_DEPTH
            and not d.startswith(".")
            and d not in SKIPPED_DIRS
            and not d.endswith(".egg-info")
            and not (Path(folder, d) / "pyvenv.cfg").exists()
        )
        found += [(relative / f).as_posix() for f in sorted(files)]
    return found


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as err:
        raise UserError(f"cannot read {path}: {err}") from None


def _benchmark_count(root: Path, folder: str) -> int | None:
    from shipyard.tools.bench_discovery import discover_benchmarks, find_pytest_benchmark_files

    try:
        return len(discover_benchmarks(root, folder)) + len(find_pytest_benchmark_files(root))
    except UserError:
        return None  # a benchmark file that does not parse: decide from the listing


def describe(facts: Any, settings: Any) -> str:
    """One line saying what init found and chose."""
    parts = [f"{facts.name}: package {facts.package} ({facts.layout} layout, {facts.source})"]
    parts.append(f"tests in {facts.tests}/" if facts.tests else "tests found by pytest")
    parts.append(
        f"benchmarks in {settings.benchmarks}/" if facts.has_benchmarks else "no benchmarks"
    )
    parts.append("Python " + ", ".join(settings.python_versions))
    installs = [*facts.requirement_files]
    if facts.manager != "pip":
        installs.append(f"{facts.manager} lock")
    elif facts.buildable:
        installs.append(f".[{','.join(facts.extras)}]" if facts.extras else ".")
    parts.append("installs " + (", ".join(installs) or "nothing"))
    return "; ".join(parts)


def _confirm(count: int) -> bool:
    print(f"write {count} file{'s' if count != 1 else ''}? [y/N] ", end="", file=sys.stderr)
    sys.stderr.flush()
    try:
        answer = input()
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def _write(root: Path, relative: str, text: str) -> None:
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.shipyard-{os.getpid()}")
    temporary.write_bytes(text.encode("utf-8"))
    temporary.replace(target)


def run(args: argparse.Namespace) -> int:
    """Plan, show, confirm and write (see the module docstring)."""
    from shipyard.scaffold.plan import SKIP, plan_changes, render_plan, summarize
    from shipyard.scaffold.project import detect_project, is_python_project
    from shipyard.scaffold.render import render_workflows
    from shipyard.scaffold.settings_table import choose_settings, render_settings_table
    from shipyard.settings import load_project_settings

    root = Path(args.path).resolve()
    if not root.is_dir():
        raise UserError(f"no such folder: {args.path}")
    files = list_files(root)
    if not is_python_project(files):
        raise UserError(
            f"no Python project in {root}: no pyproject.toml, setup.py, requirements file "
            "or .py file",
            hint="run shipyard init in the project's folder, or give its path",
        )
    pyproject = _read(root / "pyproject.toml")
    current = load_project_settings(root)
    requirement_texts = {
        name: _read(root / name) or ""
        for name in files
        if name.startswith("requirements") and name.endswith(".txt")
    }
    facts = detect_project(
        files,
        pyproject,
        fallback_name=root.name,
        benchmarks_folder=current.benchmarks,
        benchmark_count=_benchmark_count(root, current.benchmarks),
        requirement_texts=requirement_texts,
    )
    settings = choose_settings(
        facts, current, python_versions=args.python, coverage_min=args.coverage_min
    )
    replace_keys = {
        key
        for key, given in (("python-versions", args.python), ("coverage-min", args.coverage_min))
        if given is not None
    }
    rendered = render_workflows(facts, settings)
    rendered["pyproject.toml"] = render_settings_table(
        pyproject, settings, replace_keys=replace_keys
    )
    changes = plan_changes(
        {path: _read(root / path) for path in rendered}, rendered, force=args.force
    )
    print(describe(facts, settings))
    for note in facts.notes:
        print(f"note: {note}")
    print()
    for line in render_plan(changes):
        print(line)
    writes = [c for c in changes if c.writes]
    if args.diff or args.dry_run:
        for change in writes:
            print()
            print(change.diff(), end="")
    print()
    if any(c.action == SKIP for c in changes):
        print("hint: shipyard init --force overwrites the edited workflows", file=sys.stderr)
    if not writes:
        print("nothing to change: the pipeline is up to date")
        return 0
    if args.dry_run:
        print(f"dry run: {summarize(changes)}; nothing written")
        return 0
    if not args.yes:
        if not sys.stdin.isatty():
            print(
                "error: not writing without --yes: there is no terminal to ask on\n\n"
                "hint: run `shipyard init --yes` to write these files, "
                "or `shipyard init --dry-run` to see the diffs",
                file=sys.stderr,
            )
            return 1
        if not _confirm(len(writes)):
            print("nothing written", file=sys.stderr)
            return 1
    for change in writes:
        _write(root, change.path, change.new)
    created = sum(1 for c in writes if c.action == "create")
    done = [f"{created} created"] if created else []
    done += [f"{len(writes) - created} updated"] if len(writes) > created else []
    print(f"wrote {len(writes)} file{'s' if len(writes) != 1 else ''} ({', '.join(done)})")
    print("next: shipyard run --event pull_request  (runs the pipeline here)")
    return 0
