"""SVG badges in the shields.io "flat" style: a grey label and a coloured message.

Owns the badge's geometry and text: each half is as wide as its text plus 5 px padding
each side, the text width estimated from Verdana's advance widths at 11 px (the font
shields.io measures with, and the first one the badge asks for), rounded up to an odd
number of pixels as shields.io does so that the text centres on the pixel grid. Characters
outside the table count as wide as ``m``. The text is drawn ten times larger and scaled
down (``font-size="110"``, ``scale(.1)``) with a ``textLength``, so renderers that use
another font still fit it in the box. The output is a standalone XML document.

:func:`coverage_badge` is the coverage badge: ``coverage | 84%``, coloured by the shown
whole percentage like coverage-badge tools: 90 and up brightgreen, 80 green, 70
yellowgreen, 60 yellow, 50 orange, below that red.
"""

from __future__ import annotations

from shipyard.reports.coverage import display_covered

# Verdana's advance widths in font units (2048 per em), for the characters " " to "~".
_ADVANCES = (
    (720, 806, 940, 1676, 1302, 2204, 1488, 550, 930, 930, 1302, 1676, 745, 930, 745, 930)
    + (1302,) * 10
    + (930, 930, 1676, 1676, 1676, 1117)
    + (2048, 1400, 1404, 1430, 1578, 1295, 1177, 1588, 1539, 862, 931, 1419, 1140, 1726)
    + (1532, 1612, 1235, 1612, 1424, 1400, 1262, 1499, 1400, 2025, 1403, 1260, 1403)
    + (930, 930, 930, 1676, 1302, 1302)
    + (1230, 1276, 1067, 1276, 1220, 720, 1276, 1296, 562, 705, 1212, 562, 1992, 1296)
    + (1243, 1276, 1276, 874, 1067, 807, 1296, 1212, 1676, 1212, 1212, 1076)
    + (1300, 930, 1300, 1676)
)
_UNITS_PER_EM = 2048
FONT_SIZE = 11
PADDING = 5
HEIGHT = 20

COLOURS = {
    "brightgreen": "#4c1",
    "green": "#97ca00",
    "yellowgreen": "#a4a61d",
    "yellow": "#dfb317",
    "orange": "#fe7d37",
    "red": "#e05d44",
    "lightgrey": "#9f9f9f",
}
# (lowest shown percentage, colour name), highest first.
COVERAGE_THRESHOLDS: tuple[tuple[int, str], ...] = (
    (90, "brightgreen"),
    (80, "green"),
    (70, "yellowgreen"),
    (60, "yellow"),
    (50, "orange"),
    (0, "red"),
)


def text_width(text: str) -> float:
    """The width of ``text`` in Verdana 11 px, in pixels (unknown characters as ``m``)."""
    wide = _ADVANCES[ord("m") - 32]
    units = sum(
        _ADVANCES[ord(ch) - 32] if 32 <= ord(ch) < 32 + len(_ADVANCES) else wide for ch in text
    )
    return units * FONT_SIZE / _UNITS_PER_EM


def text_box(text: str) -> int:
    """shields.io's preferred width of a text: whole pixels, rounded up to an odd number."""
    width = int(text_width(text))
    return width if width % 2 else width + 1


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&apos;")
    )


def render_badge(label: str, message: str, colour: str) -> str:
    """A flat badge; ``colour`` is a name of :data:`COLOURS` or a CSS colour like ``#4c1``."""
    fill = _escape(COLOURS.get(colour, colour))
    label_text, message_text = text_box(label), text_box(message)
    left = label_text + 2 * PADDING
    right = message_text + 2 * PADDING
    width = left + right
    title = _escape(f"{label}: {message}")

    def text(content: str, centre: float, length: int) -> str:
        x, shown = round(centre * 10), _escape(content)
        size = f'transform="scale(.1)" textLength="{length * 10}"'
        return (
            f'<text aria-hidden="true" x="{x}" y="150" fill="#010101" fill-opacity=".3" '
            f"{size}>{shown}</text>"
            f'<text x="{x}" y="140" {size}>{shown}</text>'
        )

    return "".join(
        [
            '<svg xmlns="http://www.w3.org/2000/svg" '
            f'width="{width}" height="{HEIGHT}" role="img" aria-label="{title}">',
            f"<title>{title}</title>",
            '<linearGradient id="s" x2="0" y2="100%">',
            '<stop offset="0" stop-color="#bbb" stop-opacity=".1"/>',
            '<stop offset="1" stop-opacity=".1"/>',
            "</linearGradient>",
            '<clipPath id="r">',
            f'<rect width="{width}" height="{HEIGHT}" rx="3" fill="#fff"/>',
            "</clipPath>",
            '<g clip-path="url(#r)">',
            f'<rect width="{left}" height="{HEIGHT}" fill="#555"/>',
            f'<rect x="{left}" width="{right}" height="{HEIGHT}" fill="{fill}"/>',
            f'<rect width="{width}" height="{HEIGHT}" fill="url(#s)"/>',
            "</g>",
            '<g fill="#fff" text-anchor="middle" '
            'font-family="Verdana,Geneva,DejaVu Sans,sans-serif" '
            'text-rendering="geometricPrecision" font-size="110">',
            text(label, left / 2, label_text),
            text(message, left + right / 2, message_text),
            "</g>",
            "</svg>\n",
        ]
    )


def coverage_colour(shown: int) -> str:
    """The colour name for a shown whole percentage."""
    return next(name for lowest, name in COVERAGE_THRESHOLDS if shown >= lowest)


def coverage_badge(percent: float, label: str = "coverage") -> str:
    """``coverage | 84%``: the percentage shown whole (coverage.py's rounding rules)."""
    shown = display_covered(percent, 0)
    return render_badge(label, f"{shown}%", coverage_colour(int(shown)))
