# ruff: noqa: E501  (element definitions are prose; each is kept on one line)
"""DAAdultAssessment (Adult assessment), a profile of Observation."""

from __future__ import annotations

from profile_sources.common import FHIR_SD, JSON
from profile_sources.structures import Builder, component_slices, el, ref, simple_obs, t


def build(b: Builder) -> JSON:
    """The DAAdultAssessment StructureDefinition."""
    ctx = b.ctx
    person = ctx.sd("DAPerson")
    agency = ctx.sd("DAAgency")
    practitioner = FHIR_SD + "Practitioner"
    cc = [t("CodeableConcept")]
    boolean = [t("boolean")]
    return simple_obs(
        b,
        "DAAdultAssessment",
        "Adult assessment",
        "An assessment of a significant adult in a child's life (birth parent, partner, ex-partner, non-resident partner): role, risk to the child, protective capacity and engagement.",
        "adult-assessment",
        "L15",
        "The adult assessed.",
        None,
        "required",
        [
            el(
                "Observation.focus",
                "The child(ren)",
                "The children the assessment concerns.",
                min=1,
                types=[ref(person)],
                must=True,
            ),
            el(
                "Observation.performer",
                "Assessing agency",
                "The agency or practitioner who assessed.",
                types=[ref(agency, practitioner)],
                must=True,
            ),
            *component_slices(
                b,
                "Observation",
                [
                    (
                        "role",
                        "role",
                        "Role in the child's life",
                        "1",
                        "1",
                        cc,
                        b.bind("extensible", "adult-role", "Agencies may use finer roles."),
                        "L15",
                    ),
                    (
                        "riskToChild",
                        "risk-to-child",
                        "Risk to the child",
                        "0",
                        "1",
                        cc,
                        b.bind("required", "risk-level", "Risk levels."),
                        "L15",
                    ),
                    (
                        "protectiveCapacity",
                        "protective-capacity",
                        "Protective capacity",
                        "0",
                        "1",
                        cc,
                        b.bind("required", "protective-capacity", "Closed list."),
                        "L15",
                    ),
                    ("engaged", "engaged", "Engaged", "0", "1", boolean, None, "L15"),
                    ("seen", "seen", "Seen in person", "0", "1", boolean, None, "L15"),
                    ("seenAlone", "seen-alone", "Seen alone", "0", "1", boolean, None, "L15, L25"),
                    ("askedAlone", "asked-alone", "Asked about abuse alone", "0", "1", boolean, None, "L19, L25"),
                    (
                        "response",
                        "response",
                        "Response to concerns (denial, minimisation, compliance)",
                        "0",
                        "*",
                        cc,
                        b.bind("required", "adult-response", "The standard's closed list."),
                        "L19, L20, L25",
                    ),
                ],
            ),
        ],
        effective=[t("dateTime")],
    )
