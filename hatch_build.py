"""Wheel build hook: compiles the validation hot path with Cython, falling back to pure Python.

The modules named by ``compiled`` in ``[tool.hatch.build.targets.wheel.hooks.custom]`` (pyproject.toml) are turned
into C by Cython and built into extension modules, which the wheel ships beside the unchanged ``.py`` files (Python
imports an extension module before a source file of the same name). The C is compiled from the very same source:
``annotation_typing`` is off, so a type hint never becomes a C type or a runtime check, and the compiled code keeps
Python's semantics (see docs/benchmark.md, "Compiled build").

One module is written for the build rather than taken from the source tree: ``dastandard/validation/_walks_ahead.py``,
the structure walks of every type the profiled resources reach, which the structure layer otherwise compiles from
the same generator (``dastandard/validation/walk_source.py``) at run time. It is compiled with ``QUICK_FLAGS`` and
shipped with its source; when it cannot be written, the build goes on without it (a warning), since the walks are
then made at run time.

Pure Python is built instead, with a warning and never a failed install, when:
- the build is editable (``pip install -e``): edits to the source must take effect without a rebuild;
- ``DASTANDARD_PURE_PYTHON`` is set to anything but ``""`` or ``0``;
- Cython or setuptools cannot be imported, or there is no working C compiler, or compiling fails for any reason.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

# Cython directives: Python 3 semantics, type hints ignored (no C typing, no extra runtime checks), functions that
# behave like Python functions (introspection, pickling by name).
DIRECTIVES = {"language_level": 3, "annotation_typing": False, "binding": True}
# C compiler flags (GCC and Clang; other compilers keep their defaults): no debug information (smaller wheels, faster
# builds). The generated walks (large code whose time is spent in Python's C API, which optimisation barely speeds:
# within 1% of -O3 in instructions) are optimised less, so they build in a third of the time.
FLAGS = ["-g0"]
QUICK_FLAGS = ["-g0", "-O1"]
AHEAD_WALKS = "dastandard/validation/_walks_ahead.py"
# Run in a fresh interpreter (the build's, which has orjson: see build-system.requires): loads the generator by path,
# since importing the package ``dastandard.validation`` would need every runtime dependency.
_WRITE_WALKS = """
import importlib.util, pathlib, sys
root, out = sys.argv[1], sys.argv[2]
sys.path.insert(0, root)
spec = importlib.util.spec_from_file_location("walk_source", root + "/dastandard/validation/walk_source.py")
module = importlib.util.module_from_spec(spec)
sys.modules["walk_source"] = module
spec.loader.exec_module(module)
module.write_ahead_module(pathlib.Path(out))
"""


class CustomBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        if version == "editable":
            return
        if os.environ.get("DASTANDARD_PURE_PYTHON", "") not in ("", "0"):
            self.app.display_info("dastandard: DASTANDARD_PURE_PYTHON is set; building pure Python")
            return
        root = Path(self.root)
        sources = {name: root / name for name in _matching(root, self.config.get("compiled", []))}
        if not sources:
            return
        self._work = Path(tempfile.mkdtemp(prefix="dastandard-build-"))
        try:
            sources = {AHEAD_WALKS: _write_walks(root, self._work), **sources}  # the largest, started first
        except Exception as exc:  # the walks are then compiled at run time, from the same source
            message = f"dastandard: the structure walks were not written ahead of time ({type(exc).__name__}: {exc})"
            warnings.warn(message, RuntimeWarning, stacklevel=1)
            self.app.display_warning(message)
        try:
            built = _compile(sources, self._work, quick={AHEAD_WALKS})
        except Exception as exc:  # no compiler, no Cython, a compile error: the pure-Python wheel still works
            message = f"dastandard: compiling the hot path failed ({type(exc).__name__}: {exc}); building pure Python"
            warnings.warn(message, RuntimeWarning, stacklevel=1)
            self.app.display_warning(message)
            return
        for target, path in built.items():
            build_data["force_include"][str(path)] = target
        if AHEAD_WALKS in sources:
            build_data["force_include"][str(sources[AHEAD_WALKS])] = AHEAD_WALKS  # its source beside it
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        self.app.display_info(f"dastandard: compiled {len(built)} modules with Cython")

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        work = getattr(self, "_work", None)
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)


def _matching(root: Path, patterns: list[str]) -> list[str]:
    return sorted({p.relative_to(root).as_posix() for pattern in patterns for p in root.glob(pattern)})


def _write_walks(root: Path, work: Path) -> Path:
    """Write ``AHEAD_WALKS`` under ``work`` (in a package tree, so that Cython names the module in full); returns
    its path. Raises on any failure."""
    import subprocess
    import sys

    target = work / "generated" / AHEAD_WALKS
    target.parent.mkdir(parents=True)
    for package in (target.parent, target.parent.parent):
        (package / "__init__.py").touch()
    env = {**os.environ, "DASTANDARD_CACHE_DIR": str(work / "cache")}  # nothing written to the user's cache
    done = subprocess.run(
        [sys.executable, "-c", _WRITE_WALKS, str(root), str(target)], env=env, capture_output=True, timeout=600
    )
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(lines[-1] if lines else f"exit status {done.returncode}")
    return target


def _compile(sources: dict[str, Path], work: Path, quick: set[str] | frozenset[str] = frozenset()) -> dict[str, Path]:
    """Build each source (wheel path -> file) into an extension module under ``work`` (those in ``quick`` with
    ``QUICK_FLAGS``); returns the wheel path of each built file -> where it is. Raises on any failure."""
    from Cython.Build import cythonize
    from setuptools import Distribution, Extension

    posix = os.name == "posix"  # GCC or Clang, which take the flags
    extensions = [
        Extension(
            name[: -len(".py")].replace("/", "."),
            [str(path)],
            extra_compile_args=(QUICK_FLAGS if name in quick else FLAGS) if posix else [],
        )
        for name, path in sources.items()
    ]
    jobs = max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
    modules = cythonize(
        extensions, compiler_directives=DIRECTIVES, build_dir=str(work / "c"), nthreads=jobs, quiet=True
    )
    distribution = Distribution({"name": "dastandard-compiled", "ext_modules": modules})
    command = distribution.get_command_obj("build_ext")
    command.build_lib = str(work / "lib")
    command.build_temp = str(work / "temp")
    command.parallel = jobs
    command.ensure_finalized()
    command.run()
    built: dict[str, Path] = {}
    for extension in modules:
        path = Path(command.get_ext_fullpath(extension.name))
        if not path.is_file():
            raise FileNotFoundError(f"{extension.name} was not built")
        built[str(path.relative_to(work / "lib")).replace(os.sep, "/")] = path
    if len(built) != len(sources):
        raise RuntimeError(f"built {len(built)} of {len(sources)} modules")
    return built
