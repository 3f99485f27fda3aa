"""FHIR fragment builders and tolerant readers, each with one unambiguous meaning.

Builders return fresh plain dicts (JSON-ready):

- ``coding(system, code)`` is a **Coding**; ``own_coding("risk-level", "high")`` one of the standard's CodeSystems;
- ``concept(*codings, text=...)`` is a **CodeableConcept**; ``own_concept("risk-level", "high")`` the usual
  single-coding one of the standard's CodeSystems;
- ``extension(url, **value)`` an extension by absolute URL, ``own_extension("risk-score", valueInteger=3)``
  one of the standard's, ``sub_extension("status", valueCode=...)`` a sub-extension (relative url);
- ``absent(reason)`` the ``{"extension": [data-absent-reason]}`` body of a primitive or Reference whose value is
  absent. A CodeableConcept states absence with codings its bound ValueSet accepts instead
  (``dastandard.logical.model.absence_codings``; see "Stating absence" in docs/profiles.md).

Readers never raise on odd input: anything of the wrong type reads as absent (an empty map, list or ``None``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from dastandard.model.ids import code_system_url, extension_url
from dastandard.model.urls import DATA_ABSENT_REASON, DATA_ABSENT_REASON_SYSTEM

Json = dict[str, Any]

# --- builders --------------------------------------------------------------------------------------------------------


def coding(system: str, code: str, display: str | None = None) -> Json:
    """A Coding (``display`` only when given)."""
    out: Json = {"system": system, "code": code}
    if display:
        out["display"] = display
    return out


def own_coding(code_system_id: str, code: str, display: str | None = None) -> Json:
    """A Coding of one of the standard's own CodeSystems (``code_system_id`` e.g. ``risk-level``)."""
    return coding(code_system_url(code_system_id), code, display)


def concept(*codings: Mapping[str, Any], text: str | None = None) -> Json:
    """A CodeableConcept of the given Codings (copied) and optional text."""
    out: Json = {}
    if codings:
        out["coding"] = [dict(c) for c in codings]
    if text:
        out["text"] = text
    return out


def own_concept(code_system_id: str, code: str, display: str | None = None) -> Json:
    """A CodeableConcept with one Coding of one of the standard's own CodeSystems."""
    return {"coding": [own_coding(code_system_id, code, display)]}


def extension(url: str, **value: Any) -> Json:
    """An extension by absolute URL: ``extension(PATIENT_RELIGION, valueCodeableConcept=...)``."""
    return {"url": url, **value}


def own_extension(extension_id: str, **value: Any) -> Json:
    """One of the standard's extensions: ``own_extension("risk-score", valueInteger=3)``."""
    return {"url": extension_url(extension_id), **value}


def sub_extension(name: str, **value: Any) -> Json:
    """A sub-extension of a complex extension (its url is the relative ``name``)."""
    return {"url": name, **value}


def absent_reason_extension(reason: str) -> Json:
    """The data-absent-reason extension itself (``reason`` e.g. ``not-asked``)."""
    return {"url": DATA_ABSENT_REASON, "valueCode": reason}


def absent(reason: str) -> Json:
    """The body of a primitive or Reference whose value is absent for ``reason``: ``{"extension": [...]}``.

    Not for a CodeableConcept under a binding: its absence is a coding the bound ValueSet includes."""
    return {"extension": [absent_reason_extension(reason)]}


# --- tolerant readers ----------------------------------------------------------------------------------------------


EMPTY: Mapping[str, Any] = {}


def as_map(value: Any) -> Mapping[str, Any]:
    """``value`` if it is a JSON object, else an empty mapping."""
    cls = type(value)
    if cls is dict:  # the common case, without the slower Mapping (ABC) check
        return value  # type: ignore[no-any-return]
    if value is None or cls is list or cls is str:
        return EMPTY
    return value if isinstance(value, Mapping) else EMPTY


def as_list(value: Any) -> list[Any]:
    """``value`` if it is a JSON array, else an empty list."""
    return value if isinstance(value, list) else []


def as_str(value: Any) -> str | None:
    """``value`` if it is a non-blank string, else ``None``."""
    return value if isinstance(value, str) and value.strip() else None


def as_bool(value: Any) -> bool | None:
    """``value`` if it is a JSON boolean, else ``None``."""
    return value if isinstance(value, bool) else None


def codings_in(concept_or_coding: Any) -> Iterator[tuple[str | None, str]]:
    """``(system, code)`` of every coded Coding of a CodeableConcept (or of one Coding, or a list of concepts);
    codings without a string code are skipped, a missing system reads as ``None``."""
    items = concept_or_coding if isinstance(concept_or_coding, list) else [concept_or_coding]
    for item in items:
        body = as_map(item)
        if "coding" in body:
            for one in as_list(body.get("coding")):
                yield from codings_in(one)
            continue
        code = body.get("code")
        if isinstance(code, str) and code:
            system = body.get("system")
            yield (system if isinstance(system, str) else None, code)


def absent_reason_of(element: Any) -> str | None:
    """The data-absent-reason code an element carries (on itself), else ``None``: a data-absent-reason coding of a
    CodeableConcept (how a bound concept states absence) or the data-absent-reason extension."""
    for system, coded in codings_in(element):
        if system == DATA_ABSENT_REASON_SYSTEM:
            return coded
    for ext in as_list(as_map(element).get("extension")):
        ext_map = as_map(ext)
        if ext_map.get("url") == DATA_ABSENT_REASON:
            code = ext_map.get("valueCode")
            return code if isinstance(code, str) else None
    return None
