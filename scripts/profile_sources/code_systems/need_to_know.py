"""The need-to-know code system (Recipient's need to know)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "need-to-know",
        "NeedToKnow",
        "Recipient's need to know",
        "Why the receiving agency needs to know what was shared, recorded when the sharing includes a location that "
        "must not be disclosed (a confidential address). The standard's own codes (learning points L11, L16, L24).",
        [
            C(
                "safeguarding-child",
                "Safeguarding a child",
                "The recipient needs the information to safeguard a child (for example a school or GP that must "
                "know where a child now lives to keep them safe).",
            ),
            C(
                "risk-management-marac",
                "Risk management at MARAC",
                "The recipient needs the information to manage risk to the victim as a MARAC agency.",
            ),
            C(
                "victim-safety-planning",
                "Victim safety planning",
                "The recipient needs the information to plan the victim's safety (for example a refuge or an "
                "independent domestic violence adviser).",
            ),
            C(
                "statutory-duty",
                "Statutory duty",
                "The recipient needs the information to carry out a statutory duty that requires it.",
            ),
            C(
                "none-recorded",
                "None recorded",
                "No need to know was recorded by the sharing agency (for example in a migrated record). Stating "
                "this is not a need to know.",
            ),
        ],
    )
