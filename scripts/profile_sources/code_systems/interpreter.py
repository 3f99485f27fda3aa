"""The interpreter code system (Interpreter at a contact)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "interpreter",
        "Interpreter",
        "Interpreter at a contact",
        "Who interpreted at a contact or disclosure, for a person who needs an interpreter. A victim or child spoken "
        "with through a relative, a friend or a child of the family was not heard in their own words, and the "
        "relative may be the person causing harm or close to them (learning points L07, L19, L25). The standard's "
        "own codes.",
        [
            C(
                "professional",
                "Professional interpreter, in person",
                "An independent professional interpreter was present.",
            ),
            C(
                "professional-remote",
                "Professional interpreter, by telephone or video",
                "An independent professional interpreter took part by telephone or video.",
            ),
            C(
                "family-member",
                "A family member interpreted",
                "An adult relative or partner of the person interpreted (not an independent interpreter).",
            ),
            C(
                "child",
                "A child interpreted",
                "A child interpreted for an adult, or a sibling for a child.",
            ),
            C(
                "friend-or-community",
                "A friend or community member interpreted",
                "A friend, neighbour or member of the community interpreted (not an independent interpreter).",
            ),
            C(
                "none",
                "No interpreter",
                "No interpreter took part: the contact was held in a language other than the person's own.",
            ),
        ],
    )
