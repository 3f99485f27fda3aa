"""The relationship-status code system (Relationship status)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "relationship-status",
        "RelationshipStatus",
        "Relationship status",
        "The status of a relationship during one dated episode. Separations and reconciliations are recorded as "
        "successive episodes so the history is kept (learning points L17, L18).",
        [
            C("together", "Together", "The two people are in the relationship, whether or not they live together."),
            C("separated", "Separated", "The relationship has ended or one person has left it."),
            C("reconciled", "Reconciled", "The two people have resumed the relationship after a separation."),
            C("not-known", "Not known", "The current status of the relationship is not known."),
        ],
    )
