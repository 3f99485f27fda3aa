"""The risk-level code system (Risk level)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "risk-level",
        "RiskLevel",
        "Risk level",
        "Risk levels of the SafeLives Dash risk identification checklist guidance. The levels are suggested by the "
        "number of 'yes' answers and may be raised, never lowered, by professional judgement.",
        [
            C("standard", "Standard", "Current evidence does not indicate likelihood of causing serious harm."),
            C(
                "medium",
                "Medium",
                "There are identifiable indicators of risk of serious harm. The person causing harm has the "
                "potential to cause serious harm but is unlikely to do so unless there is a change in circumstances.",
            ),
            C(
                "high",
                "High",
                "There are identifiable indicators of risk of serious harm. The potential event could happen at "
                "any time and the impact would be serious.",
            ),
        ],
    )
