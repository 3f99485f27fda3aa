"""The standard's conformance resources, loaded once from ``profiles/``.

``standard()`` returns the process-wide read-only index. The canonical base URL, package name and version are
read from ``profiles/package.json``: no other module spells them out.

``profiles/`` holds two kinds of resource, told apart by folder: ``profiles/generated/`` is written by
``scripts/regen.py`` (never edited by hand), everything else in ``profiles/`` is hand-written. Both are loaded
alike; ``Artifact.generated`` says which kind a resource is.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import orjson

from dastandard._resources import data_path, read_json

# The sub-folder of ``profiles/`` that holds generated files only.
GENERATED_FOLDER = "generated"
# The list of other publishers' canonicals the artifacts may name (written by the profile generator). It is not a
# FHIR resource, so it sits in ``other/``, where a FHIR package keeps its files that are not resources.
EXTERNAL_CANONICALS_FILE = f"{GENERATED_FOLDER}/other/external-canonicals.json"

CONFORMANCE_TYPES = (
    "ImplementationGuide",
    "StructureDefinition",
    "CodeSystem",
    "ValueSet",
    "ConceptMap",
    "SearchParameter",
)


@dataclass(frozen=True)
class Artifact:
    """One conformance resource shipped in ``profiles/``."""

    resource_type: str
    id: str
    url: str
    path: Path
    resource: Mapping[str, Any] = field(repr=False)

    @property
    def title(self) -> str:
        return str(self.resource.get("title") or self.resource.get("name") or self.id)

    @property
    def generated(self) -> bool:
        """True for a resource written by the generators (under ``profiles/generated/``), False if hand-written."""
        return (data_path("profiles") / GENERATED_FOLDER) in self.path.parents


@dataclass(frozen=True)
class Standard:
    """An index of the shipped conformance resources by canonical URL."""

    name: str
    version: str
    canonical: str
    fhir_version: str
    artifacts: Mapping[str, Artifact]

    def url(self, resource_type: str, artifact_id: str) -> str:
        """The canonical URL of one of the standard's own artifacts (it need not exist yet)."""
        return f"{self.canonical}/{resource_type}/{artifact_id}"

    def get(self, url: str) -> Artifact | None:
        """Resolve a canonical URL (an optional ``|version`` suffix is ignored)."""
        return self.artifacts.get(url.split("|", 1)[0])

    def of_type(self, resource_type: str) -> Iterator[Artifact]:
        """Every artifact of one resource type, in id order."""
        return iter(
            sorted((a for a in self.artifacts.values() if a.resource_type == resource_type), key=lambda a: a.id)
        )


def external_canonicals() -> dict[str, Any]:
    """The canonicals of other publishers the artifacts may name; OSError or ValueError if the file is unreadable."""
    data: dict[str, Any] = read_json("profiles", EXTERNAL_CANONICALS_FILE)
    return data


def _iter_resource_files(root: Path) -> Iterator[Path]:
    """Every ``*.json`` below ``root`` but ``package.json``, in path order (``os.walk``: a fraction of the cost of
    ``Path.rglob``, which a run validating one file pays at every start)."""
    found: list[tuple[str, ...]] = []
    for folder, _dirs, names in os.walk(root):
        parts = Path(folder).relative_to(root).parts
        found.extend((*parts, name) for name in names if name.endswith(".json") and name != "package.json")
    for parts in sorted(found):
        yield root.joinpath(*parts)


@cache
def standard() -> Standard:
    """Load and index every conformance resource under ``profiles/``. Raises ValueError on a duplicate URL."""
    manifest = read_json("profiles", "package.json")
    root = data_path("profiles")
    artifacts: dict[str, Artifact] = {}
    for path in _iter_resource_files(root):
        resource = orjson.loads(path.read_bytes())
        resource_type = resource.get("resourceType")
        url = resource.get("url")
        if resource_type not in CONFORMANCE_TYPES or not isinstance(url, str):
            continue
        if url in artifacts:
            raise ValueError(f"duplicate canonical URL {url} in {path} and {artifacts[url].path}")
        artifacts[url] = Artifact(resource_type, str(resource.get("id")), url, path, resource)
    return Standard(
        name=manifest["name"],
        version=manifest["version"],
        canonical=manifest["canonical"],
        fhir_version=manifest["fhirVersions"][0],
        artifacts=artifacts,
    )
