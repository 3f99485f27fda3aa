"""The incident-role code system (Role in an incident)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "incident-role",
        "IncidentRole",
        "Role in an incident",
        "The role a person had in one incident. Roles are given per incident and never inferred from sex, age or "
        "relationship (learning points L04, L14).",
        [
            C(
                "person-causing-harm",
                "Person causing harm",
                "The person whose behaviour was abusive (person A in DA Act 2021 s1).",
            ),
            C(
                "victim",
                "Victim",
                "A person towards whom the abusive behaviour was directed (person B in DA Act 2021 s1).",
            ),
            C("child-present", "Child present", "A child who was present at the incident."),
            C(
                "child-not-present",
                "Child not present",
                "A child of the household or family who was not present at the incident.",
            ),
            C(
                "witness",
                "Witness",
                "A person, not a victim or the person causing harm, who witnessed the incident.",
            ),
            C("other-party", "Other party", "Any other person involved in the incident."),
        ],
    )
