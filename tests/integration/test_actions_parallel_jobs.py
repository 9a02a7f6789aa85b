"""Parallel jobs sharing the cache store, the run's artifacts and the tool cache."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from shipyard.actions.artifacts import UploadArtifact
from shipyard.actions.base import ActionFailed
from shipyard.actions.cache import Cache, CacheSave
from shipyard.actions.download import DownloadArtifact
from shipyard.actions.setup_uv import SetupUv
from shipyard.testing.fake_services import FakeServices, services_in

JOBS = 4


def job(root: Path, number: int) -> FakeServices:
    services = services_in(
        root / f"job{number}",
        repo=root / "repo",
        data_dir=root / "data",
        run_dir=root / "run",
        tool_cache=root / "toolcache",
        job=f"job{number}",
        env={"PATH": "/usr/bin:/bin", "HOME": str(root / "home")},
    )
    folder = services.workspace / "deps"
    folder.mkdir()
    for index in range(10):
        (folder / f"f{index}.txt").write_text(f"job {number} file {index}\n")
    return services


def test_same_cache_key_saved_by_many_jobs_at_once(tmp_path: Path) -> None:
    jobs = [job(tmp_path, n) for n in range(JOBS)]
    with ThreadPoolExecutor(JOBS) as pool:
        list(pool.map(lambda s: CacheSave().main(s, {"path": "deps", "key": "k"}), jobs))
    saved = [s for s in jobs if "Cache saved with key: k" in s.lines]
    assert len(saved) == 1
    writer = saved[0].info.job_key
    reader = services_in(tmp_path / "reader", repo=tmp_path / "repo", data_dir=tmp_path / "data")
    Cache().main(reader, {"path": "deps", "key": "k"})
    restored = {p.read_text() for p in (reader.workspace / "deps").iterdir()}
    assert len(restored) == 10 and all(t.startswith(f"job {writer[3:]} ") for t in restored)
    assert not [p for p in (tmp_path / "data").rglob(".tmp-*")]


def test_same_artifact_name_uploaded_by_many_jobs_at_once(tmp_path: Path) -> None:
    jobs = [job(tmp_path, n) for n in range(JOBS)]

    def upload(services: FakeServices) -> str:
        try:
            UploadArtifact().main(services, {"name": "deps", "path": "deps"})
        except ActionFailed as error:
            return str(error)
        return "ok"

    with ThreadPoolExecutor(JOBS) as pool:
        results = list(pool.map(upload, jobs))
    assert results.count("ok") == 1
    assert {r for r in results if r != "ok"} == {
        "Failed to CreateArtifact: Received non-retryable error: Failed request: (409) "
        "Conflict: an artifact with this name already exists on the workflow run"
    }
    reader = services_in(tmp_path / "reader", run_dir=tmp_path / "run")
    DownloadArtifact().main(reader, {"name": "deps"})
    assert len(list(reader.workspace.iterdir())) == 10
    assert not [p for p in (tmp_path / "run" / "artifacts").iterdir() if p.name.startswith(".tmp")]


def test_distinct_artifacts_from_matrix_jobs(tmp_path: Path) -> None:
    jobs = [job(tmp_path, n) for n in range(JOBS)]
    with ThreadPoolExecutor(JOBS) as pool:
        list(
            pool.map(
                lambda s: UploadArtifact().main(s, {"name": s.info.job_key, "path": "deps"}), jobs
            )
        )
    ids = sorted(int(s.outputs["artifact-id"]) for s in jobs)
    assert ids == list(range(1, JOBS + 1))


def test_uv_installed_by_two_jobs_at_once(tmp_path: Path) -> None:
    fake = tmp_path / "pip-python"
    fake.write_text(
        '#!/bin/sh\nwhile [ $# -gt 1 ]; do [ "$1" = --target ] && t="$2"; shift; done\n'
        'mkdir -p "$t/bin"; printf \'#!/bin/sh\\necho "uv 0.7.2"\\n\' > "$t/bin/uv"; '
        'chmod +x "$t/bin/uv"\n'
    )
    fake.chmod(0o755)
    jobs = [job(tmp_path, n) for n in range(4)]
    with ThreadPoolExecutor(4) as pool:
        list(
            pool.map(
                lambda s: SetupUv(python=str(fake)).main(
                    s, {"version": "0.7.2", "enable-cache": "false"}
                ),
                jobs,
            )
        )
    assert {s.outputs["uv-path"] for s in jobs} == {str(tmp_path / "toolcache/uv/0.7.2/bin/uv")}
    assert [p.name for p in (tmp_path / "toolcache" / "uv").iterdir()] == ["0.7.2"]


@pytest.mark.skipif(
    not os.environ.get("SHIPYARD_TEST_PYPI"),
    reason="installs uv from PyPI: set SHIPYARD_TEST_PYPI=1 to run it",
)
def test_real_pypi_install_pypi(tmp_path: Path) -> None:  # pragma: no cover
    services = job(tmp_path, 0)
    SetupUv().main(services, {"version": "0.5.0"})
    assert services.outputs["uv-version"] == "0.5.0"
