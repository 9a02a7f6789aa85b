"""The Python interpreters installed on this machine, for ``actions/setup-python``.

Owns discovery, in this order (the first one found wins a tie on version):

1. pyenv: ``$PYENV_ROOT/versions/<name>`` (default ``~/.pyenv/versions``), the version
   read from the folder name (``3.11.7``, ``3.13.0t``, ``3.14.0b2``, ``pypy3.10-7.3.15``);
   other names (virtualenvs, conda, ``3.14-dev``) are skipped;
2. uv-managed: ``$UV_PYTHON_INSTALL_DIR`` or ``$XDG_DATA_HOME/uv/python`` (default
   ``~/.local/share/uv/python``), from folder names
   (``cpython-3.13.0+freethreaded-linux-x86_64-gnu``);
3. ``python3``, ``python3.X``, ``python3.Xt`` and ``pypy3*`` on ``PATH`` and in
   ``/usr/local/bin`` and ``/usr/bin``, asked for their version (one process each,
   remembered while the file is unchanged). pyenv shims, virtual environments and the
   folders given as ``skip`` (setup-python's own shims) are left out.

Versions are written as the actions/python-versions manifest writes them (``3.11.7``,
``3.14.0-beta.2``, ``3.13.0-rc.1``), which is what setup-python matches ranges against
and prints.
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from shipyard.actions.versions import Version, parse_version
from shipyard.valueclass import dataclass

_PRE = {"a": "alpha", "b": "beta", "rc": "rc"}
_CPYTHON = re.compile(r"(\d+\.\d+\.\d+)(?:(a|b|rc)(\d+))?(t)?")
_PYPY = re.compile(r"pypy(\d+\.\d+)-v?(\d+\.\d+\.\d+)")
_UV = re.compile(
    r"(cpython|pypy)-(\d+\.\d+\.\d+)(?:(a|b|rc)(\d+))?(\+freethreaded)?(?:\+\w+)*-[^-]+-([^-]+)-.*"
)
_ON_PATH = re.compile(r"python3(?:\.\d+t?)?|pypy3(?:\.\d+)?")
_ARCH = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64", "i686": "x86"}
_SYSTEM_PREFIXES = ("/usr", "/usr/local", "/")
_PROBE = (
    "import sys, platform, struct, sysconfig\n"
    "v = sys.version_info\n"
    "pre = {'alpha': 'alpha', 'beta': 'beta', 'candidate': 'rc'}.get(v[3], '')\n"
    "ver = '%d.%d.%d' % (v[0], v[1], v[2]) + ('-%s.%d' % (pre, v[4]) if pre else '')\n"
    "impl = platform.python_implementation()\n"
    "pypy = impl == 'PyPy' and '%d.%d.%d' % sys.pypy_version_info[:3] or ''\n"
    "ft = sysconfig.get_config_var('Py_GIL_DISABLED') and '1' or ''\n"
    "base = getattr(sys, 'base_prefix', sys.prefix)\n"
    "bits = str(struct.calcsize('P') * 8)\n"
    "print('\\t'.join([impl, ver, ft, base, platform.machine(), bits, pypy]))\n"
)


@dataclass(frozen=True, slots=True)
class Interpreter:
    """One installed interpreter."""

    executable: Path
    prefix: Path  # the installation folder (``pythonLocation``)
    version: str  # manifest style: 3.11.7, 3.14.0-beta.2
    implementation: str  # "CPython" or "PyPy"
    freethreaded: bool
    arch: str  # x64, arm64, x86
    source: str  # "pyenv", "uv" or "PATH"
    pypy_version: str = ""

    @property
    def semver(self) -> Version:
        """The version as a :class:`Version` (0.0.0 when unreadable)."""
        return parse_version(self.version) or Version(0, 0, 0)

    @property
    def system(self) -> bool:
        """Whether it lives in a system prefix (``/usr``), whose ``bin`` is not put first."""
        return str(self.prefix) in _SYSTEM_PREFIXES


def host_arch() -> str:
    """This machine's architecture in setup-python's words (``x64``, ``arm64``)."""
    machine = platform.machine().lower()
    return _ARCH.get(machine, machine)


def manifest_version(version: str, pre: str | None = None, number: str | None = None) -> str:
    """``3.14.0`` + ``b``/``2`` -> ``3.14.0-beta.2``."""
    return f"{version}-{_PRE[pre]}.{number}" if pre and number else version


SYSTEM_BIN = ("/usr/local/bin", "/usr/bin")


def find_interpreters(
    env: Mapping[str, str], skip: Iterable[Path] = (), system_bin: Iterable[str] = SYSTEM_BIN
) -> list[Interpreter]:
    """Every interpreter found (see the module docstring), without duplicates.

    ``system_bin`` are the folders searched besides ``PATH``.
    """
    found: list[Interpreter] = []
    seen: set[str] = set()
    on_path = _path(env, [str(p) for p in skip], list(system_bin))
    for interpreter in (*_pyenv(env), *_uv(env), *on_path):
        real = os.path.realpath(interpreter.executable)
        if real not in seen:
            seen.add(real)
            found.append(interpreter)
    return found


def _pyenv(env: Mapping[str, str]) -> Iterator[Interpreter]:
    root = Path(env.get("PYENV_ROOT") or Path(_home(env)) / ".pyenv") / "versions"
    for folder in _folders(root):
        cpython, pypy = _CPYTHON.fullmatch(folder.name), _PYPY.fullmatch(folder.name)
        if cpython:
            minor = ".".join(cpython[1].split(".")[:2])
            names: tuple[str, ...] = ("python", "python3", f"python{minor}t", f"python{minor}")
        else:
            names = ("pypy3", "pypy", "python")
        executable = next(
            (folder / "bin" / n for n in names if _runnable(folder / "bin" / n)), None
        )
        if executable is None:
            continue
        if cpython:
            version = manifest_version(cpython[1], cpython[2], cpython[3])
            ft = bool(cpython[4])
            yield Interpreter(executable, folder, version, "CPython", ft, host_arch(), "pyenv")
        elif pypy:
            yield Interpreter(
                executable, folder, pypy[1], "PyPy", False, host_arch(), "pyenv", pypy[2]
            )


def _uv(env: Mapping[str, str]) -> Iterator[Interpreter]:
    data = env.get("XDG_DATA_HOME") or str(Path(_home(env)) / ".local" / "share")
    root = Path(env.get("UV_PYTHON_INSTALL_DIR") or Path(data) / "uv" / "python")
    for folder in _folders(root):
        match = _UV.fullmatch(folder.name)
        executable = folder / "bin" / "python3"
        if match is None or not _runnable(executable):
            continue
        arch = _ARCH.get(match[6].lower(), match[6])
        if match[1] == "pypy":
            probed = probe(executable, "uv")
            if probed is not None:
                yield probed
            continue
        version = manifest_version(match[2], match[3], match[4])
        yield Interpreter(executable, folder, version, "CPython", bool(match[5]), arch, "uv")


def _path(env: Mapping[str, str], skip: list[str], system_bin: list[str]) -> Iterator[Interpreter]:
    pyenv_root = env.get("PYENV_ROOT") or str(Path(_home(env)) / ".pyenv")
    folders = [*env.get("PATH", "").split(os.pathsep), *system_bin]
    for folder in dict.fromkeys(f for f in folders if f):
        if (
            folder.startswith(os.path.join(pyenv_root, "shims"))
            or "shims" in folder.split("/")
            or any(folder.startswith(s) for s in skip)
            or (Path(folder).parent / "pyvenv.cfg").exists()
        ):
            continue
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for name in names:
            if _ON_PATH.fullmatch(name) and _runnable(Path(folder) / name):
                probed = probe(Path(folder) / name, "PATH")
                if probed is not None:
                    yield probed


_PROBED: dict[tuple[str, int, int, str], Interpreter | None] = {}


def probe(executable: Path, source: str) -> Interpreter | None:
    """Ask an interpreter what it is (remembered while its file is unchanged)."""
    try:
        info = executable.stat()
    except OSError:
        return None
    key = (os.path.realpath(executable), info.st_mtime_ns, info.st_size, source)
    if key in _PROBED:
        return _PROBED[key]
    result: Interpreter | None = None
    try:
        proc = subprocess.run(
            [str(executable), "-E", "-s", "-c", _PROBE],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
            env={"PATH": os.defpath, "LC_ALL": "C"},
        )
        fields = proc.stdout.strip("\r\n").split("\t")
        if proc.returncode == 0 and len(fields) == 7:
            impl, version, ft, base, machine, bits, pypy = fields
            arch = _ARCH.get(machine.lower(), machine)
            arch = "x86" if arch == "x64" and bits == "32" else arch
            result = Interpreter(
                executable, Path(base), version, impl, bool(ft), arch, source, pypy
            )
    except (OSError, subprocess.SubprocessError):
        result = None
    _PROBED[key] = result
    return result


def _folders(root: Path) -> list[Path]:
    try:
        return sorted(p for p in root.iterdir() if p.is_dir())
    except OSError:
        return []


def _runnable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def _home(env: Mapping[str, str]) -> str:
    return env.get("HOME") or os.path.expanduser("~")
