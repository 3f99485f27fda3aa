"""The s3-basis code system (Basis of child victim status)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "s3-basis",
        "S3Basis",
        "Basis of child victim status",
        "The ways a child is affected by domestic abuse that make the child a victim (DA Act 2021 s3(2)(a)).",
        [
            C("sees", "Sees", "The child sees the abuse (s3(2)(a))."),
            C("hears", "Hears", "The child hears the abuse (s3(2)(a))."),
            C(
                "experiences-effects",
                "Experiences the effects",
                "The child experiences the effects of the abuse (s3(2)(a)).",
            ),
        ],
        absence=True,
    )
