"""actions/setup-python with the machine's real interpreters (skipped where absent)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from shipyard.actions.base import ActionFailed
from shipyard.actions.pythons import find_interpreters
from shipyard.actions.setup_python import _SEED_PROBE, SetupPython
from shipyard.testing.fake_services import FakeServices, services_in

PYENV = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"


def pyenv_versions() -> list[str]:
    try:
        return sorted(p.name for p in PYENV.iterdir() if (p / "bin" / "python").exists())
    except OSError:
        return []


def minor_available(minor: str) -> bool:
    return any(v.startswith(minor + ".") for v in pyenv_versions())


def job(tmp_path: Path) -> FakeServices:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(Path.home()), "PYENV_ROOT": str(PYENV.parent)}
    return services_in(tmp_path, env=env)


def run_python(services: FakeServices, *argv: str) -> str:
    done = subprocess.run(argv, env=dict(services.env), capture_output=True, text=True, check=True)
    return (done.stdout + done.stderr).strip()


@pytest.mark.skipif(not minor_available("3.12"), reason="no pyenv Python 3.12 on this machine")
def test_real_interpreter_first_on_path(tmp_path: Path) -> None:
    services = job(tmp_path)
    SetupPython().main(services, {"python-version": "3.12"})
    version = services.outputs["python-version"]
    assert version.startswith("3.12.")
    assert run_python(services, "python", "-c", "import sys; print(sys.version.split()[0])") == (
        version
    )
    assert run_python(services, "python3", "-V") == f"Python {version}"
    assert "python 3.12" in run_python(services, "pip", "--version")
    base = run_python(services, "python", "-c", "import sys; print(sys.base_prefix)")
    assert base == services.exported["pythonLocation"]


def _base_has(version: str, module: str) -> bool:
    found = [v for v in pyenv_versions() if v.startswith(version + ".")]
    python = PYENV / found[-1] / "bin" / "python" if found else None
    return python is not None and subprocess.run([python, "-c", f"import {module}"]).returncode == 0


@pytest.mark.skipif(
    not _base_has("3.11", "pytest"), reason="needs a pyenv 3.11 with pytest installed into it"
)
def test_the_interpreters_own_packages_do_not_leak_into_the_job(tmp_path: Path) -> None:
    services = job(tmp_path)
    SetupPython().main(services, {"python-version": "3.11"})
    probe = (
        "import importlib.util as u; "
        "print([bool(u.find_spec(m)) for m in ('pytest', 'pip', 'setuptools')])"
    )
    # pytest was installed into the developer's 3.11, not shipped with GitHub's Python: it
    # stays out; pip and (below 3.12) setuptools come with GitHub's builds: they are there
    assert run_python(services, "python", "-c", probe) == "[False, True, True]"
    assert "python 3.11" in run_python(services, "pip", "--version")


@pytest.mark.skipif(not minor_available("3.12"), reason="no pyenv Python 3.12 on this machine")
def test_pip_installs_go_to_a_private_job_environment(tmp_path: Path) -> None:
    services = job(tmp_path)
    SetupPython().main(services, {"python-version": "3.12"})
    prefix = run_python(services, "python", "-c", "import sys; print(sys.prefix)")
    assert prefix != services.exported["pythonLocation"]
    assert prefix.startswith(str(services.temp))
    target = run_python(services, "pip", "--version")
    assert "python 3.12" in target
    site = run_python(
        services, "python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"
    )
    assert site.startswith(prefix)


@pytest.mark.skipif(not minor_available("3.10"), reason="no pyenv Python 3.10 on this machine")
def test_unquoted_three_ten_fails_with_github_message(tmp_path: Path) -> None:
    with pytest.raises(ActionFailed) as caught:
        SetupPython().main(job(tmp_path), {"python-version": "3.1"})
    first, hint = str(caught.value).splitlines()
    assert first.startswith("The version '3.1' with architecture")
    assert hint.startswith("  hint: YAML reads an unquoted 3.10 as the number 3.1")


@pytest.mark.skipif(not os.path.exists("/usr/bin/python3"), reason="no /usr/bin/python3")
def test_system_interpreters_are_probed() -> None:
    found = find_interpreters({"PATH": "/usr/bin", "HOME": "/nonexistent"})
    system = [i for i in found if i.source == "PATH"]
    assert system, "the system python3 is found by asking it"
    argv = ["/usr/bin/python3", "-c", "import platform; print(platform.python_version())"]
    real = subprocess.run(argv, capture_output=True, text=True, check=True).stdout.strip()
    assert real in {i.version for i in system}


def test_seed_probe_finds_packages_with_and_without_a_record(tmp_path: Path) -> None:
    """Some distributions (a Linux distribution's pip) ship no RECORD: the probe copes."""
    site = tmp_path / "site"
    (site / "fakepkg").mkdir(parents=True)
    (site / "fakepkg" / "__init__.py").write_text("")
    (site / "fakepkg-1.0.dist-info").mkdir()
    (site / "fakepkg-1.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: fakepkg\nVersion: 1.0\n"
    )
    out = tmp_path / "out.json"
    subprocess.run(
        [sys.executable, "-c", _SEED_PROBE, str(out), "fakepkg", "no-such-dist"],
        env={**os.environ, "PYTHONPATH": str(site)},
        check=True,
    )
    assert json.loads(out.read_text()) == [[str(site), ["fakepkg", "fakepkg-1.0.dist-info"]]]


def _wheel(folder: Path) -> Path:
    """A minimal pure-Python wheel of a package ``shipyardprobe`` (built by hand: offline)."""
    wheel = folder / "shipyardprobe-1.0-py3-none-any.whl"
    files = {
        "shipyardprobe/__init__.py": "VALUE = 42\n",
        "shipyardprobe-1.0.dist-info/METADATA": (
            "Metadata-Version: 2.1\nName: shipyardprobe\nVersion: 1.0\n"
        ),
        "shipyardprobe-1.0.dist-info/WHEEL": (
            "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        ),
    }
    record = "".join(f"{name},,\n" for name in files) + "shipyardprobe-1.0.dist-info/RECORD,,\n"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
        archive.writestr("shipyardprobe-1.0.dist-info/RECORD", record)
    return wheel


@pytest.mark.skipif(not minor_available("3.11"), reason="no pyenv Python 3.11 on this machine")
def test_pip_install_input_goes_to_the_job_environment(tmp_path: Path) -> None:
    wheel = _wheel(tmp_path)
    services = job(tmp_path)
    SetupPython().main(services, {"python-version": "3.11", "pip-install": f"--no-index {wheel}"})
    assert run_python(services, "python", "-c", "import shipyardprobe as p; print(p.VALUE)") == (
        "42"
    )
    base = Path(services.exported["pythonLocation"]) / "bin" / "python"
    probe = subprocess.run([base, "-c", "import shipyardprobe"], capture_output=True)
    assert probe.returncode != 0  # the developer's interpreter is untouched


@pytest.mark.skipif(not minor_available("3.11"), reason="no pyenv Python 3.11 on this machine")
def test_a_stale_seed_is_linked_again(tmp_path: Path) -> None:
    """The interpreter's pip upgraded after the seed was made: its old dist-info is gone."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(Path.home()), "PYENV_ROOT": str(PYENV.parent)}
    cache = tmp_path / "toolcache"
    first = services_in(tmp_path / "one", env=env, tool_cache=cache)
    SetupPython().main(first, {"python-version": "3.11"})
    (seed,) = (cache / "setup-python" / "seeds").iterdir()
    (seed / "pip-0.0.dist-info").symlink_to(tmp_path / "gone")
    second = services_in(tmp_path / "two", env=env, tool_cache=cache)
    SetupPython().main(second, {"python-version": "3.11"})
    (again,) = (cache / "setup-python" / "seeds").iterdir()
    assert all(link.exists() for link in again.iterdir())
    assert "python 3.11" in run_python(second, "pip", "--version")
