"""Which ``uses:`` have a built-in local equivalent."""

from __future__ import annotations

import pytest

from shipyard.actions.base import has_post
from shipyard.actions.cache import Cache, CacheRestore, CacheSave
from shipyard.actions.checkout import Checkout
from shipyard.actions.download import DownloadArtifact
from shipyard.actions.registry import KNOWN_BUILTINS, builtin_action, builtin_name, major_version
from shipyard.actions.setup_python import SetupPython


@pytest.mark.parametrize(
    ("uses", "name"),
    [
        ("actions/checkout@v4", "actions/checkout"),
        ("Actions/Checkout@v4", "actions/checkout"),
        ("actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683", "actions/checkout"),
        ("actions/setup-python@main", "actions/setup-python"),
        ("astral-sh/setup-uv@v6", "astral-sh/setup-uv"),
        ("actions/cache/restore@v4", "actions/cache/restore"),
        ("actions/cache/save@v4", "actions/cache/save"),
        ("actions/cache@v4", "actions/cache"),
        ("actions/upload-artifact@v4", "actions/upload-artifact"),
        ("actions/download-artifact@v5", "actions/download-artifact"),
        ("actions/checkout", None),  # no ref
        ("./.github/actions/setup", None),
        ("docker://alpine:3", None),
        ("actions/setup-node@v4", None),
        ("actions/cache/other@v4", None),
        ("someone/checkout@v4", None),
    ],
)
def test_builtin_names(uses: str, name: str | None) -> None:
    assert builtin_name(uses) == name
    assert (builtin_action(uses) is None) is (name is None)


def test_action_kinds_and_posts() -> None:
    assert isinstance(builtin_action("actions/checkout@v4"), Checkout)
    assert isinstance(builtin_action("actions/setup-python@v5"), SetupPython)
    assert isinstance(builtin_action("actions/cache@v4"), Cache)
    assert isinstance(builtin_action("actions/cache/restore@v4"), CacheRestore)
    assert isinstance(builtin_action("actions/cache/save@v4"), CacheSave)
    assert has_post(builtin_action("actions/cache@v4"))
    assert not has_post(builtin_action("actions/cache/restore@v4"))
    assert not has_post(builtin_action("actions/upload-artifact@v4"))
    assert getattr(builtin_action("actions/cache@v4"), "post_if", None) == "success()"
    assert "actions/checkout" in KNOWN_BUILTINS and len(KNOWN_BUILTINS) == 8


@pytest.mark.parametrize(
    ("ref", "major"),
    [
        ("v4", 4),
        ("v4.1.7", 4),
        ("v5.0", 5),
        ("12", 12),
        ("main", None),
        ("v4-beta", None),
        ("fa0a91b85d4f404e444e00e005971372dc801d16", None),
    ],
)
def test_major_versions(ref: str, major: int | None) -> None:
    assert major_version(ref) == major


def test_download_artifact_gets_the_refs_major_version() -> None:
    for uses, major in (
        ("actions/download-artifact@v4", 4),
        ("actions/download-artifact@v4.3.0", 4),
        ("Actions/Download-Artifact@v5", 5),
        ("actions/download-artifact@main", None),
        ("actions/download-artifact@634f93cb2916e3fdff6788551b99b062d0335ce0", None),
    ):
        action = builtin_action(uses)
        assert isinstance(action, DownloadArtifact)
        assert action.major == major, uses
