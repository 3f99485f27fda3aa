# ruff: noqa: E501  (element definitions are prose; each is kept on one line)
"""DARelationship (Relationship), a profile of RelatedPerson."""

from __future__ import annotations

from profile_sources.common import FHIR_SD, JSON
from profile_sources.structures import Builder, el, ext_root, ref


def build(b: Builder) -> JSON:
    """The DARelationship StructureDefinition."""
    ctx = b.ctx
    person = ctx.sd("DAPerson")
    return b.profile(
        "DARelationship",
        "Relationship",
        "A relationship between two persons over time: person A (patient), person B (related-person), what B is to A, dated status episodes and when it was last verified.",
        "RelatedPerson",
        FHIR_SD + "RelatedPerson",
        [
            el(
                "RelatedPerson",
                "A relationship between two persons",
                "A relationship between person A and person B, both DAPersons.",
                learning="L15, L17",
            ),
            ext_root("RelatedPerson"),
            b.ext_slice(
                "RelatedPerson.extension",
                "relatedPerson",
                "related-person",
                1,
                "1",
                "Person B",
                "The person the relationship is with.",
                "L15",
            ),
            b.ext_slice(
                "RelatedPerson.extension",
                "episode",
                "relationship-episode",
                0,
                "*",
                "Status episodes",
                "Dated episodes of the relationship's status (together, separated, reconciled).",
                "L17",
            ),
            b.ext_slice(
                "RelatedPerson.extension",
                "parentalResponsibility",
                "parental-responsibility",
                0,
                "1",
                "B has parental responsibility",
                "Whether B has parental responsibility for A.",
                "L05",
            ),
            b.ext_slice(
                "RelatedPerson.extension",
                "lastVerified",
                "last-verified",
                0,
                "1",
                "Relationship last verified",
                "When and by whom the relationship was last verified.",
                "L18",
            ),
            el("RelatedPerson.patient", "Person A", "Person A of the relationship.", types=[ref(person)], must=True),
            el(
                "RelatedPerson.relationship",
                "What B is to A",
                "What person B is to person A (relationship-type, which carries the DA Act 2021 s2 connection).",
                min=1,
                must=True,
                learning="L15",
                binding=b.bind(
                    "extensible",
                    "relationship-type",
                    "The standard's relationship types; agencies may add finer local codes.",
                ),
            ),
            el(
                "RelatedPerson.period",
                "When the relationship existed",
                "When the relationship began and (if it ended) ended.",
                must=True,
                learning="L17",
            ),
        ],
    )
