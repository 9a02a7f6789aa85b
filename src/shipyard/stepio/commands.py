"""Workflow command syntax: parse a log line into a :class:`WorkflowCommand`, and escape.

Owns the runner's ``ActionCommand`` parser (actions/runner
``src/Runner.Common/ActionCommand.cs``), quirks included:

- ``::name key=value,key2=value2::message`` (``TryParseV2``): leading whitespace is
  ignored; the command name runs to the first space and is matched case-insensitively
  against the registered commands (anything else is not a command and stays plain
  output); the properties are trimmed, split on ``,`` (empty entries dropped), and each
  split once on ``=`` with empty pieces dropped, so ``k=`` is ignored and ``k==v`` gives
  ``v``; property keys are case-insensitive, the last one wins.
- Escapes are undone in a fixed order, ``%25`` last: message ``%0D %0A %25``; properties
  also ``%3A`` (``:``) and ``%2C`` (``,``). Matching is case-sensitive (``%0a`` stays).
- The older ``##[name key=value;key2=value2]message`` form (``TryParse``) is found
  *anywhere* in the line, as the runner does; its escapes add ``%3B`` (``;``) and ``%5D``
  (``]``).

The ``escape_*``/``format_command`` helpers produce what ``@actions/core`` writes.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from shipyard.valueclass import dataclass

# .NET char.IsWhiteSpace, for String.Trim/TrimStart.
DOTNET_WHITESPACE = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)

_DATA_UNESCAPES = (("%0D", "\r"), ("%0A", "\n"), ("%25", "%"))
_PROPERTY_UNESCAPES = (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%"))
_LEGACY_UNESCAPES = (("%3B", ";"), ("%0D", "\r"), ("%0A", "\n"), ("%5D", "]"), ("%25", "%"))


@dataclass(frozen=True, slots=True)
class WorkflowCommand:
    """A parsed command: ``name`` as written, properties unescaped, ``data`` unescaped.

    ``properties`` keeps the first spelling of each key (keys are case-insensitive) with
    the last value given; :meth:`get` looks a key up case-insensitively.
    """

    name: str
    properties: tuple[tuple[str, str], ...]
    data: str
    legacy: bool = False

    def get(self, key: str) -> str | None:
        """The value of property ``key`` (case-insensitive), or ``None``."""
        folded = key.lower()
        for k, v in self.properties:
            if k.lower() == folded:
                return v
        return None


def _unescape(text: str, mappings: tuple[tuple[str, str], ...]) -> str:
    if "%" not in text:
        return text
    for escaped, plain in mappings:
        text = text.replace(escaped, plain)
    return text


def _split_pair(entry: str) -> tuple[str, str] | None:
    """.NET ``entry.Split('=', 2, RemoveEmptyEntries)`` when it yields two pieces."""
    entry = entry.lstrip("=")
    key, sep, rest = entry.partition("=")
    value = rest.lstrip("=")
    if not sep or not key or not value:
        return None
    return key, value


def _properties(
    text: str, separator: str, mappings: tuple[tuple[str, str], ...]
) -> tuple[tuple[str, str], ...]:
    found: dict[str, tuple[str, str]] = {}
    for entry in text.split(separator):
        if not entry:
            continue
        pair = _split_pair(entry)
        if pair is None:
            continue
        key, value = pair
        folded = key.lower()
        spelled = found[folded][0] if folded in found else key
        found[folded] = (spelled, _unescape(value, mappings))
    return tuple(found.values())


def _parse_v2(line: str, registered: Collection[str]) -> WorkflowCommand | None:
    message = line.lstrip(DOTNET_WHITESPACE)
    if not message.startswith("::"):
        return None
    end = message.find("::", 2)
    if end < 0:
        return None
    info = message[2:end]
    name, space, rest = info.partition(" ")
    if name.lower() not in registered:
        return None
    props = _properties(rest.strip(DOTNET_WHITESPACE), ",", _PROPERTY_UNESCAPES) if space else ()
    return WorkflowCommand(name, props, _unescape(message[end + 2 :], _DATA_UNESCAPES))


def _parse_legacy(line: str, registered: Collection[str]) -> WorkflowCommand | None:
    start = line.find("##[")
    if start < 0:
        return None
    close = line.find("]", start)
    if close < 0:
        return None
    info = line[start + 3 : close]
    name, space, rest = info.partition(" ")
    if name.lower() not in registered:
        return None
    props = _properties(rest, ";", _LEGACY_UNESCAPES) if space else ()
    data = _unescape(line[close + 1 :], _LEGACY_UNESCAPES)
    return WorkflowCommand(name, props, data, legacy=True)


def parse_command(line: str, registered: Collection[str]) -> WorkflowCommand | None:
    """The command in ``line``, or ``None``; ``registered`` holds lower-case names.

    The ``::`` form is tried first, then the ``##[`` form, as the runner does.
    """
    if not line:
        return None
    return _parse_v2(line, registered) or _parse_legacy(line, registered)


def escape_data(text: str) -> str:
    """Escape a command message (``%``, CR, LF), as ``@actions/core`` does."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value (``%``, CR, LF, ``:``, ``,``), as ``@actions/core`` does."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_command(
    name: str, properties: Mapping[str, str] | None = None, message: str = ""
) -> str:
    """``::name key=value,...::message`` with everything escaped."""
    text = "::" + name
    if properties:
        text += " " + ",".join(f"{k}={escape_property(v)}" for k, v in properties.items())
    return text + "::" + escape_data(message)
