"""Job and step identifiers: GitHub's validity rules and its generated step ids.

A port of ``id-builder.js``. A user's id must start with a letter or ``_``, hold only
ASCII letters, digits, ``_`` and ``-``, be shorter than 100 characters, and not start
with ``__`` (reserved for generated ids such as ``__run`` and ``__actions_checkout``).

One difference from the TypeScript: ids are unique without regard to case (``step1`` and
``STEP1`` collide), as GitHub's service and its conformance corpus have it.
"""

from __future__ import annotations

import re

SEPARATOR = "_"
MAX_LENGTH = 100
_MAX_ATTEMPTS = 1000


_VALID = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_ILLEGAL = re.compile(r"[^A-Za-z0-9_-]")


def _is_alpha(c: str) -> bool:
    return ("a" <= c <= "z") or ("A" <= c <= "Z")


def is_valid_id(name: str) -> bool:
    """True for a name GitHub accepts as a job or step id (length aside)."""
    return _VALID.fullmatch(name) is not None


def invalid_id_message(value: str) -> str:
    """GitHub's message for an id with bad characters, a bad start or too long."""
    return (
        f"The identifier '{value}' is invalid. IDs may only contain alphanumeric characters, "
        "'_', and '-'. IDs must start with a letter or '_' and and must be less than "
        f"{MAX_LENGTH} characters."
    )


def suggest_id(value: str) -> str | None:
    """A valid id close to ``value`` (illegal characters become ``_``), for hints."""
    text = _ILLEGAL.sub(SEPARATOR, value).strip("_-")
    if not text:
        return None
    if not _is_alpha(text[0]):
        text = SEPARATOR + text
    return text[: MAX_LENGTH - 1]


class IdBuilder:
    """Checks user ids for uniqueness in one scope and generates ids for the others."""

    __slots__ = ("_distinct", "_name")

    def __init__(self) -> None:
        self._name: list[str] = []
        self._distinct: set[str] = set()

    def append_segment(self, value: str) -> None:
        """Add a segment to the id being built, replacing illegal characters by ``_``."""
        if not value:
            return
        if not self._name:
            first = value[0]
            if "0" <= first <= "9" or first == "-":
                self._name.append("_")  # a legal character, but not a legal first one
        else:
            self._name.append(SEPARATOR)
        self._name.append(_ILLEGAL.sub(SEPARATOR, value))

    def build(self) -> str:
        """The id built so far, made unique in this scope (``x``, ``x_2``, ``x_3`` ...)."""
        original = "".join(self._name) if self._name else "job"
        for attempt in range(1, _MAX_ATTEMPTS):
            suffix = "" if attempt == 1 else f"_{attempt}"
            candidate = original[: MAX_LENGTH - len(suffix)] + suffix
            if candidate.lower() not in self._distinct:
                self._distinct.add(candidate.lower())
                self._name = []
                return candidate
        raise RuntimeError("Unable to create a unique name")

    def try_add_known_id(self, value: str) -> str | None:
        """Register a user's id; GitHub's error message when it is invalid or taken."""
        if not value or not is_valid_id(value) or len(value) >= MAX_LENGTH:
            return invalid_id_message(value)
        if value.startswith(SEPARATOR + SEPARATOR):
            return f"The identifier '{value}' is invalid. IDs starting with '__' are reserved."
        if value.lower() in self._distinct:
            return f"The identifier '{value}' may not be used more than once within the same scope."
        self._distinct.add(value.lower())
        return None
