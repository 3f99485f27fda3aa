"""The child-exposure code system (Child's exposure to an incident)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "child-exposure",
        "ChildExposure",
        "Child's exposure to an incident",
        "How a child was exposed to an incident, following DA Act 2021 s3(2)(a) (sees, hears or experiences the "
        "effects of the abuse) with police incident-form categories (present, injured).",
        [
            C("saw", "Saw", "The child saw the abuse."),
            C("heard", "Heard", "The child heard the abuse."),
            C("experienced-effects", "Experienced the effects", "The child experienced the effects of the abuse."),
            C("present", "Present", "The child was present at the incident."),
            C("directly-harmed", "Directly harmed", "The child was directly harmed or injured in the incident."),
            C("not-present", "Not present", "The child was not present at the incident."),
        ],
    )
