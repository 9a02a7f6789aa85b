"""The first line of every workflow ``shipyard init`` writes, and what it tells (pure).

``# shipyard-template: <name> <sha256>`` names the template and holds the SHA-256 of the
rest of the file (line endings normalised to ``\\n``, so a checkout that turns them into
``\\r\\n`` changes nothing). A file whose rest no longer hashes to that value was edited
after Shipyard wrote it; a file without the line was not written by Shipyard. Either way
``shipyard init`` leaves it alone unless ``--force``.
"""

from __future__ import annotations

import hashlib
import re

from shipyard.valueclass import dataclass

PREFIX = "# shipyard-template:"
_LINE = re.compile(r"^# shipyard-template: (?P<name>[\w.-]+) (?P<digest>[0-9a-f]{64})$")


@dataclass(frozen=True, slots=True)
class Stamp:
    """The parsed first line: the template's name and the digest of the body."""

    name: str
    digest: str


def _normalize(text: str) -> str:
    return text.replace("\r\n", "\n")


def digest_of(body: str) -> str:
    """The SHA-256 (hex) of ``body`` with normalised line endings."""
    return hashlib.sha256(_normalize(body).encode("utf-8")).hexdigest()


def stamp_text(name: str, body: str) -> str:
    """``body`` under its stamp line."""
    return f"{PREFIX} {name} {digest_of(body)}\n{body}"


def parse_stamp(text: str) -> tuple[Stamp | None, str]:
    """The stamp of ``text`` (None when the first line is not one) and the body below it."""
    first, _, body = _normalize(text).partition("\n")
    match = _LINE.match(first.rstrip())
    if match is None:
        return None, _normalize(text)
    return Stamp(match.group("name"), match.group("digest")), body


def edit_state(text: str) -> str:
    """``"pristine"`` (as Shipyard wrote it), ``"edited"`` or ``"foreign"`` (no stamp)."""
    stamp, body = parse_stamp(text)
    if stamp is None:
        return "foreign"
    return "pristine" if digest_of(body) == stamp.digest else "edited"
