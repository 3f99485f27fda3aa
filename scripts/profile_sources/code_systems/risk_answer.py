"""The risk-answer code system (Risk checklist answer)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "risk-answer",
        "RiskAnswer",
        "Risk checklist answer",
        "The answer recorded for one question of a risk checklist.",
        [
            C("yes", "Yes", "The answer is yes."),
            C("no", "No", "The answer is no."),
            C("not-known", "Not known", "The question was asked and the answer is not known."),
            C("not-asked", "Not asked", "The question was not asked."),
        ],
    )
