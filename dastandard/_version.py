"""The package version (re-exported as ``dastandard.__version__``; kept equal to ``pyproject.toml``) and how this
copy was built."""

from __future__ import annotations

import importlib.machinery
import os
from pathlib import Path

__version__ = "0.1.0"


def compiled_modules() -> tuple[str, ...]:
    """The package's modules installed as compiled extension modules (a wheel built by ``hatch_build.py`` with
    Cython), as dotted names, sorted; ``()`` for a pure-Python copy (an editable install, or a build without a C
    compiler). Reads the package folder only; never imports anything."""
    package = Path(__file__).resolve().parent
    suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    found: list[str] = []
    for folder, _dirs, files in os.walk(package):
        for name in files:
            for suffix in suffixes:
                if name.endswith(suffix):
                    relative = (Path(folder) / name[: -len(suffix)]).relative_to(package.parent)
                    found.append(".".join(relative.parts))
                    break
    return tuple(sorted(found))


def build_description() -> str:
    """``compiled (27 modules)`` or ``pure Python``: what ``dastandard --version`` says of this copy."""
    compiled = compiled_modules()
    return f"compiled ({len(compiled)} modules)" if compiled else "pure Python"
