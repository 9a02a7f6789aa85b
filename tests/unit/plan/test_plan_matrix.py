"""Matrix expansion: GitHub's documented examples, include/exclude edge cases, names, errors."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from shipyard.errors import UserError
from shipyard.plan.matrix import (
    MatrixError,
    MatrixLimitError,
    expand_matrix,
    expand_matrix_configurations,
    matrix_job_name,
)


def names(matrix: Mapping[str, object], base: str = "test") -> list[str]:
    return [c.name(base) for c in expand_matrix_configurations(matrix)]


# --- GitHub docs: "Using a matrix for your jobs" -------------------------------------


def test_docs_single_dimension() -> None:
    assert expand_matrix({"version": [10, 12, 14]}) == (
        {"version": 10},
        {"version": 12},
        {"version": 14},
    )


def test_docs_multi_dimension_first_key_varies_slowest() -> None:
    matrix = {"os": ["ubuntu-22.04", "ubuntu-20.04"], "version": [10, 12, 14]}
    assert expand_matrix(matrix) == (
        {"os": "ubuntu-22.04", "version": 10},
        {"os": "ubuntu-22.04", "version": 12},
        {"os": "ubuntu-22.04", "version": 14},
        {"os": "ubuntu-20.04", "version": 10},
        {"os": "ubuntu-20.04", "version": 12},
        {"os": "ubuntu-20.04", "version": 14},
    )
    assert names(matrix)[:2] == ["test (ubuntu-22.04, 10)", "test (ubuntu-22.04, 12)"]


def test_docs_objects_as_vector_values() -> None:
    matrix = {
        "os": ["ubuntu-latest", "macos-latest"],
        "node": [{"version": 14}, {"version": 20, "env": "NODE_OPTIONS=--openssl-legacy-provider"}],
    }
    assert expand_matrix(matrix) == (
        {"os": "ubuntu-latest", "node": {"version": 14}},
        {
            "os": "ubuntu-latest",
            "node": {"version": 20, "env": "NODE_OPTIONS=--openssl-legacy-provider"},
        },
        {"os": "macos-latest", "node": {"version": 14}},
        {
            "os": "macos-latest",
            "node": {"version": 20, "env": "NODE_OPTIONS=--openssl-legacy-provider"},
        },
    )
    assert names(matrix, "build") == [
        "build (ubuntu-latest, 14)",
        "build (ubuntu-latest, 20, NODE_OPTIONS=--openssl-legacy-provider)",
        "build (macos-latest, 14)",
        "build (macos-latest, 20, NODE_OPTIONS=--openssl-legacy-provider)",
    ]


def test_docs_expanding_or_adding_matrix_configurations() -> None:
    matrix = {
        "fruit": ["apple", "pear"],
        "animal": ["cat", "dog"],
        "include": [
            {"color": "green"},
            {"color": "pink", "animal": "cat"},
            {"fruit": "apple", "shape": "circle"},
            {"fruit": "banana"},
            {"fruit": "banana", "animal": "cat"},
        ],
    }
    assert expand_matrix(matrix) == (
        {"fruit": "apple", "animal": "cat", "color": "pink", "shape": "circle"},
        {"fruit": "apple", "animal": "dog", "color": "green", "shape": "circle"},
        {"fruit": "pear", "animal": "cat", "color": "pink"},
        {"fruit": "pear", "animal": "dog", "color": "green"},
        {"fruit": "banana"},
        {"fruit": "banana", "animal": "cat"},
    )
    # Values added by include are not part of the display name of a cross-product job.
    assert names(matrix) == [
        "test (apple, cat)",
        "test (apple, dog)",
        "test (pear, cat)",
        "test (pear, dog)",
        "test (banana)",
        "test (banana, cat)",
    ]


def test_docs_example_expanding_configurations() -> None:
    matrix = {
        "os": ["windows-latest", "ubuntu-latest"],
        "node": [14, 16],
        "include": [{"os": "windows-latest", "node": 16, "npm": 6}],
    }
    assert expand_matrix(matrix) == (
        {"os": "windows-latest", "node": 14},
        {"os": "windows-latest", "node": 16, "npm": 6},
        {"os": "ubuntu-latest", "node": 14},
        {"os": "ubuntu-latest", "node": 16},
    )


def test_docs_example_adding_configurations() -> None:
    matrix = {
        "os": ["macos-latest", "windows-latest", "ubuntu-latest"],
        "version": [12, 14, 16],
        "include": [{"os": "windows-latest", "version": 17}],
    }
    result = expand_matrix(matrix)
    assert len(result) == 10
    assert result[-1] == {"os": "windows-latest", "version": 17}
    assert names(matrix)[-1] == "test (windows-latest, 17)"


def test_docs_include_without_vectors_runs_each_entry() -> None:
    matrix = {
        "include": [
            {"site": "production", "datacenter": "site-a"},
            {"site": "staging", "datacenter": "site-b"},
        ]
    }
    assert expand_matrix(matrix) == (
        {"site": "production", "datacenter": "site-a"},
        {"site": "staging", "datacenter": "site-b"},
    )
    assert names(matrix, "deploy") == ["deploy (production, site-a)", "deploy (staging, site-b)"]


def test_docs_excluding_matrix_configurations() -> None:
    matrix = {
        "os": ["macos-latest", "windows-latest"],
        "version": [12, 14, 16],
        "environment": ["staging", "production"],
        "exclude": [
            {"os": "macos-latest", "version": 12, "environment": "production"},
            {"os": "windows-latest", "version": 16},
        ],
    }
    result = expand_matrix(matrix)
    assert len(result) == 9
    assert {"os": "macos-latest", "version": 12, "environment": "production"} not in result
    assert not [c for c in result if c["os"] == "windows-latest" and c["version"] == 16]
    assert result[0] == {"os": "macos-latest", "version": 12, "environment": "staging"}


# --- include / exclude details -------------------------------------------------------


def test_later_include_overwrites_values_added_by_earlier_include() -> None:
    matrix = {"os": ["a", "b"], "include": [{"color": "green"}, {"color": "pink"}]}
    assert expand_matrix(matrix) == ({"os": "a", "color": "pink"}, {"os": "b", "color": "pink"})


def test_include_never_overwrites_an_original_value() -> None:
    matrix = {"os": ["a", "b"], "include": [{"os": "c", "flag": True}]}
    assert expand_matrix(matrix) == ({"os": "a"}, {"os": "b"}, {"os": "c", "flag": True})


def test_include_is_matched_against_original_values_only() -> None:
    # The second entry's "color" is not a matrix vector: it is an extra, not a filter,
    # so it applies to every combination (overwriting the color the first entry added).
    matrix = {
        "os": ["a", "b"],
        "include": [{"os": "a", "color": "red"}, {"color": "blue", "size": 1}],
    }
    assert expand_matrix(matrix) == (
        {"os": "a", "color": "blue", "size": 1},
        {"os": "b", "color": "blue", "size": 1},
    )


def test_include_applies_after_exclude() -> None:
    matrix = {
        "os": ["a", "b"],
        "exclude": [{"os": "a"}],
        "include": [{"os": "a", "extra": 1}, {"os": "b", "extra": 2}],
    }
    assert expand_matrix(matrix) == ({"os": "b", "extra": 2}, {"os": "a", "extra": 1})


def test_include_that_matches_only_filters_adds_nothing_and_no_new_job() -> None:
    matrix = {"arch": ["x64", "x86"], "os": ["linux", "windows"], "include": [{"arch": "x64"}]}
    assert len(expand_matrix(matrix)) == 4


def test_exclude_partial_match_on_nested_object() -> None:
    matrix = {
        "cfg": [{"node": 12, "npm": 6}, {"node": 14, "npm": 6}],
        "os": ["linux"],
        "exclude": [{"cfg": {"node": 12}}],
    }
    assert expand_matrix(matrix) == ({"cfg": {"node": 14, "npm": 6}, "os": "linux"},)


def test_exclude_compares_like_github_expressions() -> None:
    matrix = {
        "os": ["Ubuntu-Latest", "windows"],
        "v": [12, 3.1],
        "exclude": [{"os": "ubuntu-latest", "v": "12"}],
    }
    assert expand_matrix(matrix) == (
        {"os": "Ubuntu-Latest", "v": 3.1},
        {"os": "windows", "v": 12},
        {"os": "windows", "v": 3.1},
    )


def test_exclude_with_array_value_matches_by_index() -> None:
    matrix = {"args": [["-x", "-y"], ["-z"]], "exclude": [{"args": ["-x"]}]}
    assert expand_matrix(matrix) == ({"args": ["-z"]},)


def test_exclude_and_include_keys_are_case_insensitive() -> None:
    matrix = {
        "os": ["a", "b"],
        "exclude": [{"OS": "a"}],
        "include": [{"Os": "b", "x": 1}, {"X": 2}],
    }
    assert expand_matrix(matrix) == ({"os": "b", "x": 2},)


def test_every_combination_excluded_gives_no_configuration() -> None:
    assert expand_matrix({"os": ["a"], "exclude": [{"os": "a"}]}) == ()


def test_no_matrix_gives_no_configuration() -> None:
    assert expand_matrix(None) == ()


def test_configurations_do_not_share_containers() -> None:
    result = expand_matrix({"cfg": [{"a": [1]}], "os": ["x", "y"]})
    result[0]["cfg"]["a"].append(2)  # type: ignore[index]
    assert result[1] == {"cfg": {"a": [1]}, "os": "y"}


def test_duplicate_vector_values_are_kept() -> None:
    assert expand_matrix({"v": [1, 1]}) == ({"v": 1}, {"v": 1})


# --- errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        ({"os": []}, "Matrix vector 'os' does not contain any values"),
        ({}, "Matrix must define at least one vector"),
        ({"include": []}, "Matrix must define at least one vector"),
        ({"exclude": [{"os": "a"}]}, "Matrix must define at least one vector"),
        (
            {"os": "ubuntu"},
            "Unexpected type 'StringToken' encountered while reading 'matrix vector value'. "
            "The type 'SequenceToken' was expected.",
        ),
        (
            {"os": None},
            "Unexpected type 'NullToken' encountered while reading 'matrix vector value'. "
            "The type 'SequenceToken' was expected.",
        ),
        (
            {"os": ["a"], "include": {"x": 1}},
            "Unexpected type 'MappingToken' encountered while reading 'matrix includes'. "
            "The type 'SequenceToken' was expected.",
        ),
        (
            {"os": ["a"], "include": ["x"]},
            "Unexpected type 'StringToken' encountered while reading 'matrix includes item'. "
            "The type 'MappingToken' was expected.",
        ),
        (
            {"os": ["a"], "exclude": [3]},
            "Unexpected type 'NumberToken' encountered while reading 'matrix excludes item'. "
            "The type 'MappingToken' was expected.",
        ),
        ({"os": ["a"], "include": [{}]}, "Matrix include mapping does not contain any values"),
        ({"os": ["a"], "exclude": [{}]}, "Matrix exclude filter must not be empty"),
        (
            {"os": ["a"], "exclude": [{"arch": "x"}]},
            "Matrix exclude key 'arch' does not match any key within the matrix",
        ),
    ],
)
def test_errors_use_github_messages(matrix: dict[str, object], message: str) -> None:
    with pytest.raises(MatrixError) as caught:
        expand_matrix(matrix)
    assert caught.value.message == message
    assert isinstance(caught.value, UserError)


def test_every_problem_is_collected() -> None:
    with pytest.raises(MatrixError) as caught:
        expand_matrix({"os": [], "v": [], "exclude": [{"x": 1}]})
    assert caught.value.problems == (
        "Matrix vector 'os' does not contain any values",
        "Matrix vector 'v' does not contain any values",
        "Matrix exclude key 'x' does not match any key within the matrix",
    )


def test_matrix_must_be_a_mapping() -> None:
    with pytest.raises(MatrixError, match=r"reading 'matrix'\. The type 'MappingToken'"):
        expand_matrix(["a"])  # type: ignore[arg-type]


def test_256_configurations_are_allowed() -> None:
    assert len(expand_matrix({"a": list(range(16)), "b": list(range(16))})) == 256


def test_more_than_256_configurations_is_an_error() -> None:
    matrix = {"a": list(range(16)), "b": list(range(16)), "include": [{"a": 99}]}
    with pytest.raises(MatrixLimitError) as caught:
        expand_matrix_configurations(matrix, job_id="test")
    assert caught.value.message == (
        "Strategy for job 'test' produced 257 configurations which exceeds the maximum of "
        "256 configurations"
    )
    assert caught.value.hint


def test_limit_counts_after_exclude() -> None:
    matrix = {"a": list(range(17)), "b": list(range(16)), "exclude": [{"a": 0}]}
    assert len(expand_matrix(matrix)) == 256


def test_huge_cross_product_fails_fast() -> None:
    matrix = {f"k{i}": list(range(10)) for i in range(12)}
    with pytest.raises(MatrixLimitError, match="produced 1000000000000 configurations"):
        expand_matrix(matrix)  # without enumerating 10**12 combinations


# --- display names ---------------------------------------------------------------------


def test_numbers_in_names_print_as_githubs_server_does() -> None:
    # .NET's G15 (shipyard.expr.values.number_to_string_g15), not the expression rule
    combination = {"a": 3.10, "b": 1e15, "c": 0.00001, "d": 2}
    assert matrix_job_name("t", combination) == "t (3.1, 1E+15, 1E-05, 2)"


def test_name_segments() -> None:
    combination = {"os": "ubuntu", "py": {"v": 3.10}, "flags": [True, None, ""], "n": None, "e": ""}
    assert matrix_job_name("test", combination) == "test (ubuntu, 3.1, true)"


def test_name_without_segments_is_the_base_name() -> None:
    assert matrix_job_name("test", {"a": None, "b": ""}) == "test"


def test_name_of_selected_keys_only() -> None:
    assert matrix_job_name("t", {"os": "a", "extra": "b"}, ["os"]) == "t (a)"


def test_long_names_are_cut_at_100_characters() -> None:
    name = matrix_job_name("build", {"long": "x" * 200})
    assert len(name) == 100
    assert name == "build (" + "x" * 90 + "..."
