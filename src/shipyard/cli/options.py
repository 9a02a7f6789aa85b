"""Command-line values shared by several commands: ``NAME=VALUE`` options."""

from __future__ import annotations

from shipyard.errors import UserError


def parse_pairs(values: list[str], option: str) -> dict[str, str]:
    """``--option NAME=VALUE`` given several times, as a dict (a later NAME wins).

    The value may contain ``=``; a missing ``=`` or an empty name is a user error.
    """
    out: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UserError(f"bad {option} {item!r}", hint=f"write it as {option} NAME=VALUE")
        out[key.strip()] = value
    return out
