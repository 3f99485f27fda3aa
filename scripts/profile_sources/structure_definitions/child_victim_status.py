# ruff: noqa: E501  (element definitions are prose; each is kept on one line)
"""DAChildVictimStatus (Child victim status), a profile of Observation."""

from __future__ import annotations

from profile_sources.common import FHIR_SD, JSON
from profile_sources.structures import Builder, component_slices, el, inv, record_code, ref, t


def build(b: Builder) -> JSON:
    """The DAChildVictimStatus StructureDefinition."""
    ctx = b.ctx
    person = ctx.sd("DAPerson")
    incident = ctx.sd("DAIncident")
    cc = [t("CodeableConcept")]
    oc = ctx.cs("observation-component")
    vs_cs = ctx.cs("victim-status")
    return b.profile(
        "DAChildVictimStatus",
        "Child victim status",
        "A child's status as a victim of domestic abuse (DA Act 2021 s3, or s1 for 16-17 year olds), with the s3 basis and relatedness, or the reason it does not apply. The status is kept for life.",
        "Observation",
        FHIR_SD + "Observation",
        [
            el(
                "Observation",
                "A child's victim status",
                "A child's status as a victim of domestic abuse for one or more incidents.",
                learning="L05, L12",
                constraints=[
                    inv(
                        "da-cvs-1",
                        "error",
                        "A child recorded as not a victim has a recorded reason.",
                        f"value.ofType(CodeableConcept).coding.where(system = '{vs_cs}' and code = 'not-a-victim').exists() implies component.where(code.coding.where(system = '{oc}' and code = 'not-victim-reason').exists()).exists()",
                    ),
                    inv(
                        "da-cvs-2",
                        "warning",
                        "An s3 child victim has a recorded basis and relatedness.",
                        f"value.ofType(CodeableConcept).coding.where(system = '{vs_cs}' and code = 's3-child-victim').exists() implies (component.where(code.coding.where(system = '{oc}' and code = 'basis').exists()).exists() and component.where(code.coding.where(system = '{oc}' and code = 'related-to').exists()).exists())",
                    ),
                ],
            ),
            el(
                "Observation.status",
                "Record status",
                "The status of the record. The victim status is never removed because the incident is old.",
                must=True,
            ),
            record_code(b, "Observation", "child-victim-status", "child victim status"),
            el(
                "Observation.subject",
                "The child",
                "The child whose status this is.",
                min=1,
                types=[ref(person)],
                must=True,
            ),
            el(
                "Observation.focus",
                "The incident(s)",
                "The incident(s) the status relates to.",
                types=[ref(incident)],
                must=True,
            ),
            el(
                "Observation.effective[x]",
                "When decided",
                "When the status was decided.",
                min=1,
                types=[t("dateTime")],
                must=True,
            ),
            el(
                "Observation.value[x]",
                "Victim status",
                "The child's status.",
                min=1,
                types=cc,
                must=True,
                learning="L05",
                binding=b.bind("required", "victim-status", "Closed list from the DA Act 2021."),
            ),
            *component_slices(
                b,
                "Observation",
                [
                    (
                        "basis",
                        "basis",
                        "How the child was affected (s3(2)(a))",
                        "0",
                        "*",
                        cc,
                        b.bind("required", "s3-basis", "DA Act 2021 s3(2)(a)."),
                        "L05",
                    ),
                    (
                        "relatedTo",
                        "related-to",
                        "How the child is related (s3(3))",
                        "0",
                        "*",
                        cc,
                        b.bind("required", "s3-relatedness", "DA Act 2021 s3(3)."),
                        "L05",
                    ),
                    (
                        "notVictimReason",
                        "not-victim-reason",
                        "Why not a victim",
                        "0",
                        "1",
                        [t("string")],
                        None,
                        "L05",
                    ),
                ],
            ),
        ],
    )
