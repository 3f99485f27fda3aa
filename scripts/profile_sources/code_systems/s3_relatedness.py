"""The s3-relatedness code system (Child's relatedness to the abuser or victim)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "s3-relatedness",
        "S3Relatedness",
        "Child's relatedness to the abuser or victim",
        "How a child is related to the person causing harm or to the victim (DA Act 2021 s3(2)(b), s3(3)).",
        [
            C("parent-of-child", "Parent of the child", "The person is a parent of the child (s3(3)(a))."),
            C(
                "parental-responsibility",
                "Has parental responsibility",
                "The person has parental responsibility for the child (s3(3)(a); Children Act 1989 s3).",
            ),
            C(
                "relative",
                "Relative",
                "The child and the person are relatives (s3(3)(b); Family Law Act 1996 s63(1)).",
            ),
        ],
        absence=True,
    )
