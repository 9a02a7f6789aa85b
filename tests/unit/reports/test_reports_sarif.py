"""SARIF 2.1.0 output: the schema's required fields, levels, locations and rules."""

from __future__ import annotations

import json
from typing import Any

from shipyard.reports.findings import Finding
from shipyard.reports.sarif import artifact_uri, render_sarif

SHELL = Finding(
    "bandit",
    "B602",
    "subprocess call with shell=True identified, security issue.",
    "app/run.py",
    3,
    5,
    "high",
    "security",
    "confidence high",
)
SHELL_AGAIN = Finding("bandit", "B602", "again", "app/other file.py", 9, None, "high", "security")
VULN = Finding(
    "osv",
    "PYSEC-2018-28",
    "requests 2.19.0: The Requests package before 2.20.0 ... (fixed in 2.20.0)",
    "requirements.txt",
    1,
    None,
    "high",
    "security",
    "the advisory gives no severity: counted as high",
)
ENV_VULN = Finding("osv", "PYSEC-2099-1", "x 1.0: bad", "", None, None, "medium", "security")
LEVELS = {"none", "note", "warning", "error"}


def check_required(log: dict[str, Any]) -> None:
    """The fields SARIF 2.1.0's JSON schema requires, with their types and ranges."""
    assert log["version"] == "2.1.0"
    assert isinstance(log["runs"], list)
    for run in log["runs"]:
        driver = run["tool"]["driver"]
        assert isinstance(driver["name"], str) and driver["name"]
        rules = driver.get("rules", [])
        for rule in rules:
            assert isinstance(rule["id"], str)
            assert isinstance(rule["shortDescription"]["text"], str)
            assert rule["defaultConfiguration"]["level"] in LEVELS
        for result in run.get("results", []):
            assert isinstance(result["message"]["text"], str) and result["message"]["text"]
            assert result["level"] in LEVELS
            assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
            for location in result.get("locations", []):
                physical = location["physicalLocation"]
                assert isinstance(physical["artifactLocation"]["uri"], str)
                region = physical.get("region", {"startLine": 1})
                assert region["startLine"] >= 1
                assert region.get("startColumn", 1) >= 1
    json.dumps(log)  # plain JSON data


def test_log_has_one_run_per_tool_with_rules_and_results() -> None:
    log = render_sarif([SHELL, VULN, SHELL_AGAIN], tools=["bandit", "ruff", "osv"])
    check_required(log)
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    runs: list[dict[str, Any]] = log["runs"]  # type: ignore[assignment]
    assert [r["tool"]["driver"]["name"] for r in runs] == ["bandit", "ruff", "osv"]
    bandit, ruff, osv = runs
    assert ruff["results"] == []
    assert [rule["id"] for rule in bandit["tool"]["driver"]["rules"]] == ["B602"]
    assert bandit["tool"]["driver"]["informationUri"] == "https://bandit.readthedocs.io/"
    first = bandit["results"][0]
    assert first == {
        "ruleId": "B602",
        "ruleIndex": 0,
        "level": "error",
        "message": {
            "text": "subprocess call with shell=True identified, security issue. (confidence high)"
        },
        "properties": {"severity": "high", "category": "security"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": "app/run.py"},
                    "region": {"startLine": 3, "startColumn": 5},
                }
            }
        ],
    }
    second = bandit["results"][1]["locations"][0]["physicalLocation"]
    assert second == {
        "artifactLocation": {"uri": "app/other%20file.py"},
        "region": {"startLine": 9},
    }
    rule = osv["tool"]["driver"]["rules"][0]
    assert rule["helpUri"] == "https://osv.dev/vulnerability/PYSEC-2018-28"
    assert rule["properties"] == {"tags": ["security"], "security-severity": "8.0"}


def test_findings_without_a_file_have_no_location_and_levels_follow_severity() -> None:
    low = Finding("ruff", "F401", "unused", "./pkg/a.py", 1, 8, "low", "imports")
    log = render_sarif([ENV_VULN, low])
    check_required(log)
    runs: list[dict[str, Any]] = log["runs"]  # type: ignore[assignment]
    assert [r["tool"]["driver"]["name"] for r in runs] == ["osv", "ruff"]
    assert "locations" not in runs[0]["results"][0]
    assert runs[0]["results"][0]["level"] == "warning"
    assert runs[1]["results"][0]["level"] == "note"
    assert runs[1]["tool"]["driver"]["rules"][0]["properties"] == {"tags": ["imports"]}
    assert runs[1]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "pkg/a.py"
    }


def test_empty_log_is_valid() -> None:
    log = render_sarif([])
    check_required(log)
    assert log["runs"] == []


def test_artifact_uris_are_relative_and_percent_encoded() -> None:
    assert artifact_uri("src\\pkg\\mod.py") == "src/pkg/mod.py"
    assert artifact_uri("./a b/ü.py") == "a%20b/%C3%BC.py"
