"""astral-sh/setup-uv with a fake uv on PATH and a fake ``python -m pip`` for installs."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from shipyard.actions.base import ActionFailed
from shipyard.actions.setup_uv import SetupUv
from shipyard.testing.fake_services import FakeServices, services_in

FAKE_UV = """#!/bin/sh
case "$1" in
  --version) echo "uv {version} (fake 2024-01-01)";;
  venv) mkdir -p "$2/bin"; echo "Creating virtual environment at: $2";;
  python) echo "{root}/fakepython";;
  cache) echo "{root}/uv-cache";;
esac
"""
FAKE_PIP = """#!/bin/sh
# python -m pip install ... --target DIR REQUIREMENT
while [ $# -gt 1 ]; do
  if [ "$1" = "--target" ]; then target="$2"; fi
  shift
done
case "$1" in
  uv==*) version="${1#uv==}";;
  uv) version=0.9.9;;
  *) echo "no such package: $1"; exit 1;;
esac
mkdir -p "$target/bin"
printf '#!/bin/sh\\necho "uv %s"\\n' "$version" > "$target/bin/uv"
chmod +x "$target/bin/uv"
"""


def executable(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)
    return path


@pytest.fixture
def root(tmp_path: Path) -> Path:
    executable(tmp_path / "bin" / "uv", FAKE_UV.format(version="0.5.1", root=tmp_path))
    executable(tmp_path / "fakepython", "#!/bin/sh\necho Python 3.12.1\n")
    executable(tmp_path / "pip-python", FAKE_PIP)
    return tmp_path


def job(root: Path, name: str, *, uv_on_path: bool = True) -> FakeServices:
    path = f"{root}/bin:/usr/bin:/bin" if uv_on_path else "/usr/bin:/bin"
    services = services_in(
        root / name,
        repo=root / "repo",
        data_dir=root / "data",
        tool_cache=root / "toolcache",
        env={"PATH": path, "HOME": str(root / "home")},
    )
    (services.workspace / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    return services


def run(root: Path, services: FakeServices, **inputs: str) -> SetupUv:
    action = SetupUv(python=str(root / "pip-python"))
    action.main(services, inputs)
    return action


def test_uv_on_path(root: Path) -> None:
    services = job(root, "a")
    run(root, services)
    assert services.outputs["uv-version"] == "0.5.1"
    assert services.outputs["uv-path"] == f"{root}/bin/uv"
    assert services.outputs["uvx-path"] == f"{root}/bin/uvx"
    assert services.outputs["python-version"] == "3.12.1"
    assert services.paths == [f"{root}/home/.local/bin"]  # uv itself is already first
    assert services.commands == []
    assert "Successfully installed uv version 0.5.1" in services.lines
    assert (
        "Could not determine uv version from uv.toml or pyproject.toml. Falling back to latest."
        in services.lines
    )


def test_install_once_into_the_tool_cache(root: Path) -> None:
    services = job(root, "a")
    run(root, services, version="0.6.0")
    installed = root / "toolcache" / "uv" / "0.6.0" / "bin" / "uv"
    assert services.outputs["uv-path"] == str(installed)
    assert services.commands[0][:4] == [str(root / "pip-python"), "-m", "pip", "install"]
    assert services.commands[0][-1] == "uv==0.6.0"
    assert services.paths[-1] == str(installed.parent)
    assert not [p for p in (root / "toolcache" / "uv").iterdir() if p.name.startswith(".")]
    later = job(root, "b")
    run(root, later, version="0.6.0")
    assert later.commands == [] and later.outputs["uv-path"] == str(installed)
    ranged = job(root, "c", uv_on_path=False)
    run(root, ranged, version=">=0.6,<0.7")
    assert ranged.outputs["uv-version"] == "0.6.0" and ranged.commands == []


def test_latest_without_any_uv_installs_from_pypi(root: Path) -> None:
    services = job(root, "a", uv_on_path=False)
    run(root, services)
    assert services.commands[0][-1] == "uv"
    assert services.outputs["uv-version"] == "0.9.9"


def test_version_from_pyproject_and_failures(root: Path) -> None:
    services = job(root, "a")
    (services.workspace / "pyproject.toml").write_text(
        '[tool.uv]\nrequired-version = ">=0.5,<0.6"\n'
    )
    run(root, services)
    assert services.outputs["uv-version"] == "0.5.1" and services.commands == []
    with pytest.raises(ActionFailed) as caught:
        run(root, job(root, "b"), version="0.4.0", **{"working-directory": "nope"})
    assert str(caught.value).startswith("ENOENT: no such file or directory, scandir")


def test_environment_python_and_venv(root: Path) -> None:
    services = job(root, "a")
    run(
        root,
        services,
        **{
            "python-version": "3.11",
            "activate-environment": "true",
            "tool-dir": "/opt/tools",
            "tool-bin-dir": "/opt/bin",
        },
    )
    venv = services.workspace / ".venv"
    assert services.exported == {
        "UV_TOOL_BIN_DIR": "/opt/bin",
        "UV_TOOL_DIR": "/opt/tools",
        "UV_PYTHON": "3.11",
        "VIRTUAL_ENV": str(venv),
    }
    assert services.paths == ["/opt/bin", str(venv / "bin")]
    assert services.outputs["venv"] == str(venv) and (venv / "bin").is_dir()
    assert services.outputs["python-version"] == "3.11"
    assert services.commands == [[f"{root}/bin/uv", "venv", str(venv)]]


def test_cache_markers(root: Path) -> None:
    services = job(root, "a")
    (services.workspace / "uv.lock").write_text("lock")
    action = run(root, services, **{"enable-cache": "true"})
    key = services.outputs["cache-key"]
    assert key.endswith("-3.12.1-pruned-" + key.rsplit("-", 1)[1])
    assert services.outputs["cache-hit"] == "false"
    post = services.post_services()
    with pytest.raises(ActionFailed) as caught:
        action.post(post, {})
    assert str(caught.value).startswith(f"Cache path {root}/uv-cache does not exist on disk.")
    (root / "uv-cache").mkdir()
    action.post(post, {})
    assert post.lines == [f"cache saved with key: {key}"]
    again = job(root, "b")
    (again.workspace / "uv.lock").write_text("lock")
    run(root, again)
    assert again.outputs["cache-hit"] == "true" and again.outputs["cache-key"] == key
    off = job(root, "c")
    run(root, off, **{"enable-cache": "false"})
    assert "cache-key" not in off.outputs


def test_parallel_first_jobs_install_uv_once(root: Path) -> None:
    slow = executable(
        root / "slow-python", f'#!/bin/sh\nsleep 0.3\nexec "{root}/pip-python" "$@"\n'
    )
    jobs = [job(root, name, uv_on_path=False) for name in ("a", "b", "c")]
    errors: list[BaseException] = []

    def one(services: FakeServices) -> None:
        try:
            SetupUv(python=str(slow)).main(services, {"version": "0.7.0"})
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=one, args=(services,)) for services in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(len(services.commands) for services in jobs) == [0, 0, 1]
    installed = str(root / "toolcache" / "uv" / "0.7.0" / "bin" / "uv")
    assert {services.outputs["uv-path"] for services in jobs} == {installed}


def test_a_uv_beside_shipyards_interpreter_is_used(root: Path) -> None:
    python = executable(root / "env" / "bin" / "python", "#!/bin/sh\nexit 1\n")
    executable(python.parent / "uv", FAKE_UV.format(version="0.8.2", root=root))
    services = job(root, "a", uv_on_path=False)
    SetupUv(python=str(python)).main(services, {})
    assert services.outputs["uv-path"] == str(python.parent / "uv")
    assert services.outputs["uv-version"] == "0.8.2" and services.commands == []


def test_switches_are_true_only_when_exactly_true(root: Path) -> None:
    """inputs.ts compares these with === "true": other words are false, never an error."""
    for word in ("True", "TRUE", "banana", "yes"):
        off = job(root, f"off-{word}")
        run(root, off, **{"enable-cache": word})
        assert "cache-key" not in off.outputs
    services = job(root, "a")
    (services.workspace / "uv.lock").write_text("lock")
    action = run(root, services, **{"enable-cache": "true", "prune-cache": "True"})
    key = services.outputs["cache-key"]
    assert "-pruned" not in key
    (root / "uv-cache").mkdir()
    action.post(services.post_services(), {})
    again = job(root, "b")
    (again.workspace / "uv.lock").write_text("lock")
    run(root, again, **{"prune-cache": "false", "restore-cache": "True"})
    assert again.outputs["cache-key"] == key and again.outputs["cache-hit"] == "false"
    unsaved = job(root, "c")
    (unsaved.workspace / "uv.lock").write_text("lock2")
    action = run(root, unsaved, **{"save-cache": "yes", "cache-python": "maybe"})
    post = unsaved.post_services()
    action.post(post, {})
    assert post.lines == []  # save-cache is false: nothing saved
    (root / "uv-cache").rmdir()
    strict = job(root, "d")
    action = run(root, strict, **{"ignore-nothing-to-cache": "True"})
    with pytest.raises(ActionFailed) as caught:  # not "true": the missing folder fails
        action.post(strict.post_services(), {})
    assert str(caught.value).startswith(f"Cache path {root}/uv-cache does not exist on disk.")
    empty = job(root, "e")
    (empty.workspace / "pyproject.toml").unlink()
    run(root, empty, **{"ignore-empty-workdir": "True", "enable-cache": "false"})
    assert empty.warnings == [
        "Empty workdir detected. This may cause unexpected behavior. "
        "You can enable ignore-empty-workdir to mute this warning."
    ]


def test_activate_environment_is_a_boolean_input(root: Path) -> None:
    with pytest.raises(ActionFailed) as caught:
        run(root, job(root, "a"), **{"activate-environment": "banana"})
    assert str(caught.value) == (
        'Input does not meet YAML 1.2 "Core Schema" specification: activate-environment\n'
        "Support boolean input list: `true | True | TRUE | false | False | FALSE`"
    )
    services = job(root, "b")
    run(root, services, **{"activate-environment": "True", "venv-path": "env"})
    assert services.outputs["venv"] == str(services.workspace / "env")
    assert services.warnings == []


def test_venv_path_without_activate_environment_warns(root: Path) -> None:
    services = job(root, "a")
    run(root, services, **{"venv-path": "custom-venv"})
    assert services.warnings == ["venv-path is only used when activate-environment is true"]
    assert "venv" not in services.outputs and services.commands == []


@pytest.mark.parametrize("strategy", ["", "highest", "lowest"])
def test_resolution_strategies(root: Path, strategy: str) -> None:
    services = job(root, "a")
    run(root, services, **{"resolution-strategy": strategy})
    assert services.outputs["uv-version"] == "0.5.1"


@pytest.mark.parametrize("strategy", ["newest", "Highest"])
def test_an_unknown_resolution_strategy_fails(root: Path, strategy: str) -> None:
    services = job(root, "a")
    with pytest.raises(ActionFailed) as caught:
        run(root, services, **{"resolution-strategy": strategy})
    assert str(caught.value) == (
        f"Invalid resolution-strategy: {strategy}. Must be 'highest' or 'lowest'."
    )
    assert services.lines == []  # inputs.ts throws as it loads, before anything else
