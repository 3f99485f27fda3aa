"""The contact-type code system (Contact arrangement type)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "contact-type",
        "ContactType",
        "Contact arrangement type",
        "Kinds of contact between a child and an adult.",
        [
            C("overnight", "Overnight", "Contact including overnight stays."),
            C("day", "Day", "Daytime contact without overnight stays."),
            C("indirect", "Indirect", "Indirect contact only (letters, calls, video)."),
            C("none", "None", "No contact."),
        ],
    )
