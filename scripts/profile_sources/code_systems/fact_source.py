"""The fact-source code system (Source of a fact)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "fact-source",
        "FactSource",
        "Source of a fact",
        "How a recorded fact is known (learning point L25).",
        [
            C("self-reported", "Self-reported", "Reported by the person the fact is about; the person is named."),
            C(
                "reported-by-other",
                "Reported by another person",
                "Reported by another person, such as a parent or partner; the person is named.",
            ),
            C("observed", "Observed", "Observed directly by a practitioner."),
            C(
                "verified-by-agency",
                "Verified by an agency",
                "Verified by an agency from its own records or documents; the agency is named.",
            ),
            C("record-check", "Record check", "Found in a check of records."),
            C("derived", "Derived", "Derived or calculated from other recorded facts."),
        ],
    )
