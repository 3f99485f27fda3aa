"""The adult-role code system (Adult's role in a child's life)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "adult-role",
        "AdultRole",
        "Adult's role in a child's life",
        "The role of a significant adult in a child's life, whether or not the adult lives with the child "
        "(learning point L15).",
        [
            C("birth-parent", "Birth parent", "A birth parent of the child."),
            C("step-parent", "Step-parent", "A step-parent of the child."),
            C(
                "partner-of-parent",
                "Partner of a parent",
                "A current partner of one of the child's parents, living in the household.",
            ),
            C(
                "non-resident-partner",
                "Non-resident partner of a parent",
                "A current partner of one of the child's parents, not living in the household.",
            ),
            C(
                "ex-partner-of-parent",
                "Former partner of a parent",
                "A former partner of one of the child's parents.",
            ),
            C("kinship-carer", "Kinship carer", "A relative or friend who cares for the child."),
            C("other-household-adult", "Other household adult", "Another adult living in the child's household."),
            C(
                "other-significant-adult",
                "Other significant adult",
                "Another adult significant in the child's life.",
            ),
        ],
    )
