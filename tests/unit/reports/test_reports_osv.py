"""OSV records: parsing, PyPI version matching, severity (database, CVSS v3/v2, none)."""

from __future__ import annotations

import pytest

from shipyard.reports.cvss import cvss2_base_score, cvss3_base_score, rating
from shipyard.reports.osv import (
    NO_SEVERITY_NOTE,
    affects,
    fixed_versions,
    matching,
    normalize_name,
    parse_osv_json,
    parse_osv_yaml,
)

# Shaped like the PyPA database's vulns/requests/PYSEC-2018-28.yaml (versions list shortened).
REQUESTS = """\
id: PYSEC-2018-28
details: The Requests package before 2.20.0 for Python sends an HTTP Authorization
  header to an http URI upon receiving a same-hostname https-to-http redirect, which
  makes it easier for remote attackers to discover credentials by sniffing the network.
affected:
- package:
    name: requests
    ecosystem: PyPI
    purl: pkg:pypi/requests
  ranges:
  - type: GIT
    repo: https://github.com/requests/requests
    events:
    - introduced: '0'
    - fixed: c45d7c49ea75133e52ab22a8e9e13173938e36ff
  - type: ECOSYSTEM
    events:
    - introduced: '0'
    - fixed: 2.20.0
  versions:
  - 2.18.4
  - 2.19.0
  - 2.19.1
references:
- type: ADVISORY
  url: https://github.com/advisories/GHSA-x84v-xcm2-53pg
aliases:
- CVE-2018-18074
- GHSA-x84v-xcm2-53pg
modified: '2021-06-16T00:03:24.800813Z'
published: '2018-10-09T17:29:00Z'
"""

LAST_AFFECTED = """\
id: PYSEC-2099-1
summary: Path traversal in demo-pkg
affected:
- package: {name: Demo_Pkg, ecosystem: PyPI}
  ranges:
  - type: ECOSYSTEM
    events:
    - introduced: '1.0'
    - last_affected: 1.4.2
severity:
- type: CVSS_V3
  score: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H
"""

TWO_RANGES = """\
id: GHSA-xxxx-yyyy-zzzz
summary: Two vulnerable series
database_specific:
  severity: MODERATE
affected:
- package:
    ecosystem: PyPI
    name: zope.interface
  ranges:
  - type: ECOSYSTEM
    events:
    - introduced: 1.0
    - fixed: 1.5
    - introduced: 2.0
    - fixed: 2.3.1
- package:
    ecosystem: npm
    name: left-pad
  versions: ['1.0']
"""

VERSIONS_ONLY = """\
id: PYSEC-2099-2
details: Only listed versions.
affected:
- package:
    name: oldlib
    ecosystem: PyPI
  versions:
  - 2.10
  - 2.9
"""


def test_requests_2_19_0_is_affected_by_pysec_2018_28() -> None:
    advisory = parse_osv_yaml(REQUESTS)
    assert advisory.id == "PYSEC-2018-28"
    assert advisory.aliases == ("CVE-2018-18074", "GHSA-x84v-xcm2-53pg")
    assert advisory.packages == frozenset({"requests"})
    assert advisory.url == "https://github.com/advisories/GHSA-x84v-xcm2-53pg"
    assert advisory.summary.startswith("The Requests package before 2.20.0 for Python sends")
    assert affects(advisory, "requests", "2.19.0")
    assert affects(advisory, "Requests", "2.0.0")  # from the range, not in the short list
    assert fixed_versions(advisory, "requests") == ("2.20.0",)


def test_the_fixed_version_and_later_are_not_affected() -> None:
    advisory = parse_osv_yaml(REQUESTS)
    assert affects(advisory, "requests", "2.20.0rc1")  # a pre-release of the fix comes before it
    assert not affects(advisory, "requests", "2.20.0")
    assert not affects(advisory, "requests", "2.31.0")
    assert not affects(advisory, "urllib3", "1.0")


def test_no_severity_counts_as_high_with_a_note() -> None:
    advisory = parse_osv_yaml(REQUESTS)
    assert (advisory.severity, advisory.severity_source) == ("high", NO_SEVERITY_NOTE)
    assert NO_SEVERITY_NOTE == "the advisory gives no severity: counted as high"


def test_last_affected_is_inclusive_and_cvss_vector_gives_severity() -> None:
    advisory = parse_osv_yaml(LAST_AFFECTED)
    assert [affects(advisory, "demo-pkg", v) for v in ("0.9", "1.0", "1.4.2", "1.4.3")] == [
        False,
        True,
        True,
        False,
    ]
    assert advisory.severity == "critical"
    assert advisory.severity_source == "CVSS 9.8 (CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H)"
    assert fixed_versions(advisory, "demo-pkg") == ()


def test_several_ranges_database_severity_and_other_ecosystems() -> None:
    advisory = parse_osv_yaml(TWO_RANGES)
    results = {
        v: affects(advisory, "zope-interface", v) for v in ("0.5", "1.2", "1.5", "2.1", "2.3.1")
    }
    assert results == {"0.5": False, "1.2": True, "1.5": False, "2.1": True, "2.3.1": False}
    assert (advisory.severity, advisory.severity_source) == ("medium", "database severity MODERATE")
    assert advisory.packages == frozenset({"zope-interface"})  # the npm entry is left out
    assert fixed_versions(advisory, "ZOPE_interface") == ("1.5", "2.3.1")


def test_explicit_versions_stay_strings_and_compare_as_versions() -> None:
    advisory = parse_osv_yaml(VERSIONS_ONLY)
    assert advisory.affected[0].versions == frozenset({"2.10", "2.9"})
    assert affects(advisory, "oldlib", "2.10")
    assert affects(advisory, "oldlib", "2.10.0")
    assert not affects(advisory, "oldlib", "2.1")
    assert advisory.summary == "Only listed versions."


def test_withdrawn_advisories_affect_nothing() -> None:
    advisory = parse_osv_yaml(REQUESTS + "withdrawn: '2022-01-01T00:00:00Z'\n")
    assert not affects(advisory, "requests", "2.19.0")


def test_json_records_and_matching() -> None:
    record = (
        '{"id": "PYSEC-2099-3", "summary": "x", "affected": [{"package": {"name": "PyYAML",'
        ' "ecosystem": "PyPI"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"},'
        ' {"fixed": "5.4"}]}]}], "severity": [{"type": "CVSS_V2", "score":'
        ' "AV:N/AC:L/Au:N/C:P/I:P/A:P"}]}'
    )
    advisory = parse_osv_json(record)
    assert advisory.severity == "high"
    assert advisory.severity_source == "CVSS 7.5 (AV:N/AC:L/Au:N/C:P/I:P/A:P)"
    found = matching([advisory, parse_osv_yaml(REQUESTS)], "pyyaml", "5.3.1")
    assert [a.id for a in found] == ["PYSEC-2099-3"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id: [unclosed", "invalid YAML: "),
        ("summary: no id\n", "not an OSV record (no id)"),
        ("- a list\n", "not an OSV record (no id)"),
    ],
)
def test_malformed_records_raise_value_error(text: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_osv_yaml(text)
    assert str(info.value).startswith(message)


def test_normalize_name_follows_pep_503() -> None:
    assert normalize_name("Zope.Interface") == "zope-interface"
    assert normalize_name("ruamel__yaml") == "ruamel-yaml"
    assert normalize_name("PyYAML") == "pyyaml"


@pytest.mark.parametrize(
    ("vector", "score", "level"),
    [
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, "critical"),
        ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9, "critical"),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5, "high"),
        ("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8, "high"),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, "medium"),
        ("CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", 5.9, "medium"),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", 5.3, "medium"),
        ("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.6, "low"),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0, "none"),
    ],
)
def test_cvss3_base_scores(vector: str, score: float, level: str) -> None:
    assert cvss3_base_score(vector) == score
    assert rating(score) == level


def test_cvss2_base_scores_and_bad_vectors() -> None:
    assert cvss2_base_score("AV:N/AC:M/Au:N/C:N/I:P/A:N") == 4.3
    assert cvss2_base_score("AV:N/AC:L/Au:N/C:C/I:C/A:C") == 10.0
    assert rating(10.0, version=2) == "high"
    with pytest.raises(ValueError) as info:
        cvss3_base_score("CVSS:3.1/AV:N/AC:L")
    assert str(info.value) == "missing or unknown CVSS v3 metric 'S' in 'CVSS:3.1/AV:N/AC:L'"
