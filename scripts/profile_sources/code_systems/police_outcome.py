"""The police-outcome code system (Police outcome)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "police-outcome",
        "PoliceOutcome",
        "Police outcome",
        "The police action taken in response to a domestic abuse incident, as recorded on incident forms "
        "(whether the person causing harm was arrested, and if not why not).",
        [
            C("arrest", "Arrested", "The person causing harm was arrested."),
            C(
                "voluntary-interview",
                "Voluntary interview",
                "The person causing harm was interviewed voluntarily, without arrest.",
            ),
            C(
                "no-arrest",
                "Not arrested",
                "The person causing harm was not arrested; the reason is recorded in text.",
            ),
            C(
                "suspect-not-located",
                "Suspect not located",
                "The person causing harm could not be found at the time.",
            ),
            C("charged", "Charged", "The person causing harm was charged with an offence."),
            C(
                "out-of-court-disposal",
                "Out-of-court disposal",
                "The matter was dealt with by an out-of-court disposal.",
            ),
            C("under-investigation", "Under investigation", "The matter remains under investigation."),
            C("no-further-action", "No further action", "The police decided to take no further action."),
        ],
    )
