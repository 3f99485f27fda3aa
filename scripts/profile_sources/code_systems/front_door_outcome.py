# ruff: noqa: E501  (a catalogue of code-system text: definitions and source URLs are kept on one line each)
"""The front-door-outcome code system (Front door decision)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "front-door-outcome",
        "FrontDoorOutcome",
        "Front door decision",
        "The decision of children's social care's front door (MASH or duty team) on a notification or referral (learning points L02, L11, L24).",
        [
            C("no-further-action", "No further action", "No further action by children's social care."),
            C(
                "information-and-advice",
                "Information and advice",
                "Information, advice or signposting given to the family or the referrer.",
            ),
            C("early-help", "Early help", "Referred for an early help assessment or service."),
            C("child-in-need-assessment", "Child in need assessment", "An assessment under Children Act 1989 s17."),
            C(
                "strategy-discussion",
                "Strategy discussion",
                "A strategy discussion, which may lead to an enquiry under Children Act 1989 s47.",
            ),
            C("already-open", "Already open", "Passed to the social worker of a case already open."),
            C("marac-referral", "MARAC referral", "A referral to the MARAC."),
        ],
    )
