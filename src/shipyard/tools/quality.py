"""Running the quality tools (ruff, black, isort, flake8, pylint, mypy, radon, bandit).

:func:`run_quality_tools` runs each requested tool on the project (their commands run
in parallel) and returns the findings, read by :mod:`shipyard.reports.analysers`, and one
:class:`~shipyard.reports.findings.ToolRun` per tool. A tool is run as
``python -m tool`` when this Python can import it, else from ``PATH``; a tool found in
neither is ``not installed`` (reported, not a crash). A tool whose output cannot be read,
or that exits with a code meaning it broke, is ``error`` with the last line it printed.

Each tool checks the given paths, else the project as its own configuration says
(ruff, black, isort, flake8 honour theirs; mypy runs on its configured ``files``, else
``src`` or ``.``), with the usual build and environment folders left out. Paths in
findings are made relative to the project root.
"""

from __future__ import annotations

import configparser
import importlib.util
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from shipyard.reports import analysers, bandit
from shipyard.reports.findings import ERROR, NOT_INSTALLED, RAN, Finding, ToolRun
from shipyard.valueclass import dataclass, replace

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

EXCLUDED_DIRS: tuple[str, ...] = (".venv", "venv", ".git", ".tox", ".nox", "build", "dist")
EXCLUDED_DIRS += ("node_modules", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache")
TIMEOUT = 900.0
Parser = Callable[[str], list[Finding]]


@dataclass(frozen=True, slots=True)
class Command:
    """One invocation of a tool: its arguments, how to read what it prints, its normal exits."""

    tool: str
    args: tuple[str, ...]
    parse: Parser
    ok_codes: frozenset[int] = frozenset({0, 1})


def tool_command(module: str) -> list[str] | None:
    """How to start a tool: ``python -m module`` when this Python can import it, else its
    ``PATH`` entry, else None."""
    if importlib.util.find_spec(module) is not None:
        return [sys.executable, "-m", module]
    found = shutil.which(module)
    return [found] if found else None


def run_command(argv: Sequence[str], root: Path, timeout: float = TIMEOUT) -> tuple[int, str, str]:
    """Run a tool in ``root``: (exit code, stdout, stderr); a timeout is exit code -1."""
    try:
        done = subprocess.run(
            list(argv), cwd=root, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return -1, "", f"timed out after {timeout:.0f} s"
    except OSError as err:
        return -1, "", str(err)
    return done.returncode, done.stdout, done.stderr


def last_line(*texts: str) -> str:
    """The last non-empty line of the first text that has one (for error notes)."""
    for text in texts:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if lines:
            return lines[-1][:200]
    return "no output"


def _mypy_targets(root: Path, paths: Sequence[str]) -> list[str]:
    if paths:
        return list(paths)
    try:
        data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
        if data.get("tool", {}).get("mypy", {}).get("files"):
            return []
    except (OSError, tomllib.TOMLDecodeError):
        pass
    for name, section in (("mypy.ini", "mypy"), (".mypy.ini", "mypy"), ("setup.cfg", "mypy")):
        config = configparser.ConfigParser()
        try:
            config.read(root / name, encoding="utf-8")
        except configparser.Error:
            continue
        if config.has_option(section, "files"):
            return []
    return ["src"] if (root / "src").is_dir() else ["."]


def _radon_parse(text: str) -> list[Finding]:
    return analysers.parse_radon_cc(text)[0]


def commands_for(tool: str, root: Path, paths: Sequence[str]) -> list[Command]:
    """The invocations that make up one tool's check (arguments after the executable)."""
    targets = tuple(paths) or (".",)
    globs = ",".join(f"*/{d}/*" for d in EXCLUDED_DIRS)
    if tool == "ruff":
        return [
            Command(
                "ruff", ("check", "--output-format", "json", *targets), analysers.parse_ruff_json
            ),
            Command(
                "ruff",
                ("format", "--check", "--output-format", "json", *targets),
                analysers.parse_format_check,
                frozenset({0, 1, 2}),  # 2: a file it cannot parse (ruff check reports it)
            ),
        ]
    if tool == "black":
        parse: Parser = lambda text: analysers.parse_format_check(text, "black")  # noqa: E731
        return [Command("black", ("--check", *targets), parse, frozenset({0, 1, 123}))]
    if tool == "isort":
        return [Command("isort", ("--check-only", *targets), analysers.parse_isort_check)]
    if tool == "flake8":
        excluded = ",".join(EXCLUDED_DIRS)
        return [
            Command(
                "flake8", (f"--extend-exclude={excluded}", *targets), analysers.parse_flake8_text
            )
        ]
    if tool == "pylint":
        args = ("--output-format=json", "--recursive=y", f"--ignore={','.join(EXCLUDED_DIRS)}")
        return [
            Command("pylint", (*args, *targets), analysers.parse_pylint_json, frozenset(range(32)))
        ]
    if tool == "mypy":
        flags: tuple[str, ...] = ("--show-column-numbers", "--show-error-codes")
        flags += ("--no-error-summary", "--no-color-output", "--no-pretty", "--hide-error-context")
        targets = tuple(_mypy_targets(root, paths))
        return [
            Command("mypy", (*flags, *targets), analysers.parse_mypy_output, frozenset({0, 1, 2}))
        ]
    if tool == "radon":
        ignore = ("-i", ",".join((".*", *EXCLUDED_DIRS)))
        return [
            Command("radon", ("cc", "-j", *ignore, *targets), _radon_parse, frozenset({0})),
            Command(
                "radon", ("mi", "-j", *ignore, *targets), analysers.parse_radon_mi, frozenset({0})
            ),
        ]
    if tool == "bandit":
        config = ("-c", "pyproject.toml") if _has_bandit_config(root) else ()
        args = ("-f", "json", "-q", "-r", "-x", globs, *config)
        return [Command("bandit", (*args, *targets), bandit.parse_bandit_json)]
    raise ValueError(f"unknown quality tool {tool!r}")


def _has_bandit_config(root: Path) -> bool:
    try:
        data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return False
    return "bandit" in data.get("tool", {})


def relative_path(path: str, root: Path) -> str:
    """A finding's path relative to the project root, with ``/`` separators."""
    if not path:
        return path
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            candidate = candidate.resolve().relative_to(root.resolve())
        except ValueError:
            return candidate.as_posix()
    return candidate.as_posix().removeprefix("./")


def execute(command: Command, start: list[str], root: Path) -> tuple[list[Finding], str | None]:
    """Run one command: its findings (paths relative to ``root``), or why it failed."""
    args = command.args
    code, out, err = run_command([*start, *args], root)
    if code == 2 and args[0] == "format" and "output-format" in err:
        # ruff before 0.9 has no JSON output for ``format --check``: read its text.
        args = tuple(a for a in args if a not in ("--output-format", "json"))
        code, out, err = run_command([*start, *args], root)
    try:
        findings = command.parse(out if command.tool not in ("black", "isort") else out + err)
    except ValueError as error:
        return [], last_line(err, str(error))
    if code not in command.ok_codes and not findings:
        return [], f"exit code {code}: {last_line(err, out)}"
    return [replace(f, path=relative_path(f.path, root)) for f in findings], None


def run_quality_tools(
    tools: Sequence[str], paths: Sequence[str], root: Path
) -> tuple[list[Finding], list[ToolRun]]:
    """Run the tools on ``paths`` (or the project): all findings and one run per tool."""
    planned: list[tuple[str, Command, list[str]]] = []
    runs: dict[str, ToolRun] = {}
    for tool in dict.fromkeys(tools):
        start = tool_command(tool)
        if start is None:
            runs[tool] = ToolRun(tool, NOT_INSTALLED, f"install {tool} to run it")
            continue
        runs[tool] = ToolRun(tool, RAN)
        planned.extend((tool, command, start) for command in commands_for(tool, root, paths))
    with ThreadPoolExecutor(max_workers=max(1, min(4, len(planned)))) as pool:
        results = list(pool.map(lambda item: execute(item[1], item[2], root), planned))
    findings: list[Finding] = []
    for (tool, _, _), (found, error) in zip(planned, results, strict=True):
        if error is not None:
            runs[tool] = ToolRun(tool, ERROR, error)
            continue
        findings.extend(found)
        if runs[tool].status == RAN:
            runs[tool] = replace(runs[tool], findings=runs[tool].findings + len(found))
    return findings, list(runs.values())
