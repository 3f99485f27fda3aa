"""The offending-history code system (Offending history)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "offending-history",
        "OffendingHistory",
        "Offending history",
        "Kinds of known prior violence or offending by an adult (learning point L21).",
        [
            C(
                "violence-against-partner",
                "Violence against a partner",
                "Violence against a current or former partner.",
            ),
            C("violence-against-child", "Violence against a child", "Violence against a child."),
            C("violence-other", "Other violence", "Violence against another person."),
            C("sexual-offence", "Sexual offence", "A sexual offence."),
            C("stalking-harassment", "Stalking or harassment", "Stalking or harassment."),
            C("breach-of-order", "Breach of order", "A breach of bail, an injunction or a protective order."),
            C("no-known-history", "No known history", "Checks found no known history of violence or offending."),
        ],
    )
