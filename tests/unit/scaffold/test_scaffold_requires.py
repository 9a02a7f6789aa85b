"""requires-python → the supported minor versions, and the --python list."""

from __future__ import annotations

import pytest

from shipyard.errors import UserError
from shipyard.scaffold.requires import evaluate_requires_python, parse_python_list

ALL = ("3.9", "3.10", "3.11", "3.12", "3.13")


@pytest.mark.parametrize(
    ("specifier", "expected"),
    [
        (">=3.10", ALL[1:]),
        (" >= 3.11 ", ALL[2:]),
        (">=3.9,<3.13", ALL[:4]),
        (">=3.9, <4", ALL),
        ("~=3.10", ALL[1:]),
        ("~=3.10.2", ("3.10",)),
        ("==3.11.*", ("3.11",)),
        ("==3.11", ("3.11",)),
        (">=3.10,!=3.12.*", ("3.10", "3.11", "3.13")),
        ("<=3.12", ALL[:4]),
        ("<3.12", ALL[:3]),
        (">3.9", ALL),
        (">3.9.99", ALL[1:]),
        ("^3.10", ALL[1:]),
        ("~3.11", ("3.11",)),
        ("^3", ALL),
        (">=3.12 || ==3.9.*", ("3.9", "3.12", "3.13")),
        ("*", ALL),
        (">=3.14", ()),
    ],
)
def test_requires_python(specifier: str, expected: tuple[str, ...]) -> None:
    assert evaluate_requires_python(specifier) == expected


@pytest.mark.parametrize(
    ("specifier", "problem"),
    [
        (">=three", "cannot read '>=three'"),
        (">=3.*", "a wildcard is only allowed with == and !="),
        ("~=3", "~= needs at least two release parts"),
    ],
)
def test_unreadable_requires_python(specifier: str, problem: str) -> None:
    with pytest.raises(UserError) as caught:
        evaluate_requires_python(specifier)
    assert caught.value.message == (
        f"pyproject.toml: requires-python {specifier!r} is not a version specifier: {problem}"
    )
    assert caught.value.hint == "fix it, or choose the versions with --python 3.11,3.12"


def test_python_list() -> None:
    assert parse_python_list("3.11, 3.12,3.11") == ("3.11", "3.12")
    with pytest.raises(ValueError) as caught:
        parse_python_list("3.11,py3")
    assert str(caught.value) == "expected Python versions such as 3.11,3.12, not 'py3'"
    with pytest.raises(ValueError, match="not nothing"):
        parse_python_list(" , ")
