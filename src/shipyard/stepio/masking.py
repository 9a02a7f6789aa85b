"""Secret masking: replace every registered secret in a log line with ``***``.

Owns the runner's ``SecretMasker`` rules (actions/runner ``src/Sdk/DTLogging/Logging``):

- A value is registered together with its encoded variants, the ``ValueEncoders`` the
  runner's ``HostContext`` installs: base64 (and base64 of the value shifted by one and
  two bytes, so ``base64("user:" + secret)`` is caught too), ``"`` escaped as ``\\"``
  (command-line arguments), the expression-string escape (``'`` doubled), the JSON string
  escape, the URI data escape (``Uri.EscapeDataString``), the XML escape
  (``SecurityElement.Escape``), the value without surrounding double quotes (values longer
  than 8 characters), and the parts before and after ``&`` that PowerShell prints apart
  (when at least 6 characters). Empty variants are dropped.
- Every occurrence of every variant is found, overlapping ones included; occurrences that
  overlap *or touch* are merged into one range, and each range becomes a single ``***``
  (so ``secretsecret`` masks to ``***``, and two overlapping secrets mask fully).
- Empty values are ignored; short values are masked like any other (the runner has no
  minimum length).

:meth:`Masker.add_secret` registers a job secret the way the worker does (the value
trimmed, plus each of its trimmed lines, since output is masked line by line);
:meth:`Masker.add_mask` registers an ``::add-mask::`` value (the value as written, plus
its trimmed lines). Lines with no secret cost one regex search: the variants are compiled
into one pattern shaped as a trie, rebuilt only when values were added.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable

from shipyard.stepio.commands import DOTNET_WHITESPACE

MASK = "***"

_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")
_JSON_SHORT = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}
_XML = {"<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;", "&": "&amp;"}
_LINE_BREAK = re.compile(r"[\r\n]")


def _json_escape(value: str) -> str:
    """Newtonsoft ``JsonConvert.ToString`` without the quotes."""
    out: list[str] = []
    for ch in value:
        short = _JSON_SHORT.get(ch)
        if short is not None:
            out.append(short)
        elif ch < " " or ch in "\u0085\u2028\u2029":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def _uri_escape(value: str) -> str:
    """.NET ``Uri.EscapeDataString``: UTF-8, everything but RFC 3986 unreserved escaped."""
    data = value.encode("utf-8", "surrogatepass")
    return "".join(chr(b) if b in _UNRESERVED else f"%{b:02X}" for b in data)


def _base64(data: bytes, shift: int) -> str:
    if len(data) > shift:
        data = data[shift:]
    return base64.b64encode(data).decode("ascii")


def _powershell_sections(value: str) -> tuple[str, str]:
    """The runner's PowerShell ampersand encoders: the parts around ``&``/``&+`` (>= 6 chars)."""
    if "&" not in value:
        return "", ""
    if "&+" in value:
        cut = value.index("&+")
        pre, post = value[: cut + 2], value[cut + 3 :]  # +3 skips the letter PowerShell colours
    else:
        cut = value.rindex("&")
        pre, post = value[: cut + 1], value[cut + 1 :]
    return (pre if len(pre) >= 6 else ""), (post if len(post) >= 6 else "")


def encode_variants(value: str) -> tuple[str, ...]:
    """``value`` and its runner encodings, distinct and non-empty, ``value`` first."""
    data = value.encode("utf-8", "surrogatepass")
    unquoted = value[1:-1] if len(value) > 8 and value[0] == '"' and value[-1] == '"' else ""
    candidates = (
        value,
        _base64(data, 0),
        _base64(data, 1),
        _base64(data, 2),
        value.replace('"', '\\"'),  # CommandLineArgumentEscape
        value.replace("'", "''"),  # ExpressionStringEscape
        _json_escape(value),
        _uri_escape(value),
        "".join(_XML.get(ch, ch) for ch in value),
        unquoted,
        *_powershell_sections(value),
    )
    return tuple(dict.fromkeys(v for v in candidates if v))


_Node = dict[str, "_Node"]
_MAX_NESTING = 200  # groups nested deeper than this would exhaust the regex parser's recursion


class _TooDeep(Exception):
    pass


def _trie_pattern(values: Iterable[str]) -> str:
    """One regex matching any of ``values``; at each position it matches the longest one."""
    root: _Node = {}
    for value in values:
        node = root
        for ch in value:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: _Node, depth: int) -> str:
        if depth > _MAX_NESTING:
            raise _TooDeep
        # Single-child chains are followed in a loop, so long secrets do not recurse.
        chain: list[str] = []
        while len(node) == 1 and "" not in node:
            ((ch, node),) = node.items()
            chain.append(ch)
        head = re.escape("".join(chain))
        children = [re.escape(ch) + emit(child, depth + 1) for ch, child in node.items() if ch]
        if not children:
            return head
        body = "(?:" + "|".join(children) + ")"
        return head + body + ("?" if "" in node else "")

    return emit(root, 0)


def _compile_alternatives(values: Iterable[str], template: str = "{}") -> re.Pattern[str]:
    """``template`` around a pattern matching the longest of ``values`` at each position.

    The trie form is fast; when values nest too deeply for it (``a``, ``aa``, ``aaa``...),
    a flat alternation, longest first, is used instead.
    """
    ordered = sorted(values)
    try:
        return re.compile(template.format(_trie_pattern(ordered)))
    except _TooDeep:
        flat = "|".join(re.escape(v) for v in sorted(ordered, key=len, reverse=True))
        return re.compile(template.format(f"(?:{flat})"))


# Characters by how common they are in build logs, most common first; any other character
# (symbols, non-ASCII) counts as rarest. Only speed depends on this order, never results.
_COMMON = " etaoinsrlcdhupmfgbywvkxjqz0123456789-./_:=,'\"()[]ETAOINSRLCDHUPMFGBYWVKXJQZ"
_RANK = {ch: len(_COMMON) - i for i, ch in enumerate(_COMMON)}


def _anchor(value: str) -> int:
    """Where to look for ``value`` first: its rarest character, at least 4 from the end."""
    return min(range(max(0, len(value) - 4) + 1), key=lambda i: _RANK.get(value[i], 0))


class Masker:
    """The secrets of a job and the values added with ``::add-mask::``; masks log text.

    A line is first searched for the *tails* of the secrets, each starting at the
    secret's rarest character, so the regex engine skips most positions of ordinary
    text; only a line with a hit is scanned for whole secrets.
    """

    __slots__ = ("_back", "_detect", "_exact", "_originals", "_variants")

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._originals: set[str] = set()
        self._variants: set[str] = set()
        self._detect: re.Pattern[str] | None = None
        self._exact: re.Pattern[str] | None = None
        self._back = 0  # how far a secret can start before its tail
        for secret in secrets:
            self.add_secret(secret)

    def __len__(self) -> int:
        """How many distinct strings (values and their encodings) are masked."""
        return len(self._variants)

    def __contains__(self, value: object) -> bool:
        return value in self._originals

    def add_value(self, value: str) -> None:
        """Register ``value`` and its encodings exactly as given (``SecretMasker.AddValue``)."""
        if not value or value in self._originals:
            return
        self._originals.add(value)
        new = [v for v in encode_variants(value) if v not in self._variants]
        if new:
            self._variants.update(new)
            self._detect = self._exact = None

    def add_secret(self, value: str) -> None:
        """Register a job secret: the trimmed value and each trimmed line of it."""
        value = value.strip(DOTNET_WHITESPACE)
        self.add_value(value)
        self._add_lines(value)

    def add_mask(self, value: str) -> None:
        """Register an ``::add-mask::`` value: the value as written and each trimmed line."""
        self.add_value(value)
        self._add_lines(value)

    def _add_lines(self, value: str) -> None:
        if "\n" in value or "\r" in value:
            for line in _LINE_BREAK.split(value):
                self.add_value(line.strip(DOTNET_WHITESPACE))

    def _compile_detect(self) -> re.Pattern[str]:
        anchors = {v: _anchor(v) for v in self._variants}
        self._back = max(anchors.values())
        self._detect = _compile_alternatives({v[k:] for v, k in anchors.items()})
        return self._detect

    def _compile_exact(self) -> re.Pattern[str]:
        # Compiled on the first line that holds a secret: most lines never need it.
        if self._exact is None:
            self._exact = _compile_alternatives(self._variants, "(?=({}))")
        return self._exact

    def mask(self, text: str) -> str:
        """``text`` with every secret occurrence replaced; touching ranges become one ``***``."""
        detect = self._detect
        if detect is None:
            if not self._variants:
                return text
            detect = self._compile_detect()
        hit = detect.search(text)
        if hit is None:
            return text
        return self._mask_from(text, max(0, hit.start() - self._back))

    def _mask_from(self, text: str, position: int) -> str:
        """Mask every occurrence starting at or after ``position``, merging touching ones."""
        out: list[str] = []
        done = 0  # end of the text already copied or masked
        range_start = range_end = -1
        for match in self._compile_exact().finditer(text, position):
            start = match.start()
            end = start + len(match.group(1))
            if start <= range_end:
                range_end = max(range_end, end)
                continue
            if range_end >= 0:
                out.append(text[done:range_start])
                out.append(MASK)
                done = range_end
            range_start, range_end = start, end
        if range_end < 0:
            return text
        out.append(text[done:range_start])
        out.append(MASK)
        out.append(text[range_end:])
        return "".join(out)
