"""CVSS base scores computed from vector strings, and their qualitative ratings.

:func:`cvss3_base_score` implements the CVSS v3.0/v3.1 base equations (FIRST's
specification, section 7.1, with v3.1's ``Roundup``); :func:`cvss2_base_score` the v2
ones. :func:`rating` maps a score to ``critical`` (9.0–10.0), ``high`` (7.0–8.9),
``medium`` (4.0–6.9), ``low`` (0.1–3.9) or ``none``. A vector that cannot be read raises
``ValueError`` naming the problem. CVSS v4 is not scored here (its equations are lookup
tables): callers treat such a vector as having no usable severity.

Pure: strings in, numbers out.
"""

from __future__ import annotations

import math

_V3_WEIGHTS: dict[str, dict[str, float]] = {
    "AV": {"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2},
    "AC": {"L": 0.77, "H": 0.44},
    "UI": {"N": 0.85, "R": 0.62},
    "C": {"H": 0.56, "L": 0.22, "N": 0.0},
    "I": {"H": 0.56, "L": 0.22, "N": 0.0},
    "A": {"H": 0.56, "L": 0.22, "N": 0.0},
}
# Privileges Required depends on Scope.
_V3_PR = {"U": {"N": 0.85, "L": 0.62, "H": 0.27}, "C": {"N": 0.85, "L": 0.68, "H": 0.5}}

_V2_WEIGHTS: dict[str, dict[str, float]] = {
    "AV": {"L": 0.395, "A": 0.646, "N": 1.0},
    "AC": {"H": 0.35, "M": 0.61, "L": 0.71},
    "Au": {"M": 0.45, "S": 0.56, "N": 0.704},
    "C": {"N": 0.0, "P": 0.275, "C": 0.660},
    "I": {"N": 0.0, "P": 0.275, "C": 0.660},
    "A": {"N": 0.0, "P": 0.275, "C": 0.660},
}


def _metrics(parts: list[str], vector: str) -> dict[str, str]:
    metrics: dict[str, str] = {}
    for part in parts:
        key, sep, value = part.partition(":")
        if not sep or not value:
            raise ValueError(f"malformed CVSS metric {part!r} in {vector!r}")
        metrics[key] = value
    return metrics


def roundup(value: float) -> float:
    """CVSS v3.1 ``Roundup``: the smallest number with one decimal >= ``value``."""
    scaled = round(value * 100_000)
    if scaled % 10_000 == 0:
        return scaled / 100_000.0
    return (math.floor(scaled / 10_000) + 1) / 10.0


def cvss3_base_score(vector: str) -> float:
    """The base score of a ``CVSS:3.x/AV:_/AC:_/PR:_/UI:_/S:_/C:_/I:_/A:_`` vector."""
    parts = vector.strip().split("/")
    if not parts[0].startswith("CVSS:3"):
        raise ValueError(f"not a CVSS v3 vector: {vector!r}")
    metrics = _metrics(parts[1:], vector)
    try:
        scope = metrics["S"]
        weights = {key: table[metrics[key]] for key, table in _V3_WEIGHTS.items()}
        privileges = _V3_PR[scope][metrics["PR"]]
    except KeyError as err:
        raise ValueError(f"missing or unknown CVSS v3 metric {err} in {vector!r}") from None
    iss = 1 - (1 - weights["C"]) * (1 - weights["I"]) * (1 - weights["A"])
    changed = 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15
    impact = 6.42 * iss if scope == "U" else changed
    exploitability = 8.22 * weights["AV"] * weights["AC"] * privileges * weights["UI"]
    if impact <= 0:
        return 0.0
    if scope == "U":
        return roundup(min(impact + exploitability, 10))
    return roundup(min(1.08 * (impact + exploitability), 10))


def cvss2_base_score(vector: str) -> float:
    """The base score of a CVSS v2 vector ``AV:_/AC:_/Au:_/C:_/I:_/A:_`` (prefix optional)."""
    parts = vector.strip().removeprefix("(").removesuffix(")").split("/")
    if parts and parts[0].startswith("CVSS:2"):
        parts = parts[1:]
    metrics = _metrics(parts, vector)
    try:
        weights = {key: table[metrics[key]] for key, table in _V2_WEIGHTS.items()}
    except KeyError as err:
        raise ValueError(f"missing or unknown CVSS v2 metric {err} in {vector!r}") from None
    impact = 10.41 * (1 - (1 - weights["C"]) * (1 - weights["I"]) * (1 - weights["A"]))
    exploitability = 20 * weights["AV"] * weights["AC"] * weights["Au"]
    factor = 0.0 if impact == 0 else 1.176
    score = ((0.6 * impact) + (0.4 * exploitability) - 1.5) * factor
    return float(f"{score + 1e-9:.1f}") if score > 0 else 0.0


def rating(score: float, version: int = 3) -> str:
    """The qualitative rating of a score; CVSS v2 has no ``critical`` (7.0–10.0 is high)."""
    if score >= 9.0 and version >= 3:
        return "critical"
    if score >= 7.0:
        return "high"
    if score >= 4.0:
        return "medium"
    if score > 0:
        return "low"
    return "none"


def rate_vector(kind: str, vector: str) -> tuple[float, str] | None:
    """(score, rating) of an OSV ``severity`` entry (``CVSS_V3``/``CVSS_V2``); None for others."""
    if kind == "CVSS_V3" or vector.startswith("CVSS:3"):
        score = cvss3_base_score(vector)
        return score, rating(score)
    if kind == "CVSS_V2":
        score = cvss2_base_score(vector)
        return score, rating(score, version=2)
    return None
