"""DAContactArrangement (Contact arrangement), a profile of Observation."""

from __future__ import annotations

from profile_sources.common import JSON
from profile_sources.structures import Builder, component_slices, el, ref, simple_obs, t


def build(b: Builder) -> JSON:
    """The DAContactArrangement StructureDefinition."""
    ctx = b.ctx
    person = ctx.sd("DAPerson")
    cc = [t("CodeableConcept")]
    boolean = [t("boolean")]
    return simple_obs(
        b,
        "DAContactArrangement",
        "Contact arrangement",
        "A child's contact arrangement with an adult: supervised or not, any court order, and the period.",
        "contact-arrangement",
        "L17",
        "The child.",
        None,
        "required",
        [
            el(
                "Observation.focus",
                "The adult",
                "The adult the child has contact with.",
                min=1,
                types=[ref(person)],
                must=True,
                learning="L17",
            ),
            *component_slices(
                b,
                "Observation",
                [
                    ("supervised", "supervised", "Supervised", "1", "1", boolean, None, "L17"),
                    (
                        "courtOrder",
                        "court-order",
                        "Court order",
                        "0",
                        "*",
                        cc,
                        b.bind("extensible", "court-order", "Other orders may be named."),
                        "L17",
                    ),
                    (
                        "arrangementType",
                        "arrangement-type",
                        "Kind of contact",
                        "0",
                        "1",
                        cc,
                        b.bind("required", "contact-type", "Closed list."),
                        "L17",
                    ),
                ],
            ),
        ],
        effective=[t("Period")],
    )
