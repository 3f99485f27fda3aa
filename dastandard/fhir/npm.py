"""FHIR NPM packages (https://confluence.hl7.org/display/FHIR/NPM+Package+Specification): read and write.

Reading takes a ``.tgz`` or a folder (the unpacked package: the folder holding ``package/``, or ``package/``
itself) and returns the manifest and every JSON resource of the package, parsed. A tarball is read member by member
in memory and never extracted: a member that is not a regular file (symlink, hard link, device), whose name is
absolute or climbs out with ``..``, that is larger than ``MAX_MEMBER_BYTES``, or a package whose members add up to
more than ``MAX_TOTAL_BYTES`` or ``MAX_MEMBERS`` is refused with ``PackageError`` (the message names the member).
A folder is read the same way; symbolic links in it are refused too. Members outside ``package/`` and files that
are not JSON are ignored; a JSON file that does not parse is an error.

Writing (``write_package``) builds the tarball in memory from a manifest, resources and examples, with
``package/.index.json`` (index-version 1) listing every resource file, and deterministic member metadata.
"""

from __future__ import annotations

import gzip
import io
import tarfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import orjson

MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 512 * 1024 * 1024
MAX_MEMBERS = 50_000
PACKAGE_ROOT = "package"
# Index fields of .index.json (index-version 1) taken from each resource.
_INDEX_FIELDS = ("resourceType", "id", "url", "version", "kind", "type", "supplements", "content")


class PackageError(ValueError):
    """A package that cannot be read safely or is malformed; the message says which file and why."""


@dataclass
class Package:
    """A FHIR NPM package read into memory: its manifest and its JSON resources by file name under package/."""

    source: str
    manifest: dict[str, Any]
    resources: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.manifest.get("name", ""))

    @property
    def version(self) -> str:
        return str(self.manifest.get("version", ""))

    def conformance(self) -> Iterator[dict[str, Any]]:
        """The resources of the package with a canonical url (examples under package/example/ excluded)."""
        for name, resource in self.resources.items():
            if not name.startswith("example/") and isinstance(resource.get("url"), str):
                yield resource


def _member_name(raw: str, source: str) -> str | None:
    """The member's path below ``package/``; None for members outside it. PackageError for a hostile name."""
    if "\\" in raw or "\x00" in raw:
        raise PackageError(f"{source}: member {raw!r} has a forbidden character in its name")
    path = PurePosixPath(raw)
    if path.is_absolute() or ".." in path.parts:
        raise PackageError(f"{source}: member {raw!r} would be written outside the package (path traversal)")
    parts = [p for p in path.parts if p not in (".", "")]
    if len(parts) < 2 or parts[0] != PACKAGE_ROOT:
        return None
    return "/".join(parts[1:])


def _collect(files: Iterable[tuple[str, bytes]], source: str) -> Package:
    manifest: dict[str, Any] | None = None
    resources: dict[str, dict[str, Any]] = {}
    for name, data in files:
        if not name.endswith(".json"):
            continue
        try:
            parsed = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            raise PackageError(f"{source}: package/{name} is not valid JSON: {exc}") from None
        if not isinstance(parsed, dict):
            raise PackageError(f"{source}: package/{name} is not a JSON object")
        if name == "package.json":
            manifest = parsed
        elif name.rsplit("/", 1)[-1] != ".index.json" and isinstance(parsed.get("resourceType"), str):
            resources[name] = parsed
    if manifest is None:
        raise PackageError(f"{source}: no package/package.json (not a FHIR NPM package)")
    return Package(source, manifest, resources)


def _tar_members(path: Path) -> Iterator[tuple[str, bytes]]:
    source = str(path)
    total = 0
    count = 0
    try:
        with tarfile.open(path, mode="r:*") as archive:
            for member in archive:
                count += 1
                if count > MAX_MEMBERS:
                    raise PackageError(f"{source}: more than {MAX_MEMBERS} members")
                name = _member_name(member.name, source)
                if member.isdir():
                    continue
                if not member.isfile():
                    raise PackageError(f"{source}: member {member.name!r} is a link or special file; refused")
                if member.size > MAX_MEMBER_BYTES:
                    raise PackageError(f"{source}: member {member.name!r} is larger than {MAX_MEMBER_BYTES} bytes")
                total += member.size
                if total > MAX_TOTAL_BYTES:
                    raise PackageError(f"{source}: the package unpacks to more than {MAX_TOTAL_BYTES} bytes")
                if name is None:
                    continue
                handle = archive.extractfile(member)
                if handle is None:
                    continue
                data = handle.read(MAX_MEMBER_BYTES + 1)
                if len(data) > MAX_MEMBER_BYTES:
                    raise PackageError(f"{source}: member {member.name!r} is larger than {MAX_MEMBER_BYTES} bytes")
                yield name, data
    except (tarfile.TarError, EOFError, gzip.BadGzipFile, OSError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise PackageError(f"{source}: no such file") from None
        raise PackageError(f"{source}: not a readable package tarball: {exc}") from None


def _folder_members(folder: Path) -> Iterator[tuple[str, bytes]]:
    root = folder / PACKAGE_ROOT if (folder / PACKAGE_ROOT).is_dir() else folder
    total = 0
    count = 0
    for path in sorted(root.rglob("*")):
        if path.is_symlink():
            raise PackageError(f"{path}: symbolic links are refused in a package folder")
        if not path.is_file():
            continue
        count += 1
        size = path.stat().st_size
        total += size
        if count > MAX_MEMBERS or size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
            raise PackageError(f"{path}: the package folder is larger than the limits allow")
        yield path.relative_to(root).as_posix(), path.read_bytes()


def read_package(path: str | Path) -> Package:
    """Read a FHIR NPM package from a ``.tgz`` file or a folder. PackageError when unsafe or malformed."""
    target = Path(path)
    if target.is_dir():
        try:
            return _collect(_folder_members(target), str(target))
        except OSError as exc:
            raise PackageError(f"{target}: cannot read: {exc.strerror or exc}") from None
    return _collect(_tar_members(target), str(target))


def index_entry(filename: str, resource: Mapping[str, Any]) -> dict[str, Any]:
    """One ``files`` entry of .index.json for a resource stored as ``filename``."""
    entry: dict[str, Any] = {"filename": filename}
    for key in _INDEX_FIELDS:
        value = resource.get(key)
        if isinstance(value, str):
            entry[key] = value
    return entry


def _dump(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_INDENT_2) + b"\n"


def write_package(
    manifest: Mapping[str, Any],
    resources: Iterable[Mapping[str, Any]],
    examples: Iterable[Mapping[str, Any]] = (),
    extra_files: Mapping[str, bytes] | None = None,
    mtime: int = 0,
) -> bytes:
    """A FHIR NPM package as gzip-compressed tar bytes.

    ``resources`` go to ``package/<Type>-<id>.json`` and ``examples`` to ``package/example/<Type>-<id>.json``, each
    folder with its ``.index.json``; ``extra_files`` (name below package/ -> bytes, such as a NOTICE) are added
    as they are. Raises ValueError for a resource without resourceType or id, or two with the same file name.
    """
    members: dict[str, bytes] = {"package.json": _dump(dict(manifest))}
    for folder, items in (("", resources), ("example/", examples)):
        index: list[dict[str, Any]] = []
        for resource in items:
            rtype, rid = resource.get("resourceType"), resource.get("id")
            if not isinstance(rtype, str) or not isinstance(rid, str):
                raise ValueError("every resource in a package needs resourceType and id")
            filename = f"{rtype}-{rid}.json"
            if folder + filename in members:
                raise ValueError(f"two resources would be written as {folder}{filename}")
            members[folder + filename] = _dump(dict(resource))
            index.append(index_entry(filename, resource))
        if index or not folder:
            members[folder + ".index.json"] = _dump({"index-version": 1, "files": index})
    for name, data in (extra_files or {}).items():
        members[name] = data
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name in sorted(members, key=lambda n: (n != "package.json", n)):
            data = members[name]
            info = tarfile.TarInfo(f"{PACKAGE_ROOT}/{name}")
            info.size = len(data)
            info.mtime = mtime
            info.mode = 0o644
            archive.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue(), mtime=mtime)
