"""actions/setup-python over fake interpreter trees (pyenv folders, PATH, version files)."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path

import pytest

from shipyard.actions.base import ActionFailed
from shipyard.actions.pythons import host_arch
from shipyard.actions.setup_python import SetupPython
from shipyard.testing.fake_services import FakeServices, services_in

ARCH = host_arch()
PYENV = ["3.11.2", "3.11.7", "3.12.1", "3.13.0t", "3.14.0b2", "3.10.13", "pypy3.10-7.3.15", "venv1"]


def fake_python(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\necho '{text}' \"$@\"\n")
    path.chmod(0o755)


@pytest.fixture
def services(tmp_path: Path) -> FakeServices:
    pyenv = tmp_path / "pyenv"
    for name in PYENV:
        binary = "pypy3" if name.startswith("pypy") else "python"
        fake_python(pyenv / "versions" / name / "bin" / binary, f"python {name}")
    probe = f"CPython\\t3.9.18\\t\\t{tmp_path}/opt/py39\\t{platform.machine()}\\t64\\t\\n"
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "python3.9").write_text(f"#!/bin/sh\nprintf '{probe}'\n")
    (tmp_path / "bin" / "python3.9").chmod(0o755)
    fake_python(tmp_path / "shims" / "python3.8", "a pyenv shim: never asked")
    env = {
        "PATH": f"{tmp_path}/shims:{tmp_path}/bin:/usr/bin:/bin",
        "HOME": str(tmp_path / "home"),
        "PYENV_ROOT": str(pyenv),
    }
    return services_in(tmp_path / "job", env=env)


def run(services: FakeServices, **inputs: str) -> None:
    SetupPython(system_bin=()).main(services, inputs)


def failed(services: FakeServices, **inputs: str) -> str:
    with pytest.raises(ActionFailed) as caught:
        run(services, **inputs)
    return str(caught.value)


def test_minor_version_picks_newest_patch_and_sets_the_environment(services: FakeServices) -> None:
    run(services, **{"python-version": "3.11"})
    root = Path(services.env["PYENV_ROOT"]) / "versions" / "3.11.7"
    assert services.outputs == {"python-version": "3.11.7", "python-path": f"{root}/bin/python"}
    for name in ("pythonLocation", "Python_ROOT_DIR", "Python2_ROOT_DIR", "Python3_ROOT_DIR"):
        assert services.exported[name] == str(root)
    assert services.exported["PKG_CONFIG_PATH"] == f"{root}/lib/pkgconfig"
    assert services.exported["LD_LIBRARY_PATH"] == f"{root}/lib"
    shim = Path(services.paths[1])
    assert services.paths[0] == f"{root}/bin"
    assert shim.parent == services.tool_cache / "setup-python" / "shims"
    assert os.readlink(shim / "python3.11") == f"{root}/bin/python"
    for command in ("python", "python3", "pip"):
        out = subprocess.run([command, "-V"], env=services.env, capture_output=True, text=True)
        assert out.stdout.split()[:2] == ["python", "3.11.7"]
    pip = subprocess.run(["pip3", "install", "x"], env=services.env, capture_output=True, text=True)
    assert pip.stdout.strip() == "python 3.11.7 -m pip install x"
    assert "Successfully set up CPython (3.11.7)" in services.lines


def test_shim_folder_is_shared(services: FakeServices, tmp_path: Path) -> None:
    run(services, **{"python-version": "3.12"})
    again = services_in(tmp_path / "job2", env={**services.env}, tool_cache=services.tool_cache)
    run(again, **{"python-version": "3.12"})
    assert again.paths[-1] == services.paths[-1]


def test_yaml_float_three_one_is_not_three_ten(services: FakeServices) -> None:
    message = failed(services, **{"python-version": "3.1"})
    assert message.splitlines()[0] == (
        f"The version '3.1' with architecture '{ARCH}' was not found for this operating system."
    )
    assert message.splitlines()[1] == (
        "  hint: YAML reads an unquoted 3.10 as the number 3.1: quote it ('3.10'); installed here: "
        "3.9.18, 3.10.13, 3.11.2, 3.11.7, 3.12.1, 3.13.0t, 3.14.0-beta.2, pypy3.10-7.3.15; "
        "install it with `pyenv install 3.1` or `uv python install 3.1`"
    )


def test_missing_version_never_substituted(services: FakeServices) -> None:
    message = failed(services, **{"python-version": "3.8"})
    assert message.startswith(
        f"The version '3.8' with architecture '{ARCH}' was not found for this operating system.\n"
    )
    assert failed(services, **{"python-version": "3.11", "architecture": "x86"}).startswith(
        "The version '3.11' with architecture 'x86' was not found for this operating system."
    )


def test_free_threaded(services: FakeServices) -> None:
    run(services, **{"python-version": "3.13t"})
    assert services.outputs["python-version"] == "3.13.0t"
    message = failed(services, **{"python-version": "3.13"})
    assert message.startswith("The version '3.13' with architecture")
    message = failed(services, **{"python-version": "3.12", "freethreaded": "true"})
    assert message.splitlines()[:2] == [
        f"The version '3.12' with architecture '{ARCH}-freethreaded' was not found for this "
        "operating system.",
        "Free threaded versions are only available for Python 3.13.0 and later.",
    ]


def test_prereleases(services: FakeServices) -> None:
    assert failed(services, **{"python-version": "3.14"}).startswith("The version '3.14'")
    run(services, **{"python-version": "3.14", "allow-prereleases": "true"})
    assert services.outputs["python-version"] == "3.14.0-beta.2"
    run(services, **{"python-version": "3.14-dev"})
    run(services, **{"python-version": "3.14.0b2"})
    assert services.outputs["python-version"] == "3.14.0-beta.2"


def test_ranges_and_several_versions(services: FakeServices) -> None:
    run(services, **{"python-version": ">=3.10 <3.12"})
    assert services.outputs["python-version"] == "3.11.7"
    run(services, **{"python-version": "3.x"})
    assert services.outputs["python-version"] == "3.12.1"  # 3.13.0t is free-threaded
    several = services_in(services.workspace.parent / "other", env=dict(services.env))
    run(several, **{"python-version": "3.10\n3.12\n"})
    assert several.outputs["python-version"] == "3.12.1"
    first_on_path = several.env["PATH"].split(":")[0]
    assert "cpython-3.12.1" in first_on_path
    assert len(several.paths) == 4


def test_pypy(services: FakeServices) -> None:
    run(services, **{"python-version": "pypy3.10"})
    assert services.outputs["python-version"] == "pypy7.3.15"
    assert "Successfully set up PyPy 7.3.15 with Python (3.10)" in services.lines
    run(services, **{"python-version": "pypy-3.10-v7.3.x"})
    message = failed(services, **{"python-version": "pypy3.9"})
    assert message.splitlines()[0] == f"PyPy version 3.9 (x) with arch {ARCH} not found"
    assert failed(services, **{"python-version": "pypy3"}) == (
        "Invalid format of Python version for PyPy. Python version should be specified in "
        "format 'x.y'. See README for examples and documentation."
    )


def test_interpreter_found_on_path(services: FakeServices, tmp_path: Path) -> None:
    run(services, **{"python-version": "3.9"})
    assert services.outputs == {
        "python-version": "3.9.18",
        "python-path": f"{tmp_path}/bin/python3.9",
    }
    assert services.exported["pythonLocation"] == f"{tmp_path}/opt/py39"


def test_update_environment_false(services: FakeServices) -> None:
    run(services, **{"python-version": "3.12", "update-environment": "false"})
    assert services.outputs["python-version"] == "3.12.1"
    assert services.paths == [] and services.exported == {}


def test_version_files(services: FakeServices) -> None:
    ws = services.workspace
    assert failed(services, **{"python-version-file": "nope"}) == (
        "The specified python version file at: nope doesn't exist."
    )
    run(services)
    assert services.warnings[-1] == (
        "The `python-version` input is not set.  The version of Python currently in `PATH` "
        "will be used."
    )
    assert "[warning].python-version doesn't exist." in services.lines
    (ws / ".python-version").write_text("# pinned\n3.10\n\n3.11.2 # old\n")
    run(services)
    assert services.outputs["python-version"] == "3.11.2"
    (ws / "pyproject.toml").write_text('[project]\nname = "x"\nrequires-python = ">=3.11,<3.12"\n')
    run(services, **{"python-version-file": "pyproject.toml"})
    assert services.outputs["python-version"] == "3.11.7"
    assert "Extracted >=3.11,<3.12 from pyproject.toml" in services.lines
    (ws / ".tool-versions").write_text("nodejs 20.1.0\npython 3.12.1\n")
    run(services, **{"python-version-file": ".tool-versions"})
    assert services.outputs["python-version"] == "3.12.1"
    (ws / "Pipfile").write_text('[requires]\npython_version = "3.10"\n')
    run(services, **{"python-version-file": "Pipfile", "python-version": "3.11.2"})
    assert services.outputs["python-version"] == "3.11.2"
    assert services.warnings[-1] == (
        "Both python-version and python-version-file inputs are specified, only python-version "
        "will be used."
    )


def test_pip_cache(services: FakeServices) -> None:
    assert failed(services, **{"python-version": "3.12", "cache": "pip"}) == (
        f"No file in {services.workspace} matched to [**/requirements.txt or "
        "**/pyproject.toml], make sure you have checked out the target repository"
    )
    assert failed(services, **{"python-version": "3.12", "cache": "conda"}) == (
        "Caching for 'conda' is not supported"
    )
    (services.workspace / "requirements.txt").write_text("requests\n")
    action = SetupPython(system_bin=())
    action.main(services, {"python-version": "3.12", "cache": "pip"})
    folder = Path(services.exported["PIP_CACHE_DIR"])
    assert folder.parent.parent.parent == services.info.data_dir / "caches"
    assert services.outputs["cache-hit"] == "false"
    post = services.post_services()
    with pytest.raises(ActionFailed) as caught:
        action.post(post, {})
    assert str(caught.value).startswith(
        f"Cache folder path is retrieved for pip but doesn't exist on disk: {folder}."
    )
    folder.mkdir(parents=True)
    action.post(post, {})
    key = services.saved_state["cache-primary-key"]
    assert key.startswith("setup-python-Linux-python-3.12.1-pip-")
    assert post.lines[-1] == f"Cache saved with the key: {key}"
    again = services_in(
        services.workspace.parent / "again",
        env=dict(services.env),
        data_dir=services.info.data_dir,
        repo=services.info.repo,
    )
    (again.workspace / "requirements.txt").write_text("requests\n")
    action.main(again, {"python-version": "3.12", "cache": "pip"})
    assert again.outputs["cache-hit"] == "true"
    action.post(again.post_services(), {})
    assert f"Cache restored from key: {key}" in again.lines
