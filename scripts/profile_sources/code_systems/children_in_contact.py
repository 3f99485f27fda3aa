"""The children-in-contact code system (Children in contact with an adult)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "children-in-contact",
        "ChildrenInContact",
        "Children in contact with an adult",
        "Whether an adult lives with or has contact with children (learning point L23).",
        [
            C("lives-with-children", "Lives with children", "The adult lives with one or more children."),
            C(
                "contact-with-children",
                "Contact with children",
                "The adult does not live with children but has contact with one or more children.",
            ),
            C("no-children", "No children", "The adult neither lives with nor has contact with children."),
            C(
                "not-known",
                "Not known",
                "It has not been established whether the adult lives with or has contact with children.",
            ),
        ],
    )
