"""Job and step ids: GitHub's validity rules and generated ids."""

from __future__ import annotations

import pytest

from shipyard.workflow.convert.ids import IdBuilder, is_valid_id, suggest_id

INVALID = (
    "The identifier '{}' is invalid. IDs may only contain alphanumeric characters, '_', and "
    "'-'. IDs must start with a letter or '_' and and must be less than 100 characters."
)


@pytest.mark.parametrize("value", ["a", "_", "_a", "a__", "valid-id", "A1_-"])
def test_valid_ids(value: str) -> None:
    assert is_valid_id(value)
    assert IdBuilder().try_add_known_id(value) is None


@pytest.mark.parametrize(
    "value", ["", "my.job", "0myjob", "-myjob", " ", "_invalid$stuff", "é", "a" * 100]
)
def test_invalid_ids(value: str) -> None:
    assert IdBuilder().try_add_known_id(value) == INVALID.format(value)


def test_reserved_and_duplicate_ids() -> None:
    builder = IdBuilder()
    assert builder.try_add_known_id("__a") == (
        "The identifier '__a' is invalid. IDs starting with '__' are reserved."
    )
    assert builder.try_add_known_id("step1") is None
    assert builder.try_add_known_id("STEP1") == (
        "The identifier 'STEP1' may not be used more than once within the same scope."
    )


def test_longest_valid_id_is_99_characters() -> None:
    assert IdBuilder().try_add_known_id("a" * 99) is None


def test_generated_ids_are_numbered_on_repeats() -> None:
    builder = IdBuilder()
    built = []
    for segment in ["__run", "__actions/checkout", "__run", "__actions/checkout", "__run"]:
        builder.append_segment(segment)
        built.append(builder.build())
    assert built == ["__run", "__actions_checkout", "__run_2", "__actions_checkout_2", "__run_3"]


def test_generated_id_is_cut_to_100_characters() -> None:
    builder = IdBuilder()
    builder.append_segment("__" + "x" * 200)
    first = builder.build()
    builder.append_segment("__" + "x" * 200)
    second = builder.build()
    assert len(first) == 100
    assert second == "__" + "x" * 96 + "_2"


def test_generated_id_with_illegal_first_character() -> None:
    builder = IdBuilder()
    builder.append_segment("1abc")
    assert builder.build() == "_1abc"
    builder.append_segment("")
    assert builder.build() == "job"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("my.job", "my_job"), ("0myjob", "_0myjob"), ("-x!", "x"), ("__a", "a"), ("$$", None)],
)
def test_suggestions(value: str, expected: str | None) -> None:
    assert suggest_id(value) == expected
