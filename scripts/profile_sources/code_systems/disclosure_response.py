"""The disclosure-response code system (Response to a disclosure)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "disclosure-response",
        "DisclosureResponse",
        "Response to a disclosure",
        "The response made to a disclosure of abuse (learning point L19). An unanswered disclosure has no response.",
        [
            C(
                "acknowledged-and-listened",
                "Acknowledged and listened",
                "The practitioner acknowledged the disclosure and recorded the person's words.",
            ),
            C("safety-planning", "Safety planning", "Safety planning was started."),
            C(
                "referral-childrens-social-care",
                "Referred to children's social care",
                "A referral was made to children's social care or the MASH.",
            ),
            C(
                "referral-specialist-service",
                "Referred to a specialist service",
                "A referral was made to a specialist domestic abuse service.",
            ),
            C("reported-to-police", "Reported to police", "The disclosure was reported to the police."),
            C("risk-assessment", "Risk assessment", "A risk assessment was completed."),
            C("shared-with-agency", "Shared with another agency", "The disclosure was shared with another agency."),
            C("advice-given", "Advice given", "Advice or information was given."),
            C("no-action", "No action", "No action was taken; the reason is recorded."),
        ],
    )
