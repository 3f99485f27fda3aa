"""The victim-status code system (Child victim status)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "victim-status",
        "VictimStatus",
        "Child victim status",
        "A child's status as a victim of domestic abuse under the Domestic Abuse Act 2021.",
        [
            C(
                "s3-child-victim",
                "Child victim (DA Act 2021 s3)",
                "A child who sees or hears, or experiences the effects of, the abuse and is related to the person "
                "causing harm or the victim (DA Act 2021 s3(2)).",
            ),
            C(
                "s1-direct-victim",
                "Direct victim (DA Act 2021 s1)",
                "A child aged 16 or 17 who is personally connected to the person causing harm and towards whom the "
                "abusive behaviour was directed (DA Act 2021 s1(2)).",
            ),
            C(
                "not-a-victim",
                "Not a victim",
                "The child is assessed as not a victim of the abuse; the reason is recorded.",
            ),
        ],
    )
