"""The pregnancy-status code system (Pregnancy status)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "pregnancy-status",
        "PregnancyStatus",
        "Pregnancy status",
        "A person's pregnancy status (learning point L20). 'Recently given birth' follows the DASH checklist "
        "question on a baby born in the past 18 months.",
        [
            C("pregnant", "Pregnant", "The person is pregnant."),
            C("recently-given-birth", "Recently given birth", "The person has given birth in the past 18 months."),
            C("not-pregnant", "Not pregnant", "The person is not pregnant and has not recently given birth."),
        ],
        absence=True,
    )
