"""Direct reading of Bundle JSON, as the chronology writer still does it.

The chronology walks the FHIR resources itself rather than reading the case record through the one reader
(``dastandard.logical.bundle_to_logical``), as the police CSV and Operation Encompass writers do. Every helper is
tolerant: a missing or wrongly typed element gives an empty result, never an exception.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any


def find_extensions(element: Mapping[str, Any], url: str) -> list[dict[str, Any]]:
    """Every extension of ``element`` with ``url`` (absolute, or a sub-extension name)."""
    return [e for e in element.get("extension", []) if e.get("url") == url]


def sub_value(extension: Mapping[str, Any], name: str) -> Any:
    """The ``value[x]`` of the first sub-extension ``name`` (None if absent)."""
    for item in find_extensions(extension, name):
        for key, value in item.items():
            if key.startswith("value"):
                return value
    return None


def first_code(concept: Any, system: str | None = None) -> str:
    """The code of the first coding (of ``system`` when given) of a CodeableConcept; "" if none."""
    if not isinstance(concept, Mapping):
        return ""
    for c in concept.get("coding", []):
        if system is None or c.get("system") == system:
            return str(c.get("code", ""))
    return ""


def ref_id(ref: Any) -> str:
    """The resource id inside a ``urn:uuid:`` reference (or the reference text itself)."""
    if not isinstance(ref, Mapping):
        return ""
    text = str(ref.get("reference", ""))
    return text.removeprefix("urn:uuid:")


def resources(bundle: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Every resource of a Bundle, in entry order."""
    for item in bundle.get("entry", []):
        res = item.get("resource")
        if isinstance(res, dict):
            yield res
