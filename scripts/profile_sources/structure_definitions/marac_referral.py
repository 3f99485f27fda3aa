# ruff: noqa: E501  (element definitions are prose; each is kept on one line)
"""DAMaracReferral (MARAC referral), a profile of ServiceRequest."""

from __future__ import annotations

from profile_sources.common import FHIR_SD, JSON
from profile_sources.structures import Builder, el, ext_root, record_code, ref


def build(b: Builder) -> JSON:
    """The DAMaracReferral StructureDefinition."""
    ctx = b.ctx
    person = ctx.sd("DAPerson")
    agency = ctx.sd("DAAgency")
    incident = ctx.sd("DAIncident")
    practitioner = FHIR_SD + "Practitioner"
    return b.profile(
        "DAMaracReferral",
        "MARAC referral",
        "A referral to a MARAC: referrer, victim, person causing harm, children, criteria met, and consent or the basis for sharing without consent.",
        "ServiceRequest",
        FHIR_SD + "ServiceRequest",
        [
            el(
                "ServiceRequest",
                "A MARAC referral",
                "A referral of a victim to a multi-agency risk assessment conference.",
                learning="L11",
            ),
            ext_root("ServiceRequest"),
            b.ext_slice(
                "ServiceRequest.extension",
                "meeting",
                "marac-meeting",
                0,
                "1",
                "The meeting that heard the referral",
                "When the MARAC heard the case, the agencies present, whether it is a repeat and whether the victim was told the outcome.",
                "L11",
            ),
            b.ext_slice(
                "ServiceRequest.extension",
                "personCausingHarm",
                "marac-person-causing-harm",
                0,
                "*",
                "Person causing harm",
                "The person causing harm.",
                "L04, L11",
            ),
            b.ext_slice(
                "ServiceRequest.extension",
                "child",
                "marac-child",
                0,
                "*",
                "Children in the household",
                "Each child in the household.",
                "L11",
            ),
            b.ext_slice(
                "ServiceRequest.extension",
                "sharingBasis",
                "sharing-basis",
                1,
                "1",
                "Consent or basis",
                "Whether shared with consent or on what basis without.",
                "L11, L24",
            ),
            el("ServiceRequest.status", "Referral status", "The status of the referral.", must=True),
            el("ServiceRequest.intent", "order", "A referral is an order.", fixedCode="order"),
            record_code(b, "ServiceRequest", "marac-referral", "MARAC referral"),
            el("ServiceRequest.subject", "The victim", "The victim referred.", types=[ref(person)], must=True),
            el("ServiceRequest.authoredOn", "When referred", "When the referral was made.", min=1, must=True),
            el(
                "ServiceRequest.requester",
                "Referring agency",
                "The agency that referred.",
                min=1,
                types=[ref(agency, practitioner)],
                must=True,
                learning="L11",
            ),
            el(
                "ServiceRequest.reasonCode",
                "Criteria met",
                "The MARAC referral criteria met.",
                min=1,
                must=True,
                learning="L11",
                binding=b.bind("required", "marac-criterion", "The four SafeLives criteria."),
            ),
            el(
                "ServiceRequest.supportingInfo",
                "Assessment and incidents",
                "The risk assessment and incidents behind the referral.",
                types=[ref(ctx.sd("DARiskAssessment"), incident)],
            ),
        ],
    )
