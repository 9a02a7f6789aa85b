"""upload-artifact / download-artifact within one run (real files)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from shipyard.actions.artifacts import UploadArtifact
from shipyard.actions.base import ActionFailed
from shipyard.actions.download import DownloadArtifact
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
    unrecognized = (
        "Unrecognized if-no-files-found input. Provided: fail. Available options: warn,error,ignore"
    )
    # core.setFailed does not stop the action: the upload goes on, the step fails
    assert failed(build, UploadArtifact(), path="out", **{"if-no-files-found": "fail"}) == (
        f"{unrecognized}\n{CONFLICT}"
    )
    assert failed(build, UploadArtifact(), name="x", path="out", **{"if-no-files-found": "f"}) == (
        unrecognized.replace("fail", "f")
    )
    assert stored(tmp_path, "x") == ["a.txt", "b.txt"] and build.outputs["artifact-id"] == "3"
    warned = len(build.warnings)
    assert failed(build, UploadArtifact(), path="none", **{"if-no-files-found": "f"}) == (
        unrecognized.replace("fail", "f")
    )
    assert len(build.warnings) == warned  # no policy: the switch matches no case
    assert failed(build, UploadArtifact(), path="out", **{"compression-level": "10"}) == (
        "Invalid compression-level. Valid values are 0-9"
    )
    assert failed(build, UploadArtifact(), path="out", **{"compression-level": "-1"}) == (
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
    DownloadArtifact().main(get, {"path": "brace", "pattern": "{docs,nope}"})
    assert sorted(p.name for p in (get.workspace / "brace").iterdir()) == [
        "common.txt",
        "docs.txt",
    ]


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


def test_empty_name_fails_the_toolkits_check(tmp_path: Path) -> None:
    """The runner applies the default name only when the input is absent."""
    build = job(tmp_path, "build")
    write(build.workspace, {"out/a.txt": "1"})
    assert failed(build, UploadArtifact(), name="", path="out") == (
        "Provided artifact name input during validation is empty"
    )
    assert failed(build, UploadArtifact(), name="  ", path="out") == (
        "Provided artifact name input during validation is empty"
    )
    assert build.lines == ["With the provided path, there will be 1 file uploaded"] * 2
    upload(build, name="", path="missing")  # no files: no name check
    assert build.warnings == [
        "No files were found with the provided path: missing. No artifacts will be uploaded."
    ]
    upload(build, path="out")  # absent: the default
    assert stored(tmp_path, "artifact") == ["a.txt"]


def test_numbers_are_read_with_parse_int(tmp_path: Path) -> None:
    build = job(tmp_path, "build")
    write(build.workspace, {"out/a.txt": "1"})
    upload(build, name="five", path="out", **{"retention-days": "5d", "compression-level": "9x"})
    assert build.outputs["artifact-id"] == "1"
    # NaN: core.setFailed('Invalid retention-days'), and the upload goes on
    assert failed(build, UploadArtifact(), name="nan", path="out", **{"retention-days": "d5"}) == (
        "Invalid retention-days"
    )
    assert stored(tmp_path, "nan") == ["a.txt"] and build.outputs["artifact-id"] == "2"
    assert failed(
        build,
        UploadArtifact(),
        name="both",
        path="out",
        **{"retention-days": "x", "compression-level": "y"},
    ) == ("Invalid retention-days\nInvalid compression-level")
    assert stored(tmp_path, "both") == ["a.txt"]


def three_artifacts(root: Path) -> FakeServices:
    for name in ("wheels-linux", "wheels-mac", "docs"):
        build = job(root, name)
        write(build.workspace, {f"out/{name}.txt": name})
        upload(build, name=name, path="out")
    return job(root, "get")


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_a_lone_selected_artifact_goes_into_path_from_v5(tmp_path: Path) -> None:
    get = three_artifacts(tmp_path)
    for major, ids, pattern in ((None, "ids-now", "pattern-now"), (5, "ids-5", "pattern-5")):
        DownloadArtifact(major).main(get, {"path": ids, "artifact-ids": "3"})
        assert listing(get.workspace / ids) == ["docs.txt"]
        DownloadArtifact(major).main(get, {"path": pattern, "pattern": "doc*"})
        assert listing(get.workspace / pattern) == ["docs.txt"]
    DownloadArtifact(4).main(get, {"path": "ids-4", "artifact-ids": "3"})
    assert listing(get.workspace / "ids-4") == ["docs/docs.txt"]
    DownloadArtifact(4).main(get, {"path": "pattern-4", "pattern": "doc*"})
    assert listing(get.workspace / "pattern-4") == ["docs/docs.txt"]
    DownloadArtifact(5).main(get, {"path": "two", "artifact-ids": "1, 3"})
    assert listing(get.workspace / "two") == ["docs/docs.txt", "wheels-linux/wheels-linux.txt"]
    assert "Downloading artifacts by ID" in get.lines


def test_artifact_ids_are_read_as_the_action_reads_them(tmp_path: Path) -> None:
    get = three_artifacts(tmp_path)
    prefix = "Unable to download artifact(s): "
    assert failed(get, DownloadArtifact(), **{"artifact-ids": "one"}) == (
        f"{prefix}Invalid artifact ID: 'one'. Must be a number."
    )
    assert failed(get, DownloadArtifact(), **{"artifact-ids": " , "}) == (
        f"{prefix}No valid artifact IDs provided in 'artifact-ids' input"
    )
    assert failed(get, DownloadArtifact(), **{"artifact-ids": "9"}) == (
        f"{prefix}None of the provided artifact IDs were found"
    )
    DownloadArtifact().main(get, {"path": "some", "artifact-ids": "2x,9", "pattern": "docs"})
    assert get.warnings == ["Could not find the following artifact IDs: 9"]
    assert listing(get.workspace / "some") == ["wheels-mac.txt"]  # pattern is not applied
