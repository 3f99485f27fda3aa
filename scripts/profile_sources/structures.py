# ruff: noqa: E501  (element definitions are prose; each is kept on one line)
"""The building blocks of the StructureDefinitions (differentials only): elements, slices, extensions, profiles.

The extensions are defined in ``extensions.py`` and ``cin_extensions.py``, each profile in its own module of
``structure_definitions/``. Every element carries a short and a definition; elements that hold a case-review learning point carry a
``learning`` mapping (see docs/traceability.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from profile_sources.common import (
    FHIR_SD,
    JSON,
    Context,
)

URL_SLICING: JSON = {
    "discriminator": [{"type": "value", "path": "url"}],
    "ordered": False,
    "rules": "open",
}


def _path(element_id: str) -> str:
    return re.sub(r":[^.]+", "", element_id)


def el(
    element_id: str,
    short: str,
    definition: str,
    *,
    min: int | None = None,
    max: str | None = None,
    types: Sequence[JSON] | None = None,
    binding: JSON | None = None,
    must: bool = False,
    learning: str | None = None,
    slicing: JSON | None = None,
    constraints: Sequence[JSON] = (),
    **fixed: Any,
) -> JSON:
    """One ElementDefinition of a differential; ``fixed`` holds fixed[x]/pattern[x] and other keys."""
    out: JSON = {"id": element_id, "path": _path(element_id)}
    last = element_id.rsplit(".", 1)[-1]
    if ":" in last:
        out["sliceName"] = last.split(":", 1)[1]
    if slicing is not None:
        out["slicing"] = slicing
    out["short"] = short
    out["definition"] = definition
    if min is not None:
        out["min"] = min
    if max is not None:
        out["max"] = max
    if types is not None:
        out["type"] = list(types)
    out.update(fixed)
    if constraints:
        out["constraint"] = list(constraints)
    if must:
        out["mustSupport"] = True
    if binding is not None:
        out["binding"] = binding
    if learning:
        out["mapping"] = [{"identity": "learning", "map": learning}]
    return out


def t(code: str) -> JSON:
    return {"code": code}


def ref(*profiles: str) -> JSON:
    return {"code": "Reference", "targetProfile": list(profiles)}


def ext_type(url: str) -> JSON:
    return {"code": "Extension", "profile": [url]}


def inv(key: str, severity: str, human: str, expression: str) -> JSON:
    return {"key": key, "severity": severity, "human": human, "expression": expression}


@dataclass
class Sub:
    """A sub-extension of a complex extension."""

    name: str
    short: str
    definition: str
    min: int
    max: str
    types: Sequence[JSON]
    binding: JSON | None = None


@dataclass
class Ext:
    """An extension definition (simple when ``subs`` is empty)."""

    id: str
    title: str
    description: str
    contexts: Sequence[str]
    short: str
    definition: str
    learning: str | None = None
    types: Sequence[JSON] = ()
    binding: JSON | None = None
    subs: Sequence[Sub] = field(default_factory=list)


def _pascal(kebab: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in kebab.split("-"))


class Builder:
    """Builds extension and profile StructureDefinitions for one package context."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def bind(self, strength: str, vs_id: str, description: str) -> JSON:
        return {"strength": strength, "description": description, "valueSet": self.ctx.vs(vs_id)}

    def sd(self, artifact_id: str, title: str, description: str) -> JSON:
        res = self.ctx.metadata("StructureDefinition", artifact_id, _pascal(artifact_id), title, description)
        res["fhirVersion"] = "4.0.1"
        res["mapping"] = [
            {
                "identity": "learning",
                "uri": self.ctx.learning_uri,
                "name": "Case review learning points (docs/traceability.md)",
            }
        ]
        return res

    def extension(self, e: Ext) -> JSON:
        res = self.sd(e.id, e.title, e.description)
        res["kind"] = "complex-type"
        res["abstract"] = False
        res["context"] = [{"type": "element", "expression": c} for c in e.contexts]
        res["type"] = "Extension"
        res["baseDefinition"] = FHIR_SD + "Extension"
        res["derivation"] = "constraint"
        url = self.ctx.sd(e.id)
        elements: list[JSON] = [el("Extension", e.short, e.definition, learning=e.learning)]
        if e.subs:
            elements.append(
                el(
                    "Extension.extension",
                    "Parts of the extension",
                    f"The parts of the {e.title} extension, identified by their url.",
                    min=1,
                    slicing={"discriminator": [{"type": "value", "path": "url"}], "ordered": False, "rules": "closed"},
                )
            )
            for s in e.subs:
                base = f"Extension.extension:{s.name}"
                elements.append(el(base, s.short, s.definition, min=s.min, max=s.max))
                elements.append(
                    el(f"{base}.extension", "No further extensions", "This part has no sub-extensions.", max="0")
                )
                elements.append(
                    el(
                        f"{base}.url",
                        f"Identifies the part: {s.name}",
                        f"Identifies this part of the extension as '{s.name}'.",
                        fixedUri=s.name,
                    )
                )
                elements.append(el(f"{base}.value[x]", s.short, s.definition, min=1, types=s.types, binding=s.binding))
            elements.append(
                el("Extension.url", "Identifies the extension", f"Identifies the extension as {e.title}.", fixedUri=url)
            )
            elements.append(
                el(
                    "Extension.value[x]",
                    "Not used (complex extension)",
                    "A complex extension carries its content in parts, not in a value.",
                    max="0",
                )
            )
        else:
            elements.append(
                el("Extension.extension", "No sub-extensions", "This extension is simple and has no parts.", max="0")
            )
            elements.append(
                el("Extension.url", "Identifies the extension", f"Identifies the extension as {e.title}.", fixedUri=url)
            )
            elements.append(el("Extension.value[x]", e.short, e.definition, min=1, types=e.types, binding=e.binding))
        res["differential"] = {"element": elements}
        return res

    def profile(
        self, artifact_id: str, title: str, description: str, base_type: str, base: str, elements: list[JSON]
    ) -> JSON:
        res = self.sd(artifact_id, title, description)
        res["kind"] = "resource"
        res["abstract"] = False
        res["type"] = base_type
        res["baseDefinition"] = base
        res["derivation"] = "constraint"
        res["differential"] = {"element": elements}
        return res

    def ext_slice(
        self,
        path: str,
        name: str,
        ext_id_or_url: str,
        min: int,
        max: str,
        short: str,
        definition: str,
        learning: str | None = None,
        must: bool = True,
    ) -> JSON:
        url = ext_id_or_url if ext_id_or_url.startswith("http") else self.ctx.sd(ext_id_or_url)
        return el(
            f"{path}:{name}", short, definition, min=min, max=max, types=[ext_type(url)], must=must, learning=learning
        )


def component_slices(
    b: Builder, base: str, slices: Sequence[tuple[str, str, str, str, str, Sequence[JSON], JSON | None, str | None]]
) -> list[JSON]:
    """Component slices discriminated by a pattern on code: (slice, code, short, min, max, value types, binding, learning)."""
    oc = b.ctx.cs("observation-component")
    out = [
        el(
            f"{base}.component",
            "Coded parts of the record",
            "The coded parts of the record, each identified by its code from the observation-component code system.",
            slicing={"discriminator": [{"type": "pattern", "path": "code"}], "ordered": False, "rules": "open"},
        )
    ]
    for name, code, short, mn, mx, types, binding, learning in slices:
        s = f"{base}.component:{name}"
        out.append(el(s, short, f"{short}. Component code {code}.", min=int(mn), max=mx, must=True, learning=learning))
        out.append(
            el(
                f"{s}.code",
                f"Code: {code}",
                f"Identifies the component as {code}.",
                patternCodeableConcept={"coding": [{"system": oc, "code": code}]},
            )
        )
        out.append(
            el(f"{s}.value[x]", short, f"The value of the {code} component.", min=1, types=types, binding=binding)
        )
    return out


def record_code(b: Builder, base: str, code: str, title: str) -> JSON:
    return el(
        f"{base}.code",
        f"Record type: {code}",
        f"Identifies the record as a {title} (record-type#{code}).",
        patternCodeableConcept={"coding": [{"system": b.ctx.cs("record-type"), "code": code}]},
    )


def ext_root(path: str) -> JSON:
    return el(f"{path}.extension", "Extensions", "Extensions, sliced by url.", slicing=URL_SLICING)


def pcah_party(ctx: Context) -> str:
    party = ctx.sd("incident-party")
    rc = ctx.cs("incident-role")
    return f"extension.where(url = '{party}').where(extension.where(url = 'role').value.ofType(CodeableConcept).coding.where(system = '{rc}' and code = 'person-causing-harm').exists())"


def simple_obs(
    b: Builder,
    pid: str,
    title: str,
    desc: str,
    code: str,
    learning: str,
    subject_desc: str,
    value_vs: str | None,
    value_strength: str,
    extra: list[JSON],
    effective: Sequence[JSON] = (t("dateTime"), t("Period")),
    effective_min: int = 1,
) -> JSON:
    """An Observation profile with a record-type code, a subject, an effective time and an optional coded value."""
    person = b.ctx.sd("DAPerson")
    cc = [t("CodeableConcept")]
    elements = [
        el("Observation", title, desc, learning=learning),
        el("Observation.status", "Record status", "The status of the record.", must=True),
        record_code(b, "Observation", code, title.lower()),
        el("Observation.subject", "The person", subject_desc, min=1, types=[ref(person)], must=True),
        el(
            "Observation.effective[x]",
            "When",
            "When the fact applied or was established.",
            min=effective_min,
            types=list(effective),
            must=True,
            learning=learning.split(",")[0],
        ),
    ]
    if value_vs is not None:
        elements.append(
            el(
                "Observation.value[x]",
                title,
                f"The {title.lower()} recorded.",
                min=1,
                types=cc,
                must=True,
                learning=learning,
                binding=b.bind(
                    value_strength,
                    value_vs,
                    "Agencies may use finer local codes." if value_strength == "extensible" else "Closed list.",
                ),
            )
        )
    elements.extend(extra)
    return b.profile(pid, title, desc, "Observation", FHIR_SD + "Observation", elements)
