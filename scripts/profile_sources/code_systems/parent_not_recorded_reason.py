# ruff: noqa: E501  (a catalogue of code-system text: definitions and source URLs are kept on one line each)
"""The parent-not-recorded-reason code system (Why a parent is not in the record)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "parent-not-recorded-reason",
        "ParentNotRecordedReason",
        "Why a parent is not in the record",
        "Why a child's other parent is not recorded as a person with a parent relationship (learning point L15: fathers and other men were overlooked).",
        [
            C("not-known", "Not known", "The parent's identity is not known to the family or the agencies."),
            C(
                "declined-to-name",
                "Declined to name",
                "The parent with care was asked and declined to name the other parent.",
            ),
            C("not-asked", "Not asked", "Nobody has asked who the other parent is."),
            C("deceased-not-recorded", "Deceased", "The other parent has died and is not recorded as a person."),
        ],
    )
