"""The service-end-reason code system (Service end reason)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "service-end-reason",
        "ServiceEndReason",
        "Service end reason",
        "Why a service episode ended (learning point L12).",
        [
            C("goals-achieved", "Goals achieved", "The goals of the service were achieved."),
            C(
                "risk-reduced",
                "Risk reduced",
                "The assessed risk reduced so that the service was no longer needed.",
            ),
            C("disengaged", "Disengaged", "The person stopped engaging with the service."),
            C("declined-further-support", "Declined further support", "The person declined further support."),
            C("moved-out-of-area", "Moved out of area", "The person moved out of the service's area."),
            C("transferred", "Transferred", "The case was transferred to another service."),
            C("stepped-down", "Stepped down", "The case was stepped down to a lower-level service."),
            C("time-limit-reached", "Time limit reached", "The service's time-limited offer ended."),
            C("other", "Other reason", "Another reason, described in text."),
        ],
    )
