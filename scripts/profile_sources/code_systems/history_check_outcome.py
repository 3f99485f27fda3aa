"""The history-check-outcome code system (History check outcome)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "history-check-outcome",
        "HistoryCheckOutcome",
        "History check outcome",
        "The outcome of a history check.",
        [
            C("history-disclosed", "History disclosed", "Relevant history was found and disclosed."),
            C("no-relevant-history", "No relevant history", "No relevant history was found."),
            C("pending", "Pending", "The check has not yet been completed."),
            C("declined", "Declined", "The request was declined."),
        ],
    )
