"""Deterministic identifiers, the standard's own canonical URLs and Bundle entry building blocks.

Ids are UUIDv5 values in a namespace derived from the standard's canonical base, seeded by the source's own
keys, so the same input always yields byte-identical output.
"""

from __future__ import annotations

import uuid
from functools import cache
from typing import Any

from dastandard.standard import standard


@cache
def _namespace() -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, standard().canonical)


def stable_id(*key_parts: object) -> str:
    """A UUID string determined only by ``key_parts`` (joined with a separator that cannot collide)."""
    return str(uuid.uuid5(_namespace(), "\x1f".join(str(p) for p in key_parts)))


def full_url(resource_id: str) -> str:
    """The Bundle ``fullUrl`` for a resource id."""
    return f"urn:uuid:{resource_id}"


def reference(resource_id: str) -> dict[str, str]:
    """A FHIR Reference to another entry of the same Bundle."""
    return {"reference": full_url(resource_id)}


def profile_url(profile_id: str) -> str:
    """The canonical URL of one of the standard's profiles (e.g. ``DAPerson``)."""
    return standard().url("StructureDefinition", profile_id)


def extension_url(extension_id: str) -> str:
    """The canonical URL of one of the standard's extensions (e.g. ``person-sex``)."""
    return standard().url("StructureDefinition", extension_id)


def code_system_url(code_system_id: str) -> str:
    """The canonical URL of one of the standard's own CodeSystems (e.g. ``record-type``)."""
    return standard().url("CodeSystem", code_system_id)


def identifier_system(name: str) -> str:
    """The standard's identifier namespaces, e.g. ``la-child-id`` -> ``{canonical}/Id/la-child-id``."""
    return f"{standard().canonical}/Id/{name}"


def entry(resource: dict[str, Any]) -> dict[str, Any]:
    """Wrap a resource (with an ``id``) as a Bundle entry whose fullUrl is ``urn:uuid:{id}``."""
    return {"fullUrl": full_url(resource["id"]), "resource": resource}
