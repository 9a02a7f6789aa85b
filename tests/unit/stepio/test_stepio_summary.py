"""GITHUB_STEP_SUMMARY: the 1 MiB limit and the masked copy that is uploaded."""

from __future__ import annotations

from shipyard.stepio import (
    SUMMARY_SIZE_LIMIT,
    Masker,
    check_summary,
    check_summary_size,
    render_summary,
)

TOO_LARGE = (
    "$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of 1024k, got {}k. "
    "For more information see: https://docs.github.com/actions/using-workflows/"
    "workflow-commands-for-github-actions#adding-a-markdown-summary"
)


def test_limit_is_one_mebibyte() -> None:
    assert SUMMARY_SIZE_LIMIT == 1_048_576
    assert check_summary("x" * SUMMARY_SIZE_LIMIT) is None
    assert check_summary("x" * (SUMMARY_SIZE_LIMIT + 1)) == TOO_LARGE.format(1024)


def test_size_is_counted_in_utf8_bytes() -> None:
    assert check_summary("é" * (SUMMARY_SIZE_LIMIT // 2)) is None
    assert check_summary("é" * (SUMMARY_SIZE_LIMIT // 2 + 1)) == TOO_LARGE.format(1024)


def test_reported_size_is_rounded_down_to_kibibytes() -> None:
    assert check_summary_size(3 * 1024 * 1024 + 1023) == TOO_LARGE.format(3072)
    assert check_summary_size(0) is None


def test_render_masks_each_line_and_ends_every_line() -> None:
    masker = Masker(["s3cret"])
    assert render_summary("# Title\r\nkey: s3cret\n\nend", masker) == "# Title\nkey: ***\n\nend\n"


def test_render_skips_empty_and_oversized_summaries() -> None:
    assert render_summary("") is None
    assert render_summary("x" * (SUMMARY_SIZE_LIMIT + 1)) is None


def test_render_drops_the_byte_order_mark() -> None:
    assert render_summary("\ufeff| a |\n") == "| a |\n"
