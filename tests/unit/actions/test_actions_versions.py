"""node-semver ranges as setup-python applies them."""

from __future__ import annotations

import pytest

from shipyard.actions.versions import Version, max_satisfying, parse_range, parse_version


def v(text: str) -> Version:
    parsed = parse_version(text)
    assert parsed is not None
    return parsed


@pytest.mark.parametrize(
    ("spec", "version", "expected"),
    [
        ("3.11", "3.11.7", True),
        ("3.1", "3.10.13", False),  # a YAML float: 3.1 never means 3.10
        ("3.1", "3.1.4", True),
        ("3", "3.13.0", True),
        ("3.x", "2.7.18", False),
        ("3.x", "3.14.0-beta.2", False),  # prereleases need an explicit comparator
        ("*", "3.12.1", True),
        ("", "3.12.1", True),
        (">=3.10 <3.13", "3.12.1", True),
        (">=3.10 <3.13", "3.13.0", False),
        (">=3.10 <3.13", "3.9.18", False),
        ("3.10 - 3.12", "3.12.9", True),
        ("3.10 - 3.12", "3.13.0", False),
        ("3.10.2 - 3.12.1", "3.12.2", False),
        ("~3.11", "3.11.9", True),
        ("~3.11", "3.12.0", False),
        ("^3.10", "3.13.0", True),
        ("^3.10", "4.0.0", False),
        ("^0.5", "0.5.9", True),
        ("^0.5", "0.6.0", False),
        ("<3.12", "3.11.7", True),
        ("<3.12", "3.12.0", False),
        ("<=3.12", "3.12.9", True),
        (">3.12", "3.12.9", False),
        (">3.12", "3.13.0", True),
        (">= 3.9", "3.9.18", True),
        ("3.11.7", "3.11.7", True),
        ("3.11.7", "3.11.8", False),
        ("3.8 || 3.12", "3.12.1", True),
        ("3.8 || 3.12", "3.10.1", False),
        ("~3.14.0-0", "3.14.0-beta.2", True),  # 3.14-dev and allow-prereleases
        ("~3.14.0-0", "3.14.1", True),
        ("3.14.0-beta.2", "3.14.0-beta.2", True),
        (">=3.14.0-alpha.1", "3.14.0-beta.2", True),
        (">=3.14.0-alpha.1", "3.15.0-alpha.1", False),
        ("=3.12", "3.12.4", True),
        ("3.12.*", "3.12.4", True),
    ],
)
def test_range_satisfaction(spec: str, version: str, expected: bool) -> None:
    parsed = parse_range(spec)
    assert parsed is not None
    assert parsed.satisfied_by(v(version)) is expected


@pytest.mark.parametrize("spec", ["3.1O", "latest", ">=", "pypy3.10", "3.11t"])
def test_invalid_ranges(spec: str) -> None:
    assert parse_range(spec) is None


def test_ordering_and_max() -> None:
    versions = [v("3.12.1"), v("3.14.0-beta.2"), v("3.14.0"), v("3.14.0-rc.1"), v("3.9.18")]
    assert sorted(versions)[-3:] == [v("3.14.0-beta.2"), v("3.14.0-rc.1"), v("3.14.0")]
    spec = parse_range("3")
    assert spec is not None
    assert max_satisfying(versions, spec) == v("3.14.0")
    assert str(v("v3.14.0-rc.1")) == "3.14.0-rc.1"
    assert parse_version("3.11") is None
