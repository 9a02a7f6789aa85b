"""Secret masking: the runner's SecretMasker and ValueEncoders, exact outputs."""

from __future__ import annotations

import base64

from hypothesis import given
from hypothesis import strategies as st

from shipyard.stepio import MASK, Masker, encode_variants


def test_no_secrets_leaves_text_alone() -> None:
    assert Masker().mask("token=abc") == "token=abc"


def test_every_occurrence_is_masked() -> None:
    masker = Masker(["hunter2"])
    assert masker.mask("pw hunter2, again hunter2.") == "pw ***, again ***."


def test_touching_occurrences_merge_into_one_mask() -> None:
    masker = Masker(["abc"])
    assert masker.mask("abcabc") == "***"
    assert masker.mask("abc abc") == "*** ***"


def test_overlapping_secrets_mask_fully() -> None:
    masker = Masker(["abcd", "cdef"])
    assert masker.mask("xabcdefx") == "x***x"


def test_overlapping_occurrences_of_one_secret() -> None:
    assert Masker(["aa"]).mask("baaab") == "b***b"


def test_longer_secret_containing_a_shorter_one() -> None:
    masker = Masker(["pass", "password123"])
    assert masker.mask("password123 pass passw") == "*** *** ***w"


def test_short_values_are_masked_too() -> None:
    assert Masker(["7"]).mask("1776") == "1***6"


def test_empty_and_blank_secrets_are_ignored() -> None:
    masker = Masker(["", "   ", "\n"])
    assert len(masker) == 0
    assert masker.mask("   ") == "   "


def test_secret_is_trimmed_and_each_line_registered() -> None:
    masker = Masker(["  -----BEGIN KEY-----\nAAAA\r\n  BBBB  \n-----END KEY-----\n"])
    assert "-----BEGIN KEY-----\nAAAA\r\n  BBBB  \n-----END KEY-----" in masker
    assert masker.mask("line AAAA") == "line ***"
    assert masker.mask("  BBBB  ") == "  ***  "
    assert masker.mask("-----END KEY-----") == "***"


def test_add_mask_keeps_the_value_as_written() -> None:
    masker = Masker()
    masker.add_mask(" spaced ")
    assert masker.mask("a spaced b") == "a***b"
    assert masker.mask("spaced") == "spaced"


def test_add_mask_registers_each_line() -> None:
    masker = Masker()
    masker.add_mask("one\ntwo")
    assert masker.mask("one") == "***"
    assert masker.mask("two three") == "*** three"


def test_values_added_later_apply_to_later_lines() -> None:
    masker = Masker(["first"])
    assert masker.mask("first second") == "*** second"
    masker.add_value("second")
    assert masker.mask("first second") == "*** ***"


def test_encoded_variants_are_masked() -> None:
    secret = "p@ss \"w:rd'/"
    masker = Masker([secret])
    b64 = base64.b64encode(secret.encode()).decode()
    assert masker.mask(f"basic {b64}") == "basic ***"
    assert masker.mask("url p%40ss%20%22w%3Ard%27%2F") == "url ***"
    assert masker.mask('json "p@ss \\"w:rd\'/"') == 'json "***"'
    assert masker.mask("xml p@ss &quot;w:rd&apos;/") == "xml ***"
    assert masker.mask("expr 'p@ss \"w:rd''/'") == "expr '***'"


def test_base64_of_secret_after_a_prefix_is_masked() -> None:
    masker = Masker(["s3cr3t-value"])
    for prefix in ("u:", "us:", "use:"):
        encoded = base64.b64encode(f"{prefix}s3cr3t-value".encode()).decode()
        assert MASK in masker.mask(encoded), prefix


def test_encode_variants_exact() -> None:
    assert encode_variants("a'b") == ("a'b", "YSdi", "J2I=", "Yg==", "a''b", "a%27b", "a&apos;b")
    assert encode_variants("tab\there\u2028") == (
        "tab\there\u2028",
        "dGFiCWhlcmXigKg=",
        "YWIJaGVyZeKAqA==",
        "YgloZXJl4oCo",
        "tab\\there\\u2028",
        "tab%09here%E2%80%A8",
    )


def test_command_line_and_powershell_variants() -> None:
    variants = encode_variants('say "hi"')
    assert 'say \\"hi\\"' in variants
    assert encode_variants("first-part&second-part")[-2:] == ("first-part&", "second-part")
    assert encode_variants("secret&+Xcolored-rest")[-2:] == ("secret&+", "colored-rest")
    assert "ab&" not in encode_variants("ab&cdefgh")  # sections shorter than 6 are skipped
    masker = Masker(["alpha&beta-gamma"])
    assert masker.mask("[31malpha&[0m beta-gamma") == "[31m***[0m ***"


def test_quoted_values_longer_than_eight_are_also_masked_unquoted() -> None:
    assert '1234567"' not in encode_variants('"1234567"')
    assert "12345678" in encode_variants('"12345678"')


def test_long_secret_does_not_recurse() -> None:
    secret = "x" * 5000 + "y"
    masker = Masker([secret])
    assert masker.mask("<" + secret + ">") == "<***>"


def test_deeply_nested_secrets_fall_back_to_a_flat_pattern() -> None:
    masker = Masker()
    for n in range(1, 205):
        masker.add_value("Q" * n + "!")
    assert masker.mask("a QQQ! b Q c") == "a *** b Q c"


def test_many_secrets_sharing_prefixes() -> None:
    secrets = [f"prefix-{i:04d}" for i in range(300)]
    masker = Masker(secrets)
    assert masker.mask("a prefix-0042 b prefix-9999 c") == "a *** b prefix-9999 c"


def _reference_mask(variants: set[str], text: str) -> str:
    """Brute force: cover every occurrence of every variant, one ``***`` per covered run."""
    covered = [False] * len(text)
    for variant in variants:
        start = text.find(variant)
        while start >= 0:
            covered[start : start + len(variant)] = [True] * len(variant)
            start = text.find(variant, start + 1)
    out, i = [], 0
    while i < len(text):
        if covered[i]:
            while i < len(text) and covered[i]:
                i += 1
            out.append(MASK)
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


@given(
    secrets=st.lists(st.text(alphabet="abc", min_size=1, max_size=4), min_size=1, max_size=4),
    text=st.text(alphabet="abcd", max_size=30),
)
def test_masked_text_contains_no_secret_and_keeps_the_rest(secrets: list[str], text: str) -> None:
    masker = Masker()
    for secret in secrets:
        masker.add_value(secret)
    assert masker.mask(text) == _reference_mask(set(secrets), text)


@given(data=st.data())
def test_masking_matches_brute_force_over_all_variants(data: st.DataObject) -> None:
    alphabet = "aZq9&+\"'<% =/"
    secrets = data.draw(st.lists(st.text(alphabet=alphabet, min_size=1, max_size=12), max_size=4))
    masker = Masker()
    variants: set[str] = set()
    for secret in secrets:
        masker.add_value(secret)
        variants.update(encode_variants(secret))
    pieces = st.sampled_from(sorted(variants)) if variants else st.just("")
    parts = data.draw(
        st.lists(st.one_of(pieces, st.text(alphabet=alphabet, max_size=5)), max_size=8)
    )
    text = "".join(parts)
    assert masker.mask(text) == _reference_mask(variants, text)
