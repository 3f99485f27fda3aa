# ruff: noqa: E501  (element definitions are prose; each is kept on one line)
"""DACaseBundle (Case bundle), a profile of Bundle."""

from __future__ import annotations

from profile_sources.common import ACTCODE_CS, CONFIDENTIALITY_CS, FHIR_SD, JSON
from profile_sources.structures import Builder, el, inv


def build(b: Builder) -> JSON:
    """The DACaseBundle StructureDefinition."""
    return b.profile(
        "DACaseBundle",
        "Case bundle",
        "One family's domestic abuse record from one agency: a Bundle of type collection holding every person, relationship, household, incident, assessment, plan, service episode, sharing event and provenance, labelled restricted or very restricted and SDV.",
        "Bundle",
        FHIR_SD + "Bundle",
        [
            el(
                "Bundle",
                "One family's record from one agency",
                "A collection of the resources one agency holds about one family. References between entries use the entries' urn:uuid fullUrls.",
                learning="L11, L24",
                constraints=[
                    inv(
                        "da-bundle-1",
                        "error",
                        "The record is labelled restricted (R) or very restricted (V) and carries the SDV sensitivity code.",
                        f"meta.security.where(system = '{CONFIDENTIALITY_CS}' and (code = 'R' or code = 'V')).exists() and meta.security.where(system = '{ACTCODE_CS}' and code = 'SDV').exists()",
                    ),
                    inv(
                        "da-bundle-2",
                        "error",
                        "Every entry has a urn:uuid fullUrl.",
                        "entry.all(fullUrl.exists() and fullUrl.startsWith('urn:uuid:'))",
                    ),
                ],
            ),
            el(
                "Bundle.meta.security",
                "Security labels",
                "Security labels of the whole record: one confidentiality code (R or V) and the SDV sensitivity code.",
                min=2,
                must=True,
                learning="L24",
                slicing={"discriminator": [{"type": "value", "path": "system"}], "ordered": False, "rules": "open"},
            ),
            el(
                "Bundle.meta.security:confidentiality",
                "Restricted or very restricted",
                "The record's confidentiality: R (restricted) or V (very restricted, e.g. where a victim's location must be protected).",
                min=1,
                max="1",
                must=True,
                binding=b.bind(
                    "required", "confidentiality", "Domestic abuse records are restricted or very restricted."
                ),
            ),
            el(
                "Bundle.meta.security:confidentiality.system",
                "v3-Confidentiality",
                "The HL7 v3 Confidentiality code system.",
                min=1,
                fixedUri=CONFIDENTIALITY_CS,
            ),
            el("Bundle.meta.security:confidentiality.code", "R or V", "The confidentiality code.", min=1),
            el(
                "Bundle.meta.security:sensitivity",
                "SDV sensitivity",
                "The information sensitivity code SDV (sexual assault, abuse, or domestic violence).",
                min=1,
                max="1",
                must=True,
                patternCoding={"system": ACTCODE_CS, "code": "SDV"},
            ),
            el(
                "Bundle.identifier",
                "Case reference",
                "The agency's case reference for this record.",
                min=1,
                must=True,
                learning="L24",
            ),
            el("Bundle.type", "collection", "A case record is a collection.", fixedCode="collection"),
            el(
                "Bundle.timestamp",
                "When the record was assembled",
                "When the bundle was assembled.",
                min=1,
                must=True,
            ),
            el("Bundle.entry", "A resource of the record", "One resource of the family's record.", min=1),
            el(
                "Bundle.entry.fullUrl",
                "urn:uuid of the entry",
                "The entry's urn:uuid identity, used by references between entries.",
                min=1,
            ),
            el(
                "Bundle.entry.resource",
                "The resource",
                "The resource, conforming to one of the standard's profiles.",
                min=1,
            ),
        ],
    )
