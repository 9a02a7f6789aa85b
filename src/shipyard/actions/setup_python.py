"""``actions/setup-python``: put an installed interpreter first on ``PATH``, never another one.

Owns the action's main step: which versions are asked for (``python-version``, several
lines for several versions, the last being the default; else ``python-version-file``;
else ``.python-version`` — see :mod:`shipyard.actions.python_files`), choosing among the
interpreters of :mod:`shipyard.actions.pythons` with setup-python's matching (node-semver
ranges, ``3.x``, ``3.13t`` free-threaded, ``3.14-dev``, ``allow-prereleases``,
``pypy3.10[-v7.3.x]``), and the environment it leaves: a shim folder in the tool cache
first on ``PATH`` where ``python``, ``python3``, ``python3.X``, ``pip``, ``pip3`` run the
chosen interpreter, then its ``bin`` folder, and ``pythonLocation``, ``Python_ROOT_DIR``,
``Python2_ROOT_DIR``, ``Python3_ROOT_DIR``, ``PKG_CONFIG_PATH``, ``LD_LIBRARY_PATH`` as the
real action exports them. ``cache:`` is :mod:`shipyard.actions.python_cache`.

Deviations: nothing is downloaded — a version not installed fails with GitHub's message
and a hint saying what is installed and how to install more; ``check-latest`` and
``token`` change nothing; a system interpreter's ``bin`` (``/usr/bin``) and its
``LD_LIBRARY_PATH`` are not put first; ``pip`` in the shim folder is
``python -m pip``. The interpreter is the machine's own, not a fresh copy, but each job
gets an isolated environment over it (:func:`_job_environment`): ``pip install`` lands
there, and of what the developer installed into the interpreter only pip (and setuptools
below 3.12, as GitHub's builds have) shows through.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shlex
import shutil
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from shipyard.actions.base import ActionFailed, StepServices
from shipyard.actions.inputs import failure, read_inputs
from shipyard.actions.python_cache import restore_python_cache, save_python_cache
from shipyard.actions.python_files import resolve_versions
from shipyard.actions.pythons import SYSTEM_BIN, Interpreter, find_interpreters, host_arch
from shipyard.actions.versions import Version, parse_range, parse_version

DEFAULTS = {
    "python-version": "",
    "python-version-file": "",
    "cache": "",
    "architecture": "",
    "check-latest": "false",
    "token": "",
    "cache-dependency-path": "",
    "update-environment": "true",
    "allow-prereleases": "false",
    "freethreaded": "false",
    "pip-version": "",
    "pip-install": "",
}
_PY2 = "The support for python 2.7 was removed on June 19, 2023. Related issue: https://github.com/actions/setup-python/issues/672"
_PYPY_FORMAT = (
    "Invalid 'version' property for PyPy. PyPy version should be specified as "
    "'pypy<python-version>' or 'pypy-<python-version>'. See README for examples and documentation."
)


class SetupPython:
    """The built-in ``actions/setup-python``."""

    post_if = "success()"

    def __init__(self, system_bin: Sequence[str] = SYSTEM_BIN) -> None:
        self._system_bin = tuple(system_bin)

    def main(self, services: StepServices, inputs: Mapping[str, str]) -> None:
        args = read_inputs(services, inputs, DEFAULTS)
        versions = resolve_versions(services, args)
        if not versions:
            services.warning(
                "The `python-version` input is not set.  "
                "The version of Python currently in `PATH` will be used."
            )
            return
        if args.flag("check-latest"):
            services.log("check-latest: nothing is downloaded locally; using what is installed")
        arch = args.get("architecture") or host_arch()
        update = args.flag("update-environment")
        shims = services.tool_cache / "setup-python" / "shims"
        found = find_interpreters(services.env, skip=[shims], system_bin=self._system_bin)
        chosen: Interpreter | None = None
        private: Path | None = None  # the job's environment over the last one chosen
        services.log("##[group]Installed versions")
        for spec in versions:
            if spec.startswith("pypy"):
                chosen = _find_pypy(spec, arch, found)
                services.log(
                    f"Successfully set up PyPy {chosen.pypy_version} with Python ({chosen.version})"
                )
            else:
                if spec.startswith("2"):
                    services.warning(_PY2)
                chosen = _find_cpython(
                    spec, arch, args.flag("allow-prereleases"), args.flag("freethreaded"), found
                )
                services.log(f"Successfully set up CPython ({_output_version(chosen)})")
            if update:
                private = _update_environment(services, chosen, shims)
            services.set_output("python-version", _output_version(chosen))
            services.set_output("python-path", str(chosen.executable))
        services.log("##[endgroup]")
        # pip-version and pip-install change the job's environment, not the interpreter
        python = str(private / "python") if private is not None else None
        if chosen is not None and args.get("pip-version"):
            _install_pip(services, python or str(chosen.executable), args.get("pip-version"))
        if chosen is not None and args.get("pip-install"):
            argv = [
                python or str(chosen.executable),
                "-m",
                "pip",
                "install",
                *shlex.split(args.get("pip-install")),
            ]
            services.log(f"Installing packages: {args.get('pip-install')}")
            if services.exec(argv) != 0:
                raise ActionFailed("Failed to install packages with pip-install")
        if chosen is not None and args.get("cache"):
            restore_python_cache(services, args, _output_version(chosen))

    def post(self, services: StepServices, inputs: Mapping[str, str]) -> None:
        """Save the ``cache:`` entry (the real action's post step)."""
        save_python_cache(services)


def _output_version(chosen: Interpreter) -> str:
    if chosen.implementation == "PyPy":
        return "pypy" + chosen.pypy_version
    return chosen.version + ("t" if chosen.freethreaded else "")


def _desugar(spec: str, allow_pre: bool) -> tuple[str, bool]:
    """setup-python's ``desugarVersion`` and ``pythonVersionToSemantic``: (range, freethreaded)."""
    freethreaded = False
    match = re.fullmatch(r"(\d+\.\d+(?:\.\d+)?(?:(?:a|b|rc)\d*)?)t(-dev)?", spec)
    if match:
        spec, freethreaded = match[1] + (match[2] or ""), True
    spec = re.sub(r"^(\d+)\.(\d+)-dev$", r"~\1.\2.0-0", spec)
    names = {"a": "alpha", "b": "beta", "rc": "rc"}
    spec = re.sub(
        r"(\d+\.\d+\.\d+)(a|b|rc)(\d+)", lambda m: f"{m[1]}-{names[m[2]]}.{m[3]}", spec
    )  # 3.14.0b2 -> 3.14.0-beta.2, as the manifest names it
    if allow_pre:
        spec = re.sub(r"^(\d+)\.(\d+)$", r"~\1.\2.0-0", spec)
    return spec, freethreaded


def _find_cpython(
    spec: str, arch: str, allow_pre: bool, freethreaded: bool, found: list[Interpreter]
) -> Interpreter:
    semantic, ft_spec = _desugar(spec, allow_pre)
    freethreaded = freethreaded or ft_spec
    wanted = parse_range(semantic)
    candidates = [
        i
        for i in found
        if i.implementation == "CPython" and i.arch == arch and i.freethreaded == freethreaded
    ]
    if wanted is not None:
        matching = [i for i in candidates if wanted.satisfied_by(i.semver)]
        if matching:
            best = max(i.semver for i in matching)
            return next(i for i in matching if i.semver == best)
    shown = f"{arch}-freethreaded" if freethreaded else arch
    lines = [
        f"The version '{spec}' with architecture '{shown}' was not found for this operating system."
    ]
    if freethreaded:
        lines.append("Free threaded versions are only available for Python 3.13.0 and later.")
    raise failure("\n".join(lines), _not_found_hint(spec, found))


def _find_pypy(spec: str, arch: str, found: list[Interpreter]) -> Interpreter:
    parts = [p for p in spec.split("-") if p]
    if parts and re.fullmatch(r"pypy.+", parts[0]):
        parts[0:1] = ["pypy", parts[0][4:]]
    if len(parts) < 2 or parts[0] != "pypy":
        raise ActionFailed(_PYPY_FORMAT)
    python_spec = parts[1]
    pypy_spec = "x"
    if len(parts) > 2:
        pypy_spec = re.sub(r"(\d+\.\d+\.\d+)(a|b|rc)(\d*)", r"\1-\2.\3", parts[2])
    python_range, pypy_range = parse_range(python_spec), parse_range(pypy_spec)
    if python_range is None or pypy_range is None:
        raise ActionFailed(
            "Invalid 'version' property for PyPy. Both Python version and PyPy versions "
            "should satisfy SemVer notation. See README for examples and documentation."
        )
    if not re.fullmatch(r"\d+\.\d+", python_spec):
        raise ActionFailed(
            "Invalid format of Python version for PyPy. Python version should be specified "
            "in format 'x.y'. See README for examples and documentation."
        )
    matching = [
        i
        for i in found
        if i.implementation == "PyPy"
        and i.arch == arch
        and python_range.satisfied_by(_loose(i.version))
        and pypy_range.satisfied_by(_loose(i.pypy_version))
    ]
    if not matching:
        raise failure(
            f"PyPy version {python_spec} ({pypy_spec}) with arch {arch} not found",
            _not_found_hint(spec, found),
        )
    return max(matching, key=lambda i: (_loose(i.version), _loose(i.pypy_version)))


def _loose(version: str) -> Version:
    return parse_version(version) or parse_version(version + ".0") or Version(0, 0, 0)


def _not_found_hint(spec: str, found: list[Interpreter]) -> str:
    names = sorted(
        {_output_version(i) for i in found if i.implementation == "CPython"},
        key=lambda v: _loose(v.rstrip("t")),
    )
    names += sorted({f"pypy{i.version}-{i.pypy_version}" for i in found if i.pypy_version})
    listed = ", ".join(names) if names else "none"
    base = spec[4:].lstrip("-").split("-")[0] if spec.startswith("pypy") else spec
    hint = (
        f"installed here: {listed}; install it with `pyenv install {base}` "
        f"or `uv python install {spec if not spec.startswith('pypy') else 'pypy@' + base}`"
    )
    if re.fullmatch(r"\d+\.\d", spec) and any(n.startswith(f"{spec}0.") for n in names):
        hint = f"YAML reads an unquoted {spec}0 as the number {spec}: quote it ('{spec}0'); {hint}"
    return hint


def _update_environment(services: StepServices, chosen: Interpreter, shims: Path) -> Path | None:
    prefix = str(chosen.prefix)
    for name in ("pythonLocation", "Python_ROOT_DIR", "Python2_ROOT_DIR", "Python3_ROOT_DIR"):
        services.export_env(name, prefix)
    services.export_env("PKG_CONFIG_PATH", prefix + "/lib/pkgconfig")
    if not chosen.system:
        library = os.path.join(prefix, "lib")
        current = services.env.get("LD_LIBRARY_PATH", "")
        if library not in current.split(":"):
            services.export_env("LD_LIBRARY_PATH", library + (f":{current}" if current else ""))
        services.add_path(str(chosen.executable.parent))
    services.add_path(str(_shim_folder(shims, chosen)))
    private = _job_environment(services, chosen)
    if private is not None:
        services.add_path(str(private))
    return private


def _job_environment(services: StepServices, chosen: Interpreter) -> Path | None:
    """A job-private virtual environment over ``chosen``; returns its ``bin`` folder.

    The environment is isolated, as a fresh runner's interpreter is: packages the
    developer installed into ``chosen`` do not show through. What GitHub's own builds of
    Python come with does: pip, and setuptools below 3.12 — the interpreter's own copies,
    exposed read-only through a ``.pth`` to a shared seed folder (:func:`_seed_folder`),
    so creating the environment costs ~50 ms (``--without-pip``) and ``pip uninstall pip``
    cannot reach the interpreter's files (they are outside the environment).
    ``pip install`` in a later step installs into this environment, never into the
    developer's interpreter.
    """
    flavour = "t" if chosen.freethreaded else ""
    home = (
        services.temp
        / "setup-python"
        / f"{chosen.implementation.lower()}-{chosen.version}{flavour}"
    )
    bin_dir = home / "bin"
    if not (bin_dir / "python").exists():
        argv = [str(chosen.executable), "-m", "venv", "--without-pip", str(home)]
        if services.exec(argv) != 0 or not (bin_dir / "python").exists():
            services.log(
                f"could not create a private environment over {chosen.executable}: "
                "pip installs in this job go to that interpreter"
            )
            return None
        site = sorted(home.glob("lib/*/site-packages"))
        seed = _seed_folder(services, chosen)
        if site and seed is not None:
            (site[0] / "_shipyard_seed.pth").write_text(f"{seed}\n", encoding="utf-8")
        script = f'#!/bin/sh\nexec {shlex.quote(str(bin_dir / "python"))} -m pip "$@"\n'
        version = _loose(chosen.version)
        for name in ("pip", f"pip{version.major}", f"pip{version.major}.{version.minor}"):
            (bin_dir / name).write_text(script, encoding="utf-8")
            (bin_dir / name).chmod(0o755)
    return bin_dir


# Run by the chosen interpreter: where its seed distributions' top-level names live.
_SEED_PROBE = """\
import importlib.metadata as m, json, sys
found = []
for name in sys.argv[2:]:
    try:
        dist = m.distribution(name)
    except m.PackageNotFoundError:
        continue
    tops = {str(f).split("/")[0] for f in dist.files or ()}
    if not tops:  # no RECORD (some distributions' packaging): the package and its metadata
        tops = set((dist.read_text("top_level.txt") or name).split())
        tops.add(getattr(getattr(dist, "_path", None), "name", ""))
    tops = [t for t in tops if t and t != ".." and not t.endswith(".pth")]
    found.append([str(dist.locate_file("")), sorted(tops)])
with open(sys.argv[1], "w") as out:
    json.dump(found, out)
"""


def _seed_folder(services: StepServices, chosen: Interpreter) -> Path | None:
    """Links to ``chosen``'s pip (and setuptools below 3.12), made once for every job."""
    digest = hashlib.sha256(str(chosen.executable).encode()).hexdigest()[:10]
    version = _loose(chosen.version)
    names = ["pip", *(["setuptools"] if (version.major, version.minor) < (3, 12) else [])]

    def fill(building: Path) -> bool:
        listing = building / "probe.json"
        probe = [str(chosen.executable), "-I", "-c", _SEED_PROBE, str(listing), *names]
        if services.exec(probe) != 0 or not listing.exists():
            return False
        for location, tops in json.loads(listing.read_text(encoding="utf-8")):
            for top in tops:
                target = Path(location) / top
                if target.exists():
                    (building / top).symlink_to(target)
        listing.unlink()
        return True

    folder = services.tool_cache / "setup-python" / "seeds" / f"{chosen.version}-{digest}"
    if folder.is_dir() and not all(link.exists() for link in folder.iterdir()):
        # the interpreter's pip was upgraded since (a new dist-info): link the new one
        stale = folder.with_name(f".stale-{uuid.uuid4().hex}")
        with contextlib.suppress(OSError):  # another job moved it first
            folder.rename(stale)
            shutil.rmtree(stale, ignore_errors=True)  # the links only, never their targets
    return _made_once(folder, fill)


def _shim_folder(shims: Path, chosen: Interpreter) -> Path:
    """The shared shim folder for ``chosen``, made once (atomically) for every job."""
    digest = hashlib.sha256(str(chosen.executable).encode()).hexdigest()[:10]
    flavour = "t" if chosen.freethreaded else ""
    version = _loose(chosen.version)
    major, minor = version.major, f"{version.major}.{version.minor}"

    def fill(building: Path) -> bool:
        pythons = {"python", f"python{major}", f"python{minor}", f"python{minor}{flavour}"}
        if chosen.implementation == "PyPy":
            pythons |= {"pypy", f"pypy{major}", f"pypy{minor}"}
        for name in pythons:
            (building / name).symlink_to(chosen.executable)
        script = f'#!/bin/sh\nexec {shlex.quote(str(chosen.executable))} -m pip "$@"\n'
        for name in ("pip", f"pip{major}", f"pip{minor}"):
            (building / name).write_text(script, encoding="utf-8")
            (building / name).chmod(0o755)
        return True

    name = f"{chosen.implementation.lower()}-{chosen.version}{flavour}-{chosen.arch}-{digest}"
    folder = _made_once(shims / name, fill)
    assert folder is not None  # fill never gives up
    return folder


def _made_once(folder: Path, fill: Callable[[Path], bool]) -> Path | None:
    """``folder``, filled once for every job: built aside, then renamed into place.

    ``fill`` works in a temporary sibling and returns False to give up (nothing is left
    behind, None is returned); the rename is atomic, so concurrent jobs never see a half-made
    folder, and when two build it at once the second one's copy is dropped.
    """
    if folder.is_dir():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    building = folder.parent / f".tmp-{uuid.uuid4().hex}"
    building.mkdir()
    if not fill(building):
        shutil.rmtree(building, ignore_errors=True)
        return None
    try:
        building.rename(folder)
    except OSError:  # another job made it first: theirs is the same
        shutil.rmtree(building, ignore_errors=True)
    return folder


def _install_pip(services: StepServices, python: str, version: str) -> None:
    if not re.fullmatch(r"\d+(\.\d+)?(\.\d+)?", version):
        raise ActionFailed(
            f'Invalid pip-version "{version}". Please specify a version in the format '
            "major[.minor][.patch]."
        )
    services.log(f"pip-version input is specified. Installing pip version {version}")
    argv = [
        python,
        "-m",
        "pip",
        "install",
        "--upgrade",
        f"pip=={version}",
        "--disable-pip-version-check",
        "--no-warn-script-location",
    ]
    if services.exec(argv) != 0:
        raise ActionFailed(f"Failed to install pip version {version}")
