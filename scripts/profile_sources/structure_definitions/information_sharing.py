# ruff: noqa: E501  (element definitions are prose; each is kept on one line)
"""DAInformationSharing (Information sharing), a profile of Communication."""

from __future__ import annotations

from profile_sources.common import FHIR_SD, JSON
from profile_sources.structures import Builder, el, ext_root, ref, t


def build(b: Builder) -> JSON:
    """The DAInformationSharing StructureDefinition."""
    ctx = b.ctx
    person = ctx.sd("DAPerson")
    agency = ctx.sd("DAAgency")
    household = ctx.sd("DAHousehold")
    practitioner = FHIR_SD + "Practitioner"
    rt = ctx.cs("record-type")
    return b.profile(
        "DAInformationSharing",
        "Information sharing",
        "An information-sharing event: what was shared, from which agency to which, when, and with consent or on what lawful basis.",
        "Communication",
        FHIR_SD + "Communication",
        [
            el(
                "Communication",
                "An information-sharing event",
                "One agency sharing information with another.",
                learning="L11, L24",
            ),
            ext_root("Communication"),
            b.ext_slice(
                "Communication.extension",
                "frontDoorDecision",
                "front-door-decision",
                0,
                "1",
                "The front door's decision",
                "The receiving front door's decision on what was shared, and when.",
                "L02, L11, L24",
            ),
            b.ext_slice(
                "Communication.extension",
                "sharingBasis",
                "sharing-basis",
                1,
                "1",
                "Consent or basis",
                "Whether shared with consent or on what basis without.",
                "L11, L24",
            ),
            b.ext_slice(
                "Communication.extension",
                "needToKnow",
                "need-to-know",
                0,
                "1",
                "Recipient's need to know",
                "Why the receiving agency needs to know what was shared; recorded whenever a confidential address is shared (DA3802).",
                "L11, L16, L24",
            ),
            el("Communication.status", "Status", "The status of the sharing event.", must=True),
            el(
                "Communication.category",
                "information-sharing",
                "Identifies the record as an information-sharing event.",
                min=1,
                patternCodeableConcept={"coding": [{"system": rt, "code": "information-sharing"}]},
            ),
            el(
                "Communication.subject",
                "About whom",
                "The person the information is about.",
                types=[ref(person, household)],
            ),
            el(
                "Communication.about",
                "What was shared",
                "The records shared.",
                types=[t("Reference")],
                must=True,
                learning="L24",
            ),
            el("Communication.sent", "When", "When the information was shared.", min=1, must=True, learning="L24"),
            el(
                "Communication.recipient",
                "To which agency",
                "The receiving agency.",
                min=1,
                types=[ref(agency, practitioner)],
                must=True,
                learning="L11",
            ),
            el(
                "Communication.sender",
                "From which agency",
                "The sharing agency.",
                min=1,
                types=[ref(agency, practitioner)],
                must=True,
                learning="L11",
            ),
            el("Communication.payload", "Summary", "A summary of what was shared."),
            el("Communication.payload.content[x]", "Text", "The summary as text.", types=[t("string")]),
        ],
    )
