"""Reading coverage measurements with the ``coverage`` library, and writing its HTML report.

Owns the inputs of ``shipyard report coverage``:

- a ``.coverage`` data file is read through coverage.py's public API
  (``Coverage(data_file=...)``, ``load()``, ``json_report()``), so every number — files,
  statements, exclusions, branches — is the one ``coverage report`` shows; the project's
  coverage configuration (``.coveragerc``, ``setup.cfg``, ``tox.ini``, ``pyproject.toml``
  in the current folder) applies, including its ``[report] precision``;
- a Cobertura ``coverage.xml`` or a ``coverage.json`` (coverage.py's or Shipyard's own)
  is read as text and parsed by :mod:`shipyard.reports.coverage_formats`.

The HTML report is coverage.py's own (``html_report(directory=...)``); it needs the data
file and the measured sources, like the numbers do. The ``coverage`` module is imported
inside the functions, so importing this module stays cheap.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from shipyard.errors import UserError
from shipyard.reports.coverage import CoverageResult
from shipyard.reports.coverage_formats import parse_cobertura, parse_coverage_json
from shipyard.valueclass import replace

if TYPE_CHECKING:
    from coverage import Coverage

RUN_HINT = (
    "run the tests under coverage first (`coverage run -m pytest`), "
    "or pass --data, --xml or --json-in"
)


def _read_text(path: Path, what: str) -> str:
    if not path.is_file():
        raise UserError(f"no {what}: {path} not found", hint=RUN_HINT)
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise UserError(f"cannot read {path}: {err}") from None


def _open(data_file: Path) -> Coverage:
    import coverage

    if not data_file.is_file():
        parallel = sorted(p.name for p in data_file.parent.glob(data_file.name + ".*"))
        hint = (
            f"combine the parallel data files first: `coverage combine` ({', '.join(parallel)})"
            if parallel
            else RUN_HINT
        )
        raise UserError(f"no coverage data: {data_file} not found", hint=hint)
    try:
        cov = coverage.Coverage(data_file=str(data_file))
        cov.load()
    except coverage.CoverageException as err:
        raise UserError(f"cannot read coverage data {data_file}: {err}") from None
    return cov


def _coverage_error(data_file: Path, err: Exception) -> UserError:
    text = str(err)
    if text.startswith("No source for code"):
        hint = "report from the folder the tests ran in, with the measured sources present"
    elif "No data" in text:
        hint = "check that the tests import the code under `[run] source`"
    else:
        hint = None
    return UserError(f"cannot report coverage data {data_file}: {text}", hint=hint)


def load_data_file(data_file: Path) -> CoverageResult:
    """The result in a ``.coverage`` data file, with the project's coverage settings."""
    import coverage

    cov = _open(data_file)
    with tempfile.TemporaryDirectory(prefix="shipyard-coverage-") as folder:
        target = Path(folder) / "coverage.json"
        try:
            cov.json_report(outfile=str(target))
        except coverage.CoverageException as err:
            raise _coverage_error(data_file, err) from None
        text = target.read_text(encoding="utf-8")
    result = parse_coverage_json(text, str(data_file))
    precision = cov.get_option("report:precision")
    return replace(result, precision=precision if isinstance(precision, int) else 0)


def write_html(data_file: Path, directory: Path) -> Path:
    """Write coverage.py's HTML report into ``directory``; returns its ``index.html``."""
    import coverage

    cov = _open(data_file)
    try:
        cov.html_report(directory=str(directory))
    except coverage.CoverageException as err:
        raise _coverage_error(data_file, err) from None
    return directory / "index.html"


def project_precision() -> int:
    """The ``[report] precision`` of the project's coverage configuration (0 by default)."""
    import coverage

    try:
        precision = coverage.Coverage(data_file=None).get_option("report:precision")
    except coverage.CoverageException as err:
        raise UserError(f"invalid coverage configuration: {err}") from None
    return precision if isinstance(precision, int) else 0


def locate_source(filename: str, sources: list[str]) -> str:
    """The path of a Cobertura ``filename`` relative to the current folder: the first
    ``<source>`` folder holding it decides; the filename as is when none does."""
    here = Path.cwd().resolve()
    for folder in sources:
        candidate = Path(folder) / filename
        if candidate.is_file():
            try:
                return candidate.resolve().relative_to(here).as_posix()
            except ValueError:
                return candidate.as_posix()
    return filename


def load_xml(path: Path) -> CoverageResult:
    """The result in a Cobertura XML report, shown with the project's precision."""
    result = parse_cobertura(_read_text(path, "coverage report"), str(path), locate_source)
    return replace(result, precision=project_precision())


def load_json(path: Path) -> CoverageResult:
    """The result in coverage.py's JSON report or in Shipyard's own JSON document."""
    return parse_coverage_json(_read_text(path, "coverage report"), str(path))
