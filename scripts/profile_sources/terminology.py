"""The building blocks of the CodeSystems, ValueSets and ConceptMaps: concepts (``C``), code systems (``CS``), writers.

Each local code system is defined in its own module of ``code_systems/``; the other ValueSets, the external
fragments and the generated ConceptMaps in ``value_sets.py``, ``fragments.py`` and ``concept_maps.py``.

Local code systems are complete. National code lists are copied from the sources named in their descriptions.
External HL7 and UK Core code systems are shipped as fragments (only the codes the standard uses, with their
published displays) under their real canonical URLs, so validation runs offline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from profile_sources.common import (
    ABSENT_REASON_CODES,
    DAR_CS,
    JSON,
    Context,
)


@dataclass
class C:
    """One concept: code, display, definition, optional properties and child concepts."""

    code: str
    display: str
    definition: str
    children: Sequence[C] = ()
    props: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> JSON:
        out: JSON = {"code": self.code, "display": self.display, "definition": self.definition}
        if self.props:
            out["property"] = [_property_value(k, v) for k, v in self.props.items()]
        if self.children:
            out["concept"] = [c.to_json() for c in self.children]
        return out


CODE_PROPERTIES = frozenset({"connection"})


def _property_value(code: str, value: Any) -> JSON:
    if isinstance(value, bool):
        return {"code": code, "valueBoolean": value}
    if code in CODE_PROPERTIES:
        return {"code": code, "valueCode": str(value)}
    return {"code": code, "valueString": str(value)}


@dataclass
class CS:
    """A local or national code system together with the value set of the same id that includes all of it."""

    id: str
    name: str
    title: str
    description: str
    concepts: Sequence[C]
    properties: Sequence[tuple[str, str, str]] = ()  # (code, type, description)
    value_set: bool = True
    vs_description: str | None = None
    absence: bool = False  # the ValueSet also includes the data-absent-reason codes (absence can be stated)


def _walk(concepts: Sequence[C]) -> list[C]:
    out: list[C] = []
    for c in concepts:
        out.append(c)
        out.extend(_walk(c.children))
    return out


def codesystem(ctx: Context, cs: CS) -> JSON:
    res = ctx.metadata("CodeSystem", cs.id, cs.name, cs.title, cs.description)
    res["caseSensitive"] = True
    if cs.value_set:
        res["valueSet"] = ctx.vs(cs.id)
    if any(c.children for c in cs.concepts):
        res["hierarchyMeaning"] = "is-a"
    res["content"] = "complete"
    res["count"] = len(_walk(cs.concepts))
    if cs.properties:
        res["property"] = [{"code": code, "description": desc, "type": typ} for code, typ, desc in cs.properties]
    res["concept"] = [c.to_json() for c in cs.concepts]
    return res


def fragment(
    ctx: Context, artifact_id: str, url: str, name: str, title: str, description: str, concepts: Sequence[C]
) -> JSON:
    """An external code system shipped as an offline fragment under its real canonical URL."""
    res = ctx.metadata("CodeSystem", artifact_id, name, title, description)
    res["url"] = url
    res["caseSensitive"] = True
    if any(c.children for c in concepts):
        res["hierarchyMeaning"] = "is-a"
    res["content"] = "fragment"
    res["concept"] = [c.to_json() for c in concepts]
    return res


def valueset(
    ctx: Context,
    artifact_id: str,
    name: str,
    title: str,
    description: str,
    includes: Sequence[tuple[str, Sequence[str] | None]],
) -> JSON:
    """A value set; each include is (system, codes) and codes None means the whole system."""
    res = ctx.metadata("ValueSet", artifact_id, name, title, description)
    res["immutable"] = False
    compose: list[JSON] = []
    for system, codes in includes:
        inc: JSON = {"system": system}
        if codes is not None:
            inc["concept"] = [{"code": code} for code in codes]
        compose.append(inc)
    res["compose"] = {"include": compose}
    return res


ABSENCE_INCLUDE: tuple[str, Sequence[str]] = (DAR_CS, ABSENT_REASON_CODES)
"""The include that lets a ValueSet state absence: the data-absent-reason codes the standard uses."""

ABSENCE_NOTE = (
    " It also includes the data-absent-reason codes (not-asked, asked-declined, asked-unknown, unknown, "
    "not-applicable): a value that is absent is stated by a coding from them, which the binding accepts."
)


def _pascal(kebab: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in kebab.replace("_", "-").split("-"))


STATUTORY = ("statutory", "boolean", "True if the kind is one of the five kinds in Domestic Abuse Act 2021 s1(3).")


LEGAL = ("legalBasis", "string", "The provision or guidance that defines the concept.")


SPECIALIST = (
    "specialist",
    "boolean",
    "True if this is a specialist domestic abuse service or agency (counted for learning point L10).",
)


CHILD_FOCUSED = ("childFocused", "boolean", "True if the service works with the child directly (learning point L08).")


INDICATES = (
    "indicatesAbuse",
    "boolean",
    "True if the indicator points to domestic abuse rather than parental conflict (learning point L03).",
)


def conceptmap(
    ctx: Context,
    artifact_id: str,
    name: str,
    title: str,
    description: str,
    source_vs: str,
    target_vs: str,
    source_system: str,
    target_system: str,
    rows: Sequence[tuple[str, str | None, str, str | None]],
) -> JSON:
    res = ctx.metadata("ConceptMap", artifact_id, name, title, description)
    res["sourceCanonical"] = source_vs
    res["targetCanonical"] = target_vs
    elements: list[JSON] = []
    for code, target, equivalence, comment in rows:
        tgt: JSON = {"equivalence": equivalence}
        if target is not None:
            tgt = {"code": target, **tgt}
        if comment:
            tgt["comment"] = comment
        elements.append({"code": code, "target": [tgt]})
    res["group"] = [{"source": source_system, "target": target_system, "element": elements}]
    return res
