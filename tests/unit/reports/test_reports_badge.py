"""SVG badges: shields.io's flat geometry from Verdana widths, colours, valid XML."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import pytest

from shipyard.reports.badge import (
    coverage_badge,
    coverage_colour,
    render_badge,
    text_box,
    text_width,
)

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)


def test_text_widths_are_verdana_11px() -> None:
    # Verdana's advance widths (2048 units per em) at 11 px.
    assert text_width("coverage") == pytest.approx(50.1767578125)
    assert text_width("84%") == pytest.approx(2 * 1302 * 11 / 2048 + 2204 * 11 / 2048)
    assert text_width("") == 0
    # A character outside the table counts as wide as "m".
    assert text_width("é") == text_width("m")


def test_text_box_rounds_to_odd_pixels() -> None:
    assert text_box("coverage") == 51  # 50.18 -> 50 -> 51
    assert text_box("84%") == 25  # 25.82 -> 25
    assert text_box("100%") == 33  # 32.81 -> 32 -> 33
    assert text_box("") == 1


def test_coverage_badge_geometry_like_shields() -> None:
    root = parse(coverage_badge(84.2))
    assert root.tag == f"{SVG}svg"
    assert (root.get("width"), root.get("height")) == ("96", "20")
    assert root.get("aria-label") == "coverage: 84%"
    assert root.findtext(f"{SVG}title") == "coverage: 84%"
    rects = root.findall(f"{SVG}g/{SVG}rect")
    assert [(r.get("x"), r.get("width"), r.get("fill")) for r in rects] == [
        (None, "61", "#555"),
        ("61", "35", "#97ca00"),
        (None, "96", "url(#s)"),
    ]
    texts = root.findall(f"{SVG}g/{SVG}text")
    assert [(t.text, t.get("x"), t.get("textLength")) for t in texts] == [
        ("coverage", "305", "510"),
        ("coverage", "305", "510"),
        ("84%", "785", "250"),
        ("84%", "785", "250"),
    ]


@pytest.mark.parametrize(
    ("percent", "message", "colour"),
    [
        (100.0, "100%", "#4c1"),
        (99.7, "99%", "#4c1"),  # never shown as 100 unless it is 100
        (89.6, "90%", "#4c1"),  # the colour follows the shown number
        (89.4, "89%", "#97ca00"),
        (80.0, "80%", "#97ca00"),
        (79.4, "79%", "#a4a61d"),
        (70.0, "70%", "#a4a61d"),
        (69.0, "69%", "#dfb317"),
        (60.0, "60%", "#dfb317"),
        (55.0, "55%", "#fe7d37"),
        (50.0, "50%", "#fe7d37"),
        (49.4, "49%", "#e05d44"),
        (0.2, "1%", "#e05d44"),  # never shown as 0 unless it is 0
        (0.0, "0%", "#e05d44"),
    ],
)
def test_coverage_colours(percent: float, message: str, colour: str) -> None:
    root = parse(coverage_badge(percent))
    assert root.get("aria-label") == f"coverage: {message}"
    assert root.findall(f"{SVG}g/{SVG}rect")[1].get("fill") == colour


def test_colour_thresholds() -> None:
    assert [coverage_colour(n) for n in (90, 80, 70, 60, 50, 49)] == [
        "brightgreen",
        "green",
        "yellowgreen",
        "yellow",
        "orange",
        "red",
    ]


def test_text_is_escaped_and_the_document_stays_valid() -> None:
    svg = render_badge('a<b & "c"', "it's", "#123456")
    root = parse(svg)
    assert root.get("aria-label") == 'a<b & "c": it\'s'
    assert [t.text for t in root.findall(f"{SVG}g/{SVG}text")][::2] == ['a<b & "c"', "it's"]
    assert root.findall(f"{SVG}g/{SVG}rect")[1].get("fill") == "#123456"
    assert svg.endswith("</svg>\n")


def test_custom_label() -> None:
    root = parse(coverage_badge(91, label="cov"))
    assert root.get("aria-label") == "cov: 91%"
