"""The court-order code system (Court order)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "court-order",
        "CourtOrder",
        "Court order",
        "Court orders that govern a child's contact with an adult or protect a victim.",
        [
            C("none", "No order", "No court order applies."),
            C(
                "child-arrangements-order",
                "Child arrangements order",
                "A child arrangements order (Children Act 1989 s8).",
            ),
            C(
                "prohibited-steps-order",
                "Prohibited steps order",
                "A prohibited steps order (Children Act 1989 s8).",
            ),
            C("specific-issue-order", "Specific issue order", "A specific issue order (Children Act 1989 s8)."),
            C(
                "non-molestation-order",
                "Non-molestation order",
                "A non-molestation order (Family Law Act 1996 s42).",
            ),
            C("occupation-order", "Occupation order", "An occupation order (Family Law Act 1996 Part 4)."),
            C("restraining-order", "Restraining order", "A restraining order made in criminal proceedings."),
            C("other", "Other order", "Another order, named in text."),
        ],
    )
