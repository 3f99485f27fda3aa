# ruff: noqa: E501  (element definitions are prose; each is kept on one line)
"""DAAbuseClassification (Abuse classification), a profile of Observation."""

from __future__ import annotations

from profile_sources.common import FHIR_SD, JSON
from profile_sources.structures import Builder, component_slices, el, record_code, ref, t


def build(b: Builder) -> JSON:
    """The DAAbuseClassification StructureDefinition."""
    ctx = b.ctx
    person = ctx.sd("DAPerson")
    household = ctx.sd("DAHousehold")
    incident = ctx.sd("DAIncident")
    cc = [t("CodeableConcept")]
    return b.profile(
        "DAAbuseClassification",
        "Abuse classification",
        "Whether behaviour between adults is domestic abuse or parental conflict, with the indicators it rests on and the reasoning.",
        "Observation",
        FHIR_SD + "Observation",
        [
            el(
                "Observation",
                "Domestic abuse or parental conflict",
                "A decision whether behaviour is domestic abuse or parental conflict.",
                learning="L03",
            ),
            el("Observation.status", "Record status", "The status of the record.", must=True),
            record_code(b, "Observation", "abuse-classification", "abuse classification"),
            el(
                "Observation.subject",
                "Household or person",
                "The household or person the decision concerns.",
                min=1,
                types=[ref(household, person)],
                must=True,
            ),
            el(
                "Observation.focus",
                "The incident(s)",
                "The incidents the decision considered.",
                types=[ref(incident)],
                must=True,
            ),
            el(
                "Observation.effective[x]",
                "When decided",
                "When the decision was made.",
                min=1,
                types=[t("dateTime")],
                must=True,
            ),
            el(
                "Observation.value[x]",
                "Classification",
                "Domestic abuse, parental conflict or undetermined.",
                min=1,
                types=cc,
                must=True,
                learning="L03",
                binding=b.bind("required", "abuse-classification", "Closed list."),
            ),
            el("Observation.note", "Reasoning", "The practitioner's reasoning.", must=True, learning="L03"),
            *component_slices(
                b,
                "Observation",
                [
                    (
                        "basis",
                        "basis",
                        "Indicator the decision rests on",
                        "1",
                        "*",
                        cc,
                        b.bind("extensible", "classification-basis", "Practitioners may record other indicators."),
                        "L03",
                    ),
                ],
            ),
        ],
    )
