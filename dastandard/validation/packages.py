"""Profiles from FHIR NPM packages given to ``dastandard validate --ig`` (and ``--profile``), loaded once, cached.

``select(paths, profiles)`` reads each package (``dastandard.fhir.npm``: in memory, hostile tarballs refused) and
makes it the active selection of this process; the profile layer (``profile_checker``) then compiles the packages'
StructureDefinitions, ValueSets and CodeSystems beside the standard's own, and checks every resource against each
``--profile`` URL as if the resource claimed it. The selection is also put in the environment
(``DASTANDARD_VALIDATE_PACKAGES``) so worker processes, forked or spawned, see the same; ``clear()`` ends it.

Cache: each package's conformance resources, reduced to what the profile layer compiles (no narrative; a
StructureDefinition keeps its differential, or when it has none its snapshot without the constraints it inherits),
are stored as one JSON file under ``packages/`` in the per-user cache (``dastandard._cache``: by default
``$XDG_CACHE_HOME/dastandard``), named by the SHA-256 of the package's bytes and the dastandard version. A cache
file that cannot be read or parsed is ignored and rewritten; a cache folder that cannot be written, or that is not
safe to use, only costs the reuse.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from dastandard import __version__, _cache

ENV_VAR = "DASTANDARD_VALIDATE_PACKAGES"
_CACHE_FORMAT = 1
_KEPT_TYPES = frozenset(("StructureDefinition", "ValueSet", "CodeSystem"))
# Fields the profile layer reads, per resource type (everything else is dropped from the cache).
_SD_FIELDS = ("resourceType", "id", "url", "version", "name", "type", "kind", "baseDefinition", "derivation", "context")
_DROPPED = ("text", "snapshot", "differential")


@dataclass(frozen=True)
class Selection:
    """The packages (paths as given) and the profile URLs every resource is checked against."""

    paths: tuple[str, ...] = ()
    profiles: tuple[str, ...] = ()


_loaded: dict[str, list[dict[str, Any]]] = {}


def _digest(path: Path) -> str:
    """SHA-256 over a tarball's bytes, or over a folder's file names and bytes (symbolic links refused)."""
    import hashlib  # loaded with the first package (--ig), not at every start

    from dastandard.fhir.npm import PackageError  # the package reader (tarfile, gzip), loaded only when needed

    digest = hashlib.sha256(f"{__version__}\0{_CACHE_FORMAT}\0".encode())
    if path.is_dir():
        for item in sorted(path.rglob("*")):
            if item.is_symlink():
                raise PackageError(f"{item}: symbolic links are refused in a package folder")
            if item.is_file():
                digest.update(item.relative_to(path).as_posix().encode() + b"\0")
                digest.update(hashlib.sha256(item.read_bytes()).digest())
    else:
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def reduce(resource: Mapping[str, Any]) -> dict[str, Any]:
    """What the profile layer compiles of one conformance resource (see the module docstring)."""
    if resource.get("resourceType") != "StructureDefinition":
        return {k: v for k, v in resource.items() if k not in _DROPPED}
    out = {k: resource[k] for k in _SD_FIELDS if k in resource}
    differential = resource.get("differential")
    if isinstance(differential, Mapping) and differential.get("element"):
        out["differential"] = differential
        return out
    url = resource.get("url")
    elements = []
    for element in (resource.get("snapshot") or {}).get("element") or []:
        if not isinstance(element, Mapping):
            continue
        own = [c for c in element.get("constraint") or [] if isinstance(c, Mapping) and c.get("source") in (url, None)]
        elements.append({**{k: v for k, v in element.items() if k != "constraint"}, "constraint": own})
    out["differential"] = {"element": elements}
    return out


def load(path: str) -> list[dict[str, Any]]:
    """The reduced conformance resources of the package at ``path``, from the cache when it has them.

    Raises PackageError for a package that is missing, unsafe or malformed.
    """
    found = _loaded.get(path)
    if found is not None:
        return found
    from dastandard.fhir.npm import PackageError, read_package  # tarfile and gzip, loaded only when a package is read

    target = Path(path)
    if not target.exists():
        raise PackageError(f"{path}: no such file or folder")
    try:
        key = _digest(target)
    except OSError as exc:
        raise PackageError(f"{path}: cannot read: {exc.strerror or exc}") from None
    name = f"packages/{key}.json"
    resources = _cached(name)
    if resources is None:
        package = read_package(target)
        resources = [reduce(r) for r in package.conformance() if r.get("resourceType") in _KEPT_TYPES]
        cache_file = _cache.cache_file(name, create=True)
        if cache_file is not None:
            content = {"format": _CACHE_FORMAT, "package": package.name, "resources": resources}
            _cache.write_file(cache_file, orjson.dumps(content))
    _loaded[path] = resources
    return resources


def _cached(name: str) -> list[dict[str, Any]] | None:
    """The resources kept in the cache file ``name``, or None (no usable cache, missing, corrupt, other format)."""
    cache_file = _cache.cache_file(name)
    data = None if cache_file is None else _cache.read_file(cache_file)
    if data is None:
        return None
    try:
        cached = orjson.loads(data)
        if cached["format"] == _CACHE_FORMAT and isinstance(cached["resources"], list):
            return [r for r in cached["resources"] if isinstance(r, dict)]
    except (orjson.JSONDecodeError, TypeError, KeyError):
        pass
    return None


def load_all(paths: Iterable[str]) -> list[dict[str, Any]]:
    """The reduced resources of every package, in order (a later package's resource wins a shared url)."""
    out: list[dict[str, Any]] = []
    for path in paths:
        out.extend(load(path))
    return out


def select(paths: Sequence[str], profiles: Sequence[str]) -> Selection:
    """Load the packages and make them the active selection. PackageError for a bad package; ValueError naming a
    ``--profile`` URL that neither the packages nor the standard define."""
    resources = load_all(paths)
    if profiles:
        from dastandard.standard import standard

        known = {str(r.get("url")) for r in resources if r.get("resourceType") == "StructureDefinition"}
        known |= {a.url for a in standard().artifacts.values() if a.resource_type == "StructureDefinition"}
        for url in profiles:
            if url.split("|", 1)[0] not in known:
                raise ValueError(f"--profile {url}: no such StructureDefinition in the standard or the packages")
    global _current
    selection = Selection(tuple(paths), tuple(p.split("|", 1)[0] for p in profiles))
    os.environ[ENV_VAR] = orjson.dumps({"paths": selection.paths, "profiles": selection.profiles}).decode()
    _current = selection
    return selection


def clear() -> None:
    """End the active selection (the standard alone is checked again)."""
    global _current
    os.environ.pop(ENV_VAR, None)
    _current = Selection()


def _from_environment() -> Selection:
    raw = os.environ.get(ENV_VAR)
    if not raw:
        return Selection()
    try:
        data = orjson.loads(raw)
        return Selection(tuple(map(str, data["paths"])), tuple(map(str, data["profiles"])))
    except (orjson.JSONDecodeError, KeyError, TypeError):
        return Selection()


# This process's selection: set by select/clear; a spawned worker process starts from the environment (a forked one
# inherits it).
_current: Selection = _from_environment()


def active() -> Selection:
    """The active selection (empty when no package or profile was selected). Cheap: called once per record."""
    return _current
