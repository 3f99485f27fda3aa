# ruff: noqa: E501  (a catalogue of code-system text: definitions and source URLs are kept on one line each)
"""The abuse-classification code system (Abuse classification)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "abuse-classification",
        "AbuseClassification",
        "Abuse classification",
        "Whether behaviour between adults is domestic abuse or parental conflict, which need different "
        "interventions (learning point L03).",
        [
            C("domestic-abuse", "Domestic abuse", "The behaviour is domestic abuse as defined in DA Act 2021 s1."),
            C(
                "parental-conflict",
                "Parental conflict",
                "The behaviour is conflict between parents without fear, control or a power imbalance, and is not domestic abuse.",
            ),
            C(
                "teenage-relationship-abuse",
                "Teenage relationship abuse",
                "Abuse in an intimate relationship between young people where one or both are under 16, so outside DA Act 2021 s1; it is still abuse, with a victim and a person causing harm, and is safeguarded as abuse of a child.",
            ),
            C("undetermined", "Undetermined", "It has not yet been possible to decide; the decision is pending."),
        ],
    )
