"""The protective-capacity code system (Protective capacity)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "protective-capacity",
        "ProtectiveCapacity",
        "Protective capacity",
        "An adult's assessed capacity to protect a child (learning point L15).",
        [
            C("good", "Good", "The adult is able and willing to protect the child."),
            C("some", "Some", "The adult has some capacity to protect the child."),
            C("limited", "Limited", "The adult's capacity to protect the child is limited."),
            C("none-identified", "None identified", "No capacity to protect the child was identified."),
            C("not-assessed", "Not assessed", "The adult's protective capacity has not been assessed."),
        ],
    )
