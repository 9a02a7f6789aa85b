"""shipyard.source: positioned YAML with the YAML 1.2 core schema, as GitHub reads YAML."""

from __future__ import annotations

import math

import pytest

from shipyard import source
from shipyard.diagnostics import Span
from shipyard.source import (
    YamlMapping,
    YamlNode,
    YamlScalar,
    YamlSequence,
    parse_yaml,
    resolve_plain,
)


def _root(text: str) -> YamlNode:
    document = parse_yaml(text, "w.yml")
    assert document.diagnostics == ()
    assert document.root is not None
    return document.root


def _value(text: str) -> object:
    root = _root(f"v: {text}\n")
    assert isinstance(root, YamlMapping)
    scalar = root.pairs[0][1]
    assert isinstance(scalar, YamlScalar)
    return scalar.value


def _errors(text: str) -> list[str]:
    return [d.render() for d in parse_yaml(text, "w.yml").diagnostics]


# --- the core schema -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true", True),
        ("True", True),
        ("TRUE", True),
        ("false", False),
        ("False", False),
        ("FALSE", False),
        ("~", None),
        ("null", None),
        ("Null", None),
        ("NULL", None),
        ("", None),
        ("1", 1.0),
        ("-1", -1.0),
        ("+1", 1.0),
        ("0755", 755.0),  # decimal in YAML 1.2, not octal
        ("0o10", 8.0),
        ("0xff", 255.0),
        ("0xFF", 255.0),
        (".5", 0.5),
        ("+.5", 0.5),
        ("1.", 1.0),
        ("1.2e2", 120.0),
        ("-1.2E-2", -0.012),
        ("0.84551240822557006", 0.8455124082255701),
        ("1345678912345678912", 1345678912345678912.0),
        (".inf", math.inf),
        ("+.Inf", math.inf),
        ("-.INF", -math.inf),
    ],
)
def test_plain_scalars_use_the_core_schema(text: str, expected: object) -> None:
    value = _value(text)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize("text", [".nan", ".NaN", ".NAN"])
def test_nan(text: str) -> None:
    value = _value(text)
    assert isinstance(value, float)
    assert math.isnan(value)


@pytest.mark.parametrize(
    "text",
    [
        "on",
        "off",
        "yes",
        "no",
        "y",
        "n",
        "TrUe",
        "nULL",
        "12_345",
        "23_456.789_321",
        "0b101",
        "0o8",
        "0x",
        "1e",
        ".",
        "+",
        "1.2.3",
        "NaN",
        "Infinity",
        "-Infinity",
        "2001-12-14",
        "2001-12-15T02:59:43.1Z",
        "2001-12-14 21:59:43.10 -5",
    ],
)
def test_other_plain_scalars_are_strings(text: str) -> None:
    assert _value(text) == text


def test_huge_numbers_round_to_infinity() -> None:
    assert _value("+" + "9" * 400) == math.inf
    assert _value("-" + "9" * 400) == -math.inf
    assert _value("9" * 400 + ".12") == math.inf
    assert _value("0x" + "f" * 400) == math.inf
    assert _value("-0") == 0.0


@pytest.mark.parametrize(
    ("text", "style"),
    [
        ("'8'", "'"),
        ('"9"', '"'),
        ("'true'", "'"),
        ('"null"', '"'),
        ("''", "'"),
        ("|-\n  1", "|"),
        (">-\n  3.10", ">"),
    ],
)
def test_quoted_and_block_scalars_are_strings(text: str, style: str) -> None:
    root = _root(f"v: {text}\n")
    assert isinstance(root, YamlMapping)
    scalar = root.pairs[0][1]
    assert isinstance(scalar, YamlScalar)
    assert isinstance(scalar.value, str)
    assert scalar.style == style


def test_resolve_plain_directly() -> None:
    assert resolve_plain("on") == "on"
    assert resolve_plain("") is None
    assert resolve_plain("0o17") == 15.0


def test_on_is_a_string_key() -> None:
    root = _root("on: push\n")
    assert isinstance(root, YamlMapping)
    key, value = root.pairs[0]
    assert isinstance(key, YamlScalar) and key.value == "on"
    assert isinstance(value, YamlScalar) and value.value == "push"


def test_duplicate_keys_are_kept_for_the_reader_to_report() -> None:
    root = _root("a: 1\na: 2\n")
    assert isinstance(root, YamlMapping)
    assert [(k.value, v.value) for k, v in root.pairs] == [("a", 1.0), ("a", 2.0)]  # type: ignore[union-attr]


def test_block_headers_are_kept() -> None:
    root = _root(
        "a: |\n  x\nb: >-\n  y\nc: |+2\n  z\nd: !!str |\n  w\ne: !<tag:yaml.org,2002:str> >\n  v\n"
    )
    assert isinstance(root, YamlMapping)
    headers = [v.block_header for _, v in root.pairs]  # type: ignore[union-attr]
    assert headers == ["|", ">-", "|+2", "|", ">"]
    assert [v.value for _, v in root.pairs] == ["x\n", "y", "z\n", "w\n", "v\n"]  # type: ignore[union-attr]


def test_block_scalar_styles() -> None:
    text = "a: |\n\n    hello\n\nb: >\n  Line 1\n  Line 2\n\n  Line 4\n"
    root = _root(text)
    assert isinstance(root, YamlMapping)
    assert [v.value for _, v in root.pairs] == [  # type: ignore[union-attr]
        "\nhello\n",
        "Line 1 Line 2\nLine 4\n",
    ]


def test_flow_styles_github_accepts() -> None:
    root = _root('- [one]#, two, three ]\n- [one, two,\n  three, four]\n- "hello\n  world"\n')
    assert isinstance(root, YamlSequence)
    first, second, third = root.items
    assert isinstance(first, YamlSequence) and [i.value for i in first.items] == ["one"]  # type: ignore[union-attr]
    assert isinstance(second, YamlSequence) and len(second.items) == 4
    assert isinstance(third, YamlScalar) and third.value == "hello world"


# --- explicit tags (GitHub's server reader) --------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("!!str null", "null"),
        ("!!str 0", "0"),
        ("!!str 'foo bar'", "foo bar"),
        ("!<tag:yaml.org,2002:str> true", "true"),
        ("!!bool FALSE", False),
        ("!!int 0xff", 255.0),
        ("!!int -1", -1.0),
        ("!!float 1", 1.0),
        ("!!float .Inf", math.inf),
        ("!<tag:yaml.org,2002:float> -0", 0.0),
        ("!!null", None),
        ("!!null ~", None),
    ],
)
def test_explicit_core_tags(text: str, expected: object) -> None:
    assert _value(text) == expected


def test_tag_errors_match_githubs_messages() -> None:
    assert _errors('a:\n  b: !!int "300"\n') == [
        "w.yml: The scalar style 'DoubleQuoted' on line 2 and column 6 is not valid with "
        "the tag 'tag:yaml.org,2002:int'"
    ]
    assert _errors("a: !!bool test\n") == [
        "w.yml: The value 'test' on line 1 and column 4 is invalid for the type "
        "'tag:yaml.org,2002:bool'"
    ]
    assert _errors("a: !!float x\n") == [
        "w.yml: The value 'x' on line 1 and column 4 is invalid for the type "
        "'tag:yaml.org,2002:float'"
    ]
    assert _errors("a: !!int 1.5\n") == [
        "w.yml: The value '1.5' on line 1 and column 4 is invalid for the type "
        "'tag:yaml.org,2002:int'"
    ]
    assert _errors("a: !!null x\n") == [
        "w.yml: The value 'x' on line 1 and column 4 is invalid for the type "
        "'tag:yaml.org,2002:null'"
    ]
    assert _errors("a: !!timestamp 2022-10-26\n") == [
        "w.yml: Unexpected tag 'tag:yaml.org,2002:timestamp'"
    ]
    assert _errors("a: !custom x\n") == ["w.yml: Unexpected tag '!custom'"]
    assert _errors("a: !!bool 'true'\n") == [
        "w.yml: The scalar style 'SingleQuoted' on line 1 and column 4 is not valid with "
        "the tag 'tag:yaml.org,2002:bool'"
    ]
    assert _errors("a: !!int |\n  1\n") == [
        "w.yml: The scalar style 'Literal' on line 1 and column 4 is not valid with "
        "the tag 'tag:yaml.org,2002:int'"
    ]


def test_collection_tags_are_ignored() -> None:
    root = _root("a: !!map {b: 1}\nc: !!seq [1]\n")
    assert isinstance(root, YamlMapping)
    assert isinstance(root.pairs[0][1], YamlMapping)
    assert isinstance(root.pairs[1][1], YamlSequence)


# --- anchors and aliases ---------------------------------------------------------------


def test_aliases_resolve_to_the_anchored_node() -> None:
    root = _root("a: &x\n  k: v\nb: *x\nc: &s hi\nd: *s\n")
    assert isinstance(root, YamlMapping)
    (_, a), (_, b), (_, c), (_, d) = root.pairs
    assert a is b  # shared, converted once
    assert isinstance(b, YamlMapping)
    assert b.span == Span("w.yml", 1, 4, 3, 1)  # the anchored node, from its anchor on
    assert c == d


def test_merge_keys_are_plain_keys() -> None:
    root = _root("a: &x {k: v}\nb:\n  <<: *x\n")
    assert isinstance(root, YamlMapping)
    b = root.pairs[1][1]
    assert isinstance(b, YamlMapping)
    key = b.pairs[0][0]
    assert isinstance(key, YamlScalar) and key.value == "<<"


def test_circular_alias_is_an_error() -> None:
    assert _errors("a: &x\n  - *x\n") == [
        "w.yml (Line: 1, Col: 4): An alias refers to the node that contains it, which would "
        "repeat forever"
    ]


def test_undefined_alias_and_duplicate_anchor() -> None:
    assert _errors("a: *nope\n") == ["w.yml (Line: 1, Col: 4): Found undefined alias"]
    assert _errors("a: &x 1\nb: &x 2\n") == ["w.yml (Line: 2, Col: 4): Found duplicate anchor"]


def test_anchor_detection_ignores_ampersands_in_text() -> None:
    root = _root("run: a && b & c\nx: 'q &y'\n")
    assert isinstance(root, YamlMapping)
    assert root.pairs[0][1].value == "a && b & c"  # type: ignore[union-attr]


# --- positions -------------------------------------------------------------------------


def test_positions_are_one_based_like_githubs() -> None:
    root = _root("on: push\njobs:\n  build:\n    steps:\n      - run: 'x'\n")
    assert isinstance(root, YamlMapping)
    assert root.span == Span("w.yml", 1, 1, 6, 1)
    on_key, on_value = root.pairs[0]
    assert on_key.span == Span("w.yml", 1, 1, 1, 3)
    assert on_value.span == Span("w.yml", 1, 5, 1, 9)
    jobs = root.pairs[1][1]
    assert isinstance(jobs, YamlMapping)
    assert jobs.span.line == 3 and jobs.span.column == 3  # a block mapping starts at its key
    build = jobs.pairs[0][1]
    assert isinstance(build, YamlMapping)
    steps = build.pairs[0][1]
    assert isinstance(steps, YamlSequence)
    assert (steps.span.line, steps.span.column) == (5, 7)  # at the dash
    step = steps.items[0]
    assert isinstance(step, YamlMapping)
    assert (step.span.line, step.span.column) == (5, 9)
    run = step.pairs[0][1]
    assert (run.span.line, run.span.column) == (5, 14)  # at the quote


def test_a_tagged_node_starts_at_its_tag() -> None:
    root = _root("a: !!str x\n")
    assert isinstance(root, YamlMapping)
    assert root.pairs[0][1].span.column == 4


def test_columns_count_utf16_units_like_github() -> None:
    root = _root("k: ['😀', x, é]\n")
    assert isinstance(root, YamlMapping)
    seq = root.pairs[0][1]
    assert isinstance(seq, YamlSequence)
    assert [i.span.column for i in seq.items] == [5, 11, 14]
    assert _errors("😀: [b\nc: d\n😀😀: [") == [
        "w.yml (Line: 2, Col: 2): While parsing a flow sequence, did not find expected ',' or ']'"
    ]


def test_windows_line_endings() -> None:
    root = _root("a: 1\r\nb:\r\n  - x\r\n")
    assert isinstance(root, YamlMapping)
    seq = root.pairs[1][1]
    assert isinstance(seq, YamlSequence)
    assert (seq.items[0].span.line, seq.items[0].span.column) == (3, 5)


def test_path_is_used_as_given() -> None:
    document = parse_yaml("a: [", ".github/workflows/ci.yml")
    assert document.diagnostics[0].span is not None
    assert document.diagnostics[0].span.file == ".github/workflows/ci.yml"


# --- syntax errors ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: b: c\n", "w.yml (Line: 1, Col: 5): Mapping values are not allowed in this context"),
        (
            'a: "x',
            "w.yml (Line: 1, Col: 6): While scanning a quoted scalar, found unexpected end of "
            "stream",
        ),
        (
            "a:\n  - b\n c: 1\n",
            "w.yml (Line: 3, Col: 2): While parsing a block mapping, did not find expected key",
        ),
        (
            "a: @x\n",
            "w.yml (Line: 1, Col: 4): While scanning for the next token, found character that "
            "cannot start any token",
        ),
        (
            "a: 1\nb\n",
            "w.yml (Line: 3, Col: 1): While scanning a simple key, could not find expected ':'",
        ),
        (
            "a: |\n\tx\n",
            "w.yml (Line: 2, Col: 1): While scanning a block scalar, found a tab character "
            "where an indentation space is expected",
        ),
        (
            "a: 1\n---\nb: 2\n",
            "w.yml (Line: 2, Col: 1): Expected a single document in the stream, but found "
            "another document",
        ),
        (
            "a: é\x01b\n",
            "w.yml (Line: 1, Col: 5): Unacceptable character #x0001: control characters are "
            "not allowed",
        ),
    ],
)
def test_syntax_errors_are_positioned_diagnostics(text: str, expected: str) -> None:
    assert _errors(text) == [expected]


def test_nesting_too_deep_is_a_diagnostic() -> None:
    errors = _errors("a: " + "[" * 2000 + "]" * 2000)
    assert len(errors) == 1
    # The same words whether libyaml's limit or Python's recursion limit stopped it.
    assert errors[0].startswith("w.yml") and errors[0].endswith("Maximum object depth exceeded")


def test_empty_documents() -> None:
    for text in ("", "# only a comment\n", "\n\n"):
        document = parse_yaml(text, "w.yml")
        assert document.root is None
        assert document.diagnostics == ()
    root = _root("---\n")
    assert isinstance(root, YamlScalar) and root.value is None


def test_pure_python_loader_agrees(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        "on: push\nx: [1, 0x1F, yes, ~, '2', !!str 3]\nb: |-\n  hi\nc: &a {k: v}\nd: *a\ne: 😀 é\n"
    )
    fast = parse_yaml(text, "w.yml")
    monkeypatch.setattr(source, "_Loader", source._PyLoader)
    slow = parse_yaml(text, "w.yml")
    assert fast == slow
    assert parse_yaml("a: é\x01b\n", "w.yml").diagnostics[0].render() == (
        "w.yml (Line: 1, Col: 5): Unacceptable character #x0001: special characters are not allowed"
    )
    assert [d.render() for d in parse_yaml("a: &x 1\nb: &x 2\n", "w").diagnostics] == [
        "w (Line: 2, Col: 4): Found duplicate anchor 'x'"
    ]


def test_spans_are_ordinary_spans() -> None:
    span = _root("a: 1\n").span
    assert span == Span("w.yml", 1, 1, 2, 1)
    assert hash(span) == hash(Span("w.yml", 1, 1, 2, 1))
    assert span.prefix() == "w.yml (Line: 1, Col: 1): "
    with pytest.raises(AttributeError):
        span.line = 3  # type: ignore[misc]
