"""Wheel build hook: compiles the validation hot path with Cython, falling back to pure Python.

The modules named by ``compiled`` in ``[tool.hatch.build.targets.wheel.hooks.custom]`` (pyproject.toml) are turned
into C by Cython and built into extension modules, which the wheel ships beside the unchanged ``.py`` files (Python
imports an extension module before a source file of the same name). The C is compiled from the very same source:
``annotation_typing`` is off, so a type hint never becomes a C type or a runtime check, and the compiled code keeps
Python's semantics (see docs/benchmark.md, "Compiled build").

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
        patterns = self.config.get("compiled", [])
        sources = sorted({p.relative_to(root).as_posix() for pattern in patterns for p in root.glob(pattern)})
        if not sources:
            return
        self._work = Path(tempfile.mkdtemp(prefix="dastandard-build-"))
        try:
            built = _compile(root, sources, self._work)
        except Exception as exc:  # no compiler, no Cython, a compile error: the pure-Python wheel still works
            message = f"dastandard: compiling the hot path failed ({type(exc).__name__}: {exc}); building pure Python"
            warnings.warn(message, RuntimeWarning, stacklevel=1)
            self.app.display_warning(message)
            return
        for target, path in built.items():
            build_data["force_include"][str(path)] = target
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        self.app.display_info(f"dastandard: compiled {len(built)} modules with Cython")

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        work = getattr(self, "_work", None)
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)


def _compile(root: Path, sources: list[str], work: Path) -> dict[str, Path]:
    """Build each source (a path relative to ``root``) into an extension module under ``work``; returns the wheel
    path of each built file -> where it is. Raises on any failure."""
    from Cython.Build import cythonize
    from setuptools import Distribution, Extension

    extensions = [Extension(source[: -len(".py")].replace("/", "."), [str(root / source)]) for source in sources]
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
