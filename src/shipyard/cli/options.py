"""Command-line values shared by several commands: ``NAME=VALUE`` options and files."""

from __future__ import annotations

import io
from pathlib import Path

from shipyard.errors import UserError


def parse_pairs(values: list[str], option: str) -> dict[str, str]:
    """``--option NAME=VALUE`` given several times, as a dict (a later NAME wins).

    The value may contain ``=``; a missing ``=`` or an empty name is a user error.
    """
    return {key: choices[-1] for key, choices in parse_choices(values, option).items()}


def parse_choices(values: list[str], option: str) -> dict[str, tuple[str, ...]]:
    """``--option NAME=VALUE`` given several times: each NAME with every VALUE given for it."""
    out: dict[str, tuple[str, ...]] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UserError(f"bad {option} {item!r}", hint=f"write it as {option} NAME=VALUE")
        out[key.strip()] = (*out.get(key.strip(), ()), value)
    return out


def collect_pairs(values: list[str], option: str, file: Path | None) -> dict[str, str]:
    """``--option NAME=VALUE`` values over those of ``--option-file FILE``."""
    from_file = read_pairs_file(file, f"{option}-file") if file is not None else {}
    return {**from_file, **parse_pairs(values, option)}


def read_pairs_file(path: Path, option: str) -> dict[str, str]:
    """The ``NAME=VALUE`` pairs of a dotenv file given to ``option`` (a later NAME wins).

    The format is the one act reads its ``.secrets``/``.env`` files in (python-dotenv's,
    as godotenv's): ``#`` comments, an optional ``export``, values unquoted (a ``#`` after
    a blank starts a comment), in single quotes (as written) or in double quotes (``\\n``
    and the other escapes decoded; a value may span lines). Nothing is interpolated.
    """
    from dotenv.parser import parse_stream

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise UserError(f"cannot read the {option} file {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise UserError(
            f"{path}: not UTF-8 text", hint=f"{option} reads NAME=VALUE lines"
        ) from None
    out: dict[str, str] = {}
    for binding in parse_stream(io.StringIO(text)):
        if binding.error or (binding.key is not None and binding.value is None):
            source = binding.original.string
            blank = source[: len(source) - len(source.lstrip())]  # lines before it, if any
            line = binding.original.line + blank.count("\n")
            first = source.strip().splitlines()[0]
            raise UserError(
                f"{path}:{line}: expected NAME=VALUE, found {first!r}",
                hint=f"{option} reads NAME=VALUE lines; quote a value that spans lines",
            )
        if binding.key is not None and binding.value is not None:
            out[binding.key] = binding.value
    return out
