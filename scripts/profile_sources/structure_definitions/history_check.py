"""DAHistoryCheck (History check), a profile of Observation."""

from __future__ import annotations

from profile_sources.common import JSON
from profile_sources.structures import Builder, component_slices, el, ref, simple_obs, t


def build(b: Builder) -> JSON:
    """The DAHistoryCheck StructureDefinition."""
    ctx = b.ctx
    person = ctx.sd("DAPerson")
    agency = ctx.sd("DAAgency")
    cc = [t("CodeableConcept")]
    return simple_obs(
        b,
        "DAHistoryCheck",
        "History check",
        "A disclosure-scheme (Clare's Law) request or a records check about an adult: date, agency, type and outcome.",
        "history-check",
        "L21",
        "The adult checked.",
        "history-check-outcome",
        "required",
        [
            el(
                "Observation.focus",
                "Person at risk",
                "The person at risk on whose behalf the check was made.",
                types=[ref(person)],
                must=True,
            ),
            el("Observation.performer", "Agency", "The agency that made the check.", types=[ref(agency)], must=True),
            *component_slices(
                b,
                "Observation",
                [
                    (
                        "checkType",
                        "check-type",
                        "Type of check",
                        "1",
                        "1",
                        cc,
                        b.bind("required", "history-check-type", "Closed list."),
                        "L21",
                    )
                ],
            ),
        ],
        effective=[t("dateTime")],
    )
