"""upload-artifact / download-artifact v4 within one run (real files)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from shipyard.actions.artifacts import DownloadArtifact, UploadArtifact
from shipyard.actions.base import ActionFailed
from shipyard.testing.fake_services import FakeServices, services_in

CONFLICT = (
    "Failed to CreateArtifact: Received non-retryable error: Failed request: (409) Conflict: "
    "an artifact with this name already exists on the workflow run"
)


def job(root: Path, name: str) -> FakeServices:
    env = {
        "HOME": str(root / "home"),
        "PATH": "/usr/bin:/bin",
        "GITHUB_RUN_ID": "7",
        "GITHUB_REPOSITORY": "octo/app",
    }
    return services_in(root / name, run_dir=root / "run", job=name, env=env)


def write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)


def stored(root: Path, name: str) -> list[str]:
    files = root / "run" / "artifacts" / name / "files"
    return sorted(str(p.relative_to(files)) for p in files.rglob("*") if p.is_file())


def upload(services: FakeServices, **inputs: str) -> None:
    UploadArtifact().main(services, inputs)


def failed(services: FakeServices, action: object, **inputs: str) -> str:
    with pytest.raises(ActionFailed) as caught:
        action.main(services, inputs)  # type: ignore[attr-defined]
    return str(caught.value)


def test_root_is_the_least_common_ancestor(tmp_path: Path) -> None:
    build = job(tmp_path, "build")
    write(
        build.workspace,
        {
            "dist/a.whl": "a",
            "dist/b.tar.gz": "b",
            "reports/x/junit.xml": "j",
            "reports/x/.coverage": "c",
            "dist/.hidden/h": "h",
        },
    )
    upload(build, name="dist", path="dist/")
    assert stored(tmp_path, "dist") == ["a.whl", "b.tar.gz"]
    upload(build, name="mixed", path="dist/*.whl\nreports/x/")
    assert stored(tmp_path, "mixed") == ["dist/a.whl", "reports/x/junit.xml"]
    upload(build, name="single", path="reports/x/junit.xml")
    assert stored(tmp_path, "single") == ["junit.xml"]
    upload(build, name="hidden", path="reports/", **{"include-hidden-files": "true"})
    assert stored(tmp_path, "hidden") == ["x/.coverage", "x/junit.xml"]
    upload(build, name="excluded", path="dist\n!dist/*.gz")
    assert stored(tmp_path, "excluded") == ["a.whl"]
    digest = hashlib.sha256()
    for rel, text in (("a.whl", "a"), ("b.tar.gz", "b")):
        digest.update(f"{rel}\0{hashlib.sha256(text.encode()).hexdigest()}\n".encode())
    assert build.outputs["artifact-id"] == "5"
    assert build.outputs["artifact-url"] == (tmp_path / "run/artifacts/excluded").as_uri()
    upload(build, name="dist2", path="dist")
    assert build.outputs["artifact-digest"] == digest.hexdigest()
    assert build.lines[-2] == (
        "Artifact dist2 has been successfully uploaded! Final size is 2 bytes. Artifact ID is 6"
    )


def test_conflicts_overwrite_and_no_files(tmp_path: Path) -> None:
    build = job(tmp_path, "build")
    write(build.workspace, {"out/a.txt": "1"})
    upload(build, path="out")
    assert failed(build, UploadArtifact(), path="out") == CONFLICT
    write(build.workspace, {"out/b.txt": "2"})
    upload(build, path="out", overwrite="true")
    assert stored(tmp_path, "artifact") == ["a.txt", "b.txt"]
    upload(build, name="none", path="missing/*")
    assert build.warnings == [
        "No files were found with the provided path: missing/*. No artifacts will be uploaded."
    ]
    message = "No files were found with the provided path: missing. No artifacts will be uploaded."
    assert failed(build, UploadArtifact(), path="missing", **{"if-no-files-found": "error"}) == (
        message
    )
    upload(build, path="missing", **{"if-no-files-found": "ignore"})
    assert build.lines[-1] == message and len(build.warnings) == 1
    assert failed(build, UploadArtifact(), path="out", **{"if-no-files-found": "fail"}) == (
        "Unrecognized if-no-files-found input. Provided: fail. Available options: warn,error,ignore"
    )
    assert failed(build, UploadArtifact(), path="out", **{"compression-level": "10"}) == (
        "Invalid compression-level. Valid values are 0-9"
    )
    assert failed(build, UploadArtifact(), name="a/b", path="out").startswith(
        "The artifact name is not valid: a/b. Contains the following character:  Forward slash /"
    )


def test_download_single_all_pattern_merge(tmp_path: Path) -> None:
    for name in ("wheels-linux", "wheels-mac", "docs"):
        build = job(tmp_path, name)
        write(build.workspace, {f"out/{name}.txt": name, "out/common.txt": name})
        upload(build, name=name, path="out")
    get = job(tmp_path, "get")
    DownloadArtifact().main(get, {"name": "docs"})
    assert sorted(p.name for p in get.workspace.iterdir()) == ["common.txt", "docs.txt"]
    assert get.outputs == {"download-path": str(get.workspace)}
    DownloadArtifact().main(get, {"path": "all"})
    assert sorted(p.name for p in (get.workspace / "all").iterdir()) == [
        "docs",
        "wheels-linux",
        "wheels-mac",
    ]
    DownloadArtifact().main(
        get, {"path": "~/merged", "pattern": "wheels-*", "merge-multiple": "true"}
    )
    merged = tmp_path / "home" / "merged"
    assert sorted(p.name for p in merged.iterdir()) == [
        "common.txt",
        "wheels-linux.txt",
        "wheels-mac.txt",
    ]
    assert get.outputs["download-path"] == str(merged)
    assert "- wheels-linux (ID: 1, Size: 24)" in get.lines
    DownloadArtifact().main(get, {"path": "ids", "artifact-ids": "3"})
    assert [p.name for p in (get.workspace / "ids").iterdir()] == ["docs"]
    DownloadArtifact().main(get, {"path": "brace", "pattern": "{docs,nope}"})
    assert [p.name for p in (get.workspace / "brace").iterdir()] == ["docs"]


def test_download_errors(tmp_path: Path) -> None:
    get = job(tmp_path, "get")
    assert failed(get, DownloadArtifact(), name="missing") == (
        "Unable to download artifact(s): Artifact not found for name: missing\n"
        "  hint: artifacts uploaded so far in this run: none"
    )
    assert failed(get, DownloadArtifact(), **{"run-id": "99", "github-token": "t"}).startswith(
        "Unable to download artifact(s): artifacts of run 99 cannot be downloaded offline"
    )
    DownloadArtifact().main(get, {"run-id": "7", "repository": "Octo/App", "pattern": "x*"})
    assert get.outputs == {}  # nothing matched: the real action sets no output
