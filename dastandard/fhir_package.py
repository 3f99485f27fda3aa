"""The standard as a FHIR NPM package (``dastandard package``).

The package identity (name, version, canonical, FHIR version, dependencies, title, description, publisher) comes
from ``profiles/package.json``; the content is every conformance resource under ``profiles/`` with each
StructureDefinition taken from ``snapshots/`` (the same resource with its snapshot, written by the regen step
``snapshots``), the example case Bundles of ``examples/fhir/`` under ``package/example/``, and the notice of the
material the snapshots are derived from (``package/NOTICE.md``). The offline fragments of other publishers' code
systems (``profiles/generated/CodeSystem/`` entries whose url is not under the standard's canonical) stay out:
they belong to the packages named as dependencies, and a second resource with the same url would clash there.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from dastandard._resources import data_path, read_json
from dastandard.fhir.npm import write_package
from dastandard.standard import standard

# The manifest fields copied from profiles/package.json, in this order (publisher becomes author).
_MANIFEST_FIELDS = ("name", "version", "canonical", "title", "description", "fhirVersions", "dependencies")
NOTICE_FILE = "NOTICE.md"


def manifest() -> dict[str, Any]:
    """package/package.json of the standard's FHIR package."""
    source: Mapping[str, Any] = read_json("profiles", "package.json")
    out: dict[str, Any] = {key: source[key] for key in _MANIFEST_FIELDS if key in source}
    out["type"] = "fhir.ig"
    if "publisher" in source:
        out["author"] = source["publisher"]
    if "jurisdiction" in source:
        out["jurisdiction"] = source["jurisdiction"]
    return out


def snapshots() -> dict[str, dict[str, Any]]:
    """The shipped StructureDefinitions with snapshots, by canonical url."""
    folder = data_path("snapshots") / "StructureDefinition"
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.json")):
        sd = orjson.loads(path.read_bytes())
        out[str(sd["url"])] = sd
    return out


def package_file_name() -> str:
    """The default output name: ``dastandard-<version>.tgz``."""
    return f"dastandard-{standard().version}.tgz"


def build_package() -> bytes:
    """The FHIR NPM package (.tgz bytes). ValueError if a StructureDefinition has no generated snapshot."""
    std = standard()
    with_snapshots = snapshots()
    resources: list[Mapping[str, Any]] = []
    for url, artifact in sorted(std.artifacts.items()):
        if not url.startswith(std.canonical.rstrip("/") + "/"):
            continue  # another publisher's canonical (an offline fragment): its own package has it
        if artifact.resource_type == "StructureDefinition":
            sd = with_snapshots.get(url)
            if sd is None:
                raise ValueError(f"{url} has no snapshot in snapshots/ (run python scripts/regen.py)")
            resources.append(sd)
        else:
            resources.append(artifact.resource)
    examples = [orjson.loads(p.read_bytes()) for p in sorted((data_path("examples") / "fhir").glob("*.json"))]
    notice = (data_path("snapshots") / NOTICE_FILE).read_bytes()
    return write_package(manifest(), resources, examples, {NOTICE_FILE: notice})
