"""The offer-outcome code system (Offer outcome)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "offer-outcome",
        "OfferOutcome",
        "Offer outcome",
        "What happened when a service was offered (learning point L08).",
        [
            C("accepted", "Accepted", "The offer of the service was accepted."),
            C("declined", "Declined", "The offer of the service was declined."),
            C("not-offered", "Not offered", "The service was not offered."),
        ],
    )
