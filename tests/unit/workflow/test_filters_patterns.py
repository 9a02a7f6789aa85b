"""Filter patterns: GitHub's cheat sheet, each operator, negation order, escapes, errors."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shipyard.workflow.filters import (
    FilterPatternError,
    check_pattern,
    compile_filter,
    compile_pattern,
    format_patterns,
)

# "Patterns to match branches and tags" (workflow syntax, filter pattern cheat sheet).
BRANCH_AND_TAG_EXAMPLES = [
    (["feature/*"], "feature/my-branch"),
    (["feature/*"], "feature/your-branch"),
    (["feature/**"], "feature/beta-a/my-branch"),
    (["feature/**"], "feature/your-branch"),
    (["feature/**"], "feature/mona/the/octocat"),
    (["main", "releases/mona-the-octocat"], "main"),
    (["main", "releases/mona-the-octocat"], "releases/mona-the-octocat"),
    (["*"], "main"),
    (["*"], "releases"),
    (["**"], "all/the/branches"),
    (["**"], "every/tag"),
    (["*feature"], "mona-feature"),
    (["*feature"], "feature"),
    (["*feature"], "ver-10-feature"),
    (["v2*"], "v2"),
    (["v2*"], "v2.0"),
    (["v2*"], "v2.9"),
    (["v[12].[0-9]+.[0-9]+"], "v1.10.1"),
    (["v[12].[0-9]+.[0-9]+"], "v2.0.0"),
]

# "Patterns to match file paths".
PATH_EXAMPLES = [
    (["*"], "README.md"),
    (["*"], "server.rb"),
    (["*.jsx?"], "page.js"),
    (["*.jsx?"], "page.jsx"),
    (["**"], "all/the/files.md"),
    (["*.js"], "app.js"),
    (["*.js"], "index.js"),
    (["**.js"], "index.js"),
    (["**.js"], "js/index.js"),
    (["**.js"], "src/js/app.js"),
    (["docs/*"], "docs/README.md"),
    (["docs/*"], "docs/file.txt"),
    (["docs/**"], "docs/README.md"),
    (["docs/**"], "docs/mona/octocat.txt"),
    (["docs/**/*.md"], "docs/README.md"),
    (["docs/**/*.md"], "docs/mona/hello-world.md"),
    (["docs/**/*.md"], "docs/a/markdown/file.md"),
    (["**/docs/**"], "docs/hello.md"),
    (["**/docs/**"], "dir/docs/my-file.txt"),
    (["**/docs/**"], "space/docs/plan/space.doc"),
    (["**/README.md"], "README.md"),
    (["**/README.md"], "js/README.md"),
    (["**/*src/**"], "a/src/app.js"),
    (["**/*src/**"], "my-src/code/js/app.js"),
    (["**/*-post.md"], "my-post.md"),
    (["**/*-post.md"], "path/their-post.md"),
    (["**/migrate-*.sql"], "migrate-10909.sql"),
    (["**/migrate-*.sql"], "db/migrate-v1.0.sql"),
    (["**/migrate-*.sql"], "db/sept/migrate-v1.sql"),
    (["*.md", "!README.md"], "hello.md"),
    (["*.md", "!README.md", "README*"], "hello.md"),
    (["*.md", "!README.md", "README*"], "README.md"),
    (["*.md", "!README.md", "README*"], "README.doc"),
]

# The cheat sheet's "does not match" column, and the obvious non-matches next to it.
NON_MATCHES = [
    (["*.md", "!README.md"], "README.md"),
    (["*.md", "!README.md"], "docs/hello.md"),
    (["feature/*"], "feature/beta-a/my-branch"),
    (["*"], "releases/v1"),
    (["*.js"], "js/index.js"),
    (["docs/*"], "docs/mona/octocat.txt"),
    (["docs/**"], "docs"),
    (["v2*"], "v1.2"),
    (["v[12].[0-9]+.[0-9]+"], "v3.0.0"),
    (["v[12].[0-9]+.[0-9]+"], "v1..0"),
    (["*.jsx?"], "page.jsxx"),
    (["**/README.md"], "README.md.bak"),
    (["main"], "Main"),
    (["main"], "main2"),
]


@pytest.mark.parametrize(("patterns", "name"), BRANCH_AND_TAG_EXAMPLES + PATH_EXAMPLES)
def test_cheat_sheet_example_matches(patterns: list[str], name: str) -> None:
    assert compile_filter(patterns).matches(name)


@pytest.mark.parametrize(("patterns", "name"), NON_MATCHES)
def test_cheat_sheet_non_match(patterns: list[str], name: str) -> None:
    assert not compile_filter(patterns).matches(name)


@pytest.mark.parametrize(
    ("pattern", "name", "expected"),
    [
        ("Octo*", "Octocat", True),
        ("Octo*", "Octo", True),
        ("a*b", "a/b", False),
        ("a**b", "a/x/y/b", True),
        ("a**b", "ab", True),
        ("a**/b", "a/b", True),
        ("a**/b", "ab", False),
        ("Octoc?t", "Octoct", True),
        ("Octoc?t", "Octocat", False),
        ("Octoca?t", "Octocat", True),
        ("Octoca?t", "Octoct", True),
        ("ab+c", "abbbc", True),
        ("ab+c", "ac", False),
        ("[CB]at", "Cat", True),
        ("[CB]at", "Bat", True),
        ("[CB]at", "Hat", False),
        ("[1-2]00", "100", True),
        ("[1-2]00", "200", True),
        ("[1-2]00", "300", False),
        ("[0-9a-z]", "q", True),
        ("[0-9a-z]", "Q", False),
        ("[a-]x", "-x", True),
        ("release.1", "releasex1", False),
        ("a(b)", "a(b)", True),
        ("x|y", "x", False),
    ],
)
def test_operators(pattern: str, name: str, expected: bool) -> None:
    assert compile_pattern(pattern).matches(name) is expected


@pytest.mark.parametrize(
    ("pattern", "name"),
    [
        ("\\!file", "!file"),
        ("a\\*b", "a*b"),
        ("a\\?", "a?"),
        ("c\\+\\+", "c++"),
        ("\\[x]", "[x]"),
        ("escape\\\\backslash", "escape\\backslash"),
        ("dir\\name", "dir\\name"),  # \ before an ordinary character is itself
        ("trailing\\", "trailing\\"),
        ("a\\*?", "a"),  # an escaped character can be repeated
    ],
)
def test_escapes(pattern: str, name: str) -> None:
    assert compile_pattern(pattern).matches(name)


def test_escaped_bang_is_not_negation() -> None:
    pattern = compile_pattern("\\!file")
    assert not pattern.negative


def test_escaped_star_is_literal() -> None:
    assert not compile_pattern("a\\*b").matches("axb")


def test_bang_only_negates_at_the_start() -> None:
    assert compile_pattern("a!b").matches("a!b")
    assert not compile_pattern("a!b").negative


def test_negative_after_positive_excludes_and_positive_after_negative_includes() -> None:
    rules = compile_filter(["releases/**", "!releases/**-alpha"])
    assert rules.matches("releases/10")
    assert rules.matches("releases/beta/mona")
    assert not rules.matches("releases/10-alpha")
    assert not rules.matches("releases/beta/3-alpha")
    assert not rules.matches("main")
    again = compile_filter(["releases/**", "!releases/**-alpha", "releases/keep-alpha"])
    assert again.matches("releases/keep-alpha")
    assert not again.matches("releases/other-alpha")


def test_negative_before_positive_has_no_effect() -> None:
    rules = compile_filter(["!docs/**", "**"])
    assert rules.matches("docs/index.md")


def test_only_negative_patterns_include_nothing() -> None:
    rules = compile_filter(["!main"])
    assert not rules.matches("main")
    assert not rules.matches("dev")


def test_empty_filter_includes_nothing() -> None:
    assert not compile_filter([]).matches("main")


def test_explain_names_the_deciding_pattern() -> None:
    rules = compile_filter(["*.md", "!README.md", "README*"])
    readme = rules.explain("README.md")
    assert readme.included
    assert readme.pattern is not None and readme.pattern.text == "README*"
    excluded = compile_filter(["*.md", "!README.md"]).explain("README.md")
    assert not excluded.included
    assert excluded.pattern is not None and excluded.pattern.text == "!README.md"
    missed = rules.explain("src/app.py")
    assert not missed.included and missed.pattern is None


def test_first_included_and_first_excluded() -> None:
    rules = compile_filter(["docs/**"])
    hit = rules.first_included(["src/a.py", "docs/b.md", "docs/c.md"])
    assert hit is not None and hit.name == "docs/b.md"
    assert rules.first_included(["src/a.py"]) is None
    miss = rules.first_excluded(["docs/b.md", "src/a.py"])
    assert miss is not None and miss.name == "src/a.py"
    assert rules.first_excluded(["docs/b.md"]) is None


def test_compiled_filters_are_cached() -> None:
    assert compile_filter(["main", "dev"]) is compile_filter(("main", "dev"))
    assert compile_pattern("feature/**") is compile_pattern("feature/**")


def test_describe_quotes_like_yaml() -> None:
    assert compile_filter(["main", "releases/**", "!x", "it's"]).describe() == (
        "[main, 'releases/**', '!x', 'it''s']"
    )
    assert format_patterns([]) == "[]"


@pytest.mark.parametrize(
    ("pattern", "message", "hint"),
    [
        ("", "invalid filter pattern '': a pattern cannot be empty", None),
        ("!", "invalid filter pattern '!': '!' must be followed by a pattern", None),
        (
            "?a",
            "invalid filter pattern '?a': '?' at column 1 has no preceding character to repeat",
            "write '\\?' to match a literal '?'",
        ),
        (
            "!+a",
            "invalid filter pattern '!+a': '+' at column 2 has no preceding character to repeat",
            "write '\\+' to match a literal '+'",
        ),
        (
            "a*?",
            "invalid filter pattern 'a*?': '?' at column 3 has no preceding character to repeat",
            "write '\\?' to match a literal '?'",
        ),
        (
            "a++",
            "invalid filter pattern 'a++': '+' at column 3 has no preceding character to repeat",
            "write '\\+' to match a literal '+'",
        ),
        ("v[]", "invalid filter pattern 'v[]': empty brackets '[]' at column 2", None),
        (
            "v[0-9",
            "invalid filter pattern 'v[0-9': '[' at column 2 has no closing ']'",
            "write '\\[' to match a literal '['",
        ),
        (
            "v[9-0]",
            "invalid filter pattern 'v[9-0]': invalid range '9-0' at column 3",
            "ranges can only include a-z, A-Z and 0-9, in increasing order",
        ),
        (
            "[a-Z]",
            "invalid filter pattern '[a-Z]': invalid range 'a-Z' at column 2",
            "ranges can only include a-z, A-Z and 0-9, in increasing order",
        ),
        (
            "[x!-/]",
            "invalid filter pattern '[x!-/]': invalid range '!-/' at column 3",
            "ranges can only include a-z, A-Z and 0-9, in increasing order",
        ),
    ],
)
def test_invalid_patterns(pattern: str, message: str, hint: str | None) -> None:
    with pytest.raises(FilterPatternError) as caught:
        compile_pattern(pattern)
    assert caught.value.message == message
    assert caught.value.hint == hint
    assert check_pattern(pattern) == message


def test_a_bad_pattern_fails_the_whole_filter() -> None:
    with pytest.raises(FilterPatternError):
        compile_filter(["main", "[oops"])


def test_valid_pattern_has_no_problem() -> None:
    assert check_pattern("releases/v[0-9]+") is None


_SAFE = string.ascii_letters + string.digits + "-_./ @#%,=~:"
_names = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)


@given(st.text(alphabet=_SAFE, min_size=1, max_size=40))
def test_literal_name_matches_itself_only(name: str) -> None:
    pattern = compile_pattern(name)
    assert pattern.matches(name)
    assert not pattern.matches(name + "x")
    assert not pattern.matches(name[:-1])


@given(_names)
def test_double_star_matches_everything(name: str) -> None:
    assert compile_pattern("**").matches(name)


@given(st.text(alphabet=_SAFE.replace("/", ""), max_size=40))
def test_star_matches_any_name_without_slash(name: str) -> None:
    assert compile_pattern("*").matches(name)
    assert not compile_pattern("*").matches(name + "/x")


@given(_names)
def test_escaping_every_special_character_matches_literally(name: str) -> None:
    if not name:
        return
    escaped = "".join("\\" + c if c in "*?+[]!\\" else c for c in name)
    assert compile_pattern(escaped).matches(name)


@given(_names, st.lists(st.sampled_from(["**", "*", "docs/**", "!docs/**", "*.md"]), max_size=5))
def test_negated_copy_flips_the_decision(name: str, patterns: list[str]) -> None:
    rules = compile_filter(patterns)
    if rules.explain(name).pattern is None:
        return
    last = rules.explain(name).pattern
    assert last is not None
    flipped = last.text[1:] if last.negative else "!" + last.text
    assert compile_filter([*patterns, flipped]).matches(name) is not rules.matches(name)
