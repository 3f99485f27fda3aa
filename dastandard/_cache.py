"""The per-user cache of work that is the same from one run to the next (see docs/security.md, "The cache").

Where: ``$DASTANDARD_CACHE_DIR`` when set (``off`` or an empty value turns the cache off), else
``$XDG_CACHE_HOME/dastandard``, else ``~/.cache/dastandard``. The folder is created with mode 0700.

What: JSON documents only (``orjson``), never pickles or code, so a cache file that someone else wrote can at worst
change what is checked, never run anything. Even so the cache is used only when the folder is a real folder (not a
symbolic link) owned by the current user and not writable by group or others, and each file is a regular file
owned by the current user; otherwise it is ignored, silently, and every run works without it.

How: ``read(name, key)`` gives the stored document or None (missing, unreadable, corrupt, or stored for another
key); ``write(name, key, document)`` replaces the file atomically (a temporary file in the same folder, renamed)
and ignores every OSError. ``name`` is the file (``fhirpath.json``, ``packages/<digest>.json``); ``key`` is
everything the content depends on (``toolchain_key()``: the dastandard and Python versions, plus the parser's
version or the content's own hash). A file whose stored key differs is a miss and is rewritten.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from pathlib import Path
from typing import Any

import orjson

from dastandard._version import __version__

ENV_VAR = "DASTANDARD_CACHE_DIR"
_OFF = ("", "off", "0", "none")


def cache_root() -> Path | None:
    """The cache folder (not created here), or None when the cache is turned off."""
    chosen = os.environ.get(ENV_VAR)
    if chosen is not None:
        return None if chosen.strip().lower() in _OFF else Path(chosen).expanduser()
    base = os.environ.get("XDG_CACHE_HOME")
    if not base or not Path(base).is_absolute():
        base = str(Path.home() / ".cache")
    return Path(base) / "dastandard"


def _safe_dir(path: Path) -> bool:
    """``path`` is a real folder of this user that nobody else can write to."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    if not hasattr(os, "getuid"):  # Windows: no owner in stat and no mode bits; the profile folder's ACLs apply
        return True
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _folder(name: str, create: bool) -> Path | None:
    """The folder of the file ``name`` when it is safe to use (created 0700 when ``create``), else None."""
    root = cache_root()
    if root is None:
        return None
    sub = name.rpartition("/")[0]
    folders = (root, root / sub) if sub else (root,)
    for folder in folders:
        if create and not os.path.lexists(folder):
            with contextlib.suppress(OSError):
                folder.parent.mkdir(parents=True, exist_ok=True)
                folder.mkdir(mode=0o700)
        if not _safe_dir(folder):
            return None
    return folders[-1]


def cache_file(name: str, create: bool = False) -> Path | None:
    """The path of the cache file ``name`` (``fhirpath.json``, ``packages/<digest>.json``) when the cache is on
    and its folder is safe to use (created 0700 when ``create``), else None."""
    folder = _folder(name, create)
    return None if folder is None else folder / name.rpartition("/")[2]


def toolchain_key(*parts: str) -> str:
    """What every cached document depends on: the dastandard and Python versions, and ``parts``."""
    return "\0".join((__version__, sys.implementation.cache_tag or sys.version, *parts))


def read_file(target: Path) -> bytes | None:
    """The bytes of a cache file that is a regular file of this user (not followed through a link), else None."""
    try:
        fd = os.open(target, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        try:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or (hasattr(os, "getuid") and info.st_uid != os.getuid()):
                return None
            return handle.read()
        except OSError:
            return None


def write_file(target: Path, data: bytes) -> bool:
    """Replace ``target`` with ``data`` atomically (mode 0600); False, with nothing left behind, on any OSError."""
    import tempfile  # loaded on a cache miss only

    try:
        fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=target.parent)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        Path(tmp).replace(target)
        return True
    except OSError:
        return False
    finally:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()


def read(name: str, key: str) -> Any:
    """The document stored as ``name`` under ``key``, or None (no cache, missing, corrupt or another key)."""
    target = cache_file(name)
    data = None if target is None else read_file(target)
    if data is None:
        return None
    try:
        stored = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    if isinstance(stored, dict) and stored.get("key") == key:
        return stored.get("content")
    return None


def write(name: str, key: str, content: Any) -> bool:
    """Store ``content`` as ``name`` under ``key``; False when it cannot be (nothing is raised)."""
    target = cache_file(name, create=True)
    if target is None:
        return False
    try:
        data = orjson.dumps({"key": key, "content": content})
    except TypeError:
        return False
    return write_file(target, data)
