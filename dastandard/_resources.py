"""Locate the standard's language-neutral artifacts (profiles, rule and mapping definitions, examples).

An installed wheel carries them as package data under ``dastandard/_data/``; a source checkout (or an editable
install) reads them from the repository's top-level folders. Both are reached through ``data_path`` so no
caller needs to know which case applies.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Literal

import orjson

DataFolder = Literal["profiles", "validators", "converters", "examples", "snapshots"]

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def data_path(folder: DataFolder) -> Path:
    """Return the directory that holds ``folder``; raise FileNotFoundError if neither location has it."""
    for candidate in (_PACKAGE_DIR / "_data" / folder, _PACKAGE_DIR.parent / folder):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"dastandard data folder {folder!r} is missing from this installation")


def read_json(folder: DataFolder, relative: str) -> Any:
    """Parse a shipped JSON artifact. Shipped artifacts are trusted: errors propagate unchanged."""
    return orjson.loads((data_path(folder) / relative).read_bytes())
