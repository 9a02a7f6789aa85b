"""The [tool.shipyard] choices and the pyproject.toml text that holds them."""

from __future__ import annotations

import sys

import pytest

from shipyard.errors import UserError
from shipyard.scaffold.project import ProjectFacts
from shipyard.scaffold.settings_table import choose_settings, render_settings_table
from shipyard.settings import ProjectSettings
from shipyard.valueclass import replace

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TABLE = """\
[tool.shipyard]
python-versions = ["3.10", "3.11", "3.12", "3.13"]
coverage-min = 80
quality-tools = ["ruff"]
deploy-targets = []
"""


def test_choices_come_from_detection_by_default(sample_facts: ProjectFacts) -> None:
    chosen = choose_settings(sample_facts, ProjectSettings())
    assert chosen.python_versions == ("3.10", "3.11", "3.12", "3.13")
    assert (chosen.coverage_min, chosen.quality_tools, chosen.deploy_targets) == (
        80.0,
        ("ruff",),
        (),
    )


def test_the_users_table_beats_detection_and_options_beat_both(sample_facts: ProjectFacts) -> None:
    raw = {"python-versions": ["3.12"], "coverage-min": 90, "quality-tools": ["ruff", "mypy"]}
    current = ProjectSettings(
        python_versions=("3.12",), coverage_min=90.0, quality_tools=("ruff", "mypy"), raw=raw
    )
    chosen = choose_settings(sample_facts, current)
    assert (chosen.python_versions, chosen.coverage_min, chosen.quality_tools) == (
        ("3.12",),
        90.0,
        ("ruff", "mypy"),
    )
    chosen = choose_settings(sample_facts, current, python_versions=("3.13",), coverage_min=70)
    assert (chosen.python_versions, chosen.coverage_min) == (("3.13",), 70)


def test_table_appended_to_a_pyproject_without_one() -> None:
    text = '[project]\nname = "calc"\n\n\n'
    assert render_settings_table(text, ProjectSettings()) == '[project]\nname = "calc"\n\n' + TABLE


def test_table_in_a_new_pyproject() -> None:
    assert render_settings_table(None, ProjectSettings()) == TABLE


def test_existing_table_only_gets_its_missing_keys() -> None:
    text = (
        "[tool.shipyard]\n"
        "# our own choice\n"
        "coverage-min = 92.5\n"
        'security-db = "vulndb"\n'
        "\n"
        "[tool.ruff]\n"
        "line-length = 100\n"
    )
    settings = ProjectSettings(coverage_min=92.5, raw={"coverage-min": 92.5})
    assert render_settings_table(text, settings) == (
        "[tool.shipyard]\n"
        "# our own choice\n"
        "coverage-min = 92.5\n"
        'security-db = "vulndb"\n'
        'python-versions = ["3.10", "3.11", "3.12", "3.13"]\n'
        'quality-tools = ["ruff"]\n'
        "deploy-targets = []\n"
        "\n"
        "[tool.ruff]\n"
        "line-length = 100\n"
    )


def test_options_replace_keys_even_over_several_lines() -> None:
    text = '[tool.shipyard]\npython-versions = [\n  "3.11",\n  "3.12",\n]\ncoverage-min = 80\n'
    settings = ProjectSettings(python_versions=("3.13",), coverage_min=85.0)
    rendered = render_settings_table(
        text, settings, replace_keys={"python-versions", "coverage-min"}
    )
    assert rendered == (
        "[tool.shipyard]\n"
        'python-versions = ["3.13"]\n'
        "coverage-min = 85\n"
        'quality-tools = ["ruff"]\n'
        "deploy-targets = []\n"
    )
    assert tomllib.loads(rendered)["tool"]["shipyard"]["python-versions"] == ["3.13"]


def test_a_complete_table_is_left_byte_for_byte() -> None:
    text = TABLE.replace("\n", "\r\n").rstrip("\r\n")  # CRLF, no final newline
    assert render_settings_table(text, ProjectSettings()) is text


def test_crlf_files_keep_their_line_endings() -> None:
    text = '[project]\r\nname = "a"\r\n'
    rendered = render_settings_table(text, ProjectSettings())
    assert rendered == '[project]\r\nname = "a"\r\n\r\n' + TABLE.replace("\n", "\r\n")


def test_benchmarks_folder_written_when_not_the_default() -> None:
    rendered = render_settings_table(None, replace(ProjectSettings(), benchmarks="bench"))
    assert rendered == TABLE + 'benchmarks = "bench"\n'


def test_a_dotted_table_cannot_be_updated() -> None:
    with pytest.raises(UserError) as caught:
        render_settings_table("[tool]\nshipyard.coverage-min = 80\n", ProjectSettings())
    assert caught.value.message == (
        "pyproject.toml: shipyard init can only update a [tool.shipyard] table "
        "written as a table header"
    )
