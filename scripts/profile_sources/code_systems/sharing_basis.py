"""The sharing-basis code system (Basis for sharing information)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "sharing-basis",
        "SharingBasis",
        "Basis for sharing information",
        "The basis on which information was shared between agencies or with a MARAC.",
        [
            C("consent", "Consent", "The person the information is about consented to the sharing."),
            C(
                "without-consent-risk-of-harm",
                "Without consent: risk of harm",
                "Shared without consent because of a risk of serious harm to the person or others.",
            ),
            C(
                "without-consent-legal-duty",
                "Without consent: legal duty",
                "Shared without consent because a statutory duty or a court order requires it (for example the "
                "police notification of a child's school under DA Act 2021 s49A).",
            ),
            C("other-lawful-basis", "Other lawful basis", "Shared on another lawful basis, named in text."),
        ],
    )
