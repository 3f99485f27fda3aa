# ruff: noqa: E501  (a catalogue of code-system text: definitions and source URLs are kept on one line each)
"""The marac-criterion code system (MARAC referral criterion)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "marac-criterion",
        "MaracCriterion",
        "MARAC referral criterion",
        "The four SafeLives criteria for referral to a multi-agency risk assessment conference (MARAC).",
        [
            C(
                "visible-high-risk",
                "Visible high risk",
                "An actuarial assessment: 14 or more 'yes' answers on the Dash risk identification checklist.",
            ),
            C(
                "professional-judgement",
                "Professional judgement",
                "A practitioner's judgement of serious risk, informed by but not limited to the checklist; the reasons are recorded.",
            ),
            C(
                "potential-escalation",
                "Potential escalation",
                "Escalation in the frequency or severity of abuse (SafeLives suggests three incidents in 12 months).",
            ),
            C(
                "repeat",
                "Repeat",
                "Any instance of abuse between the same victim and person causing harm within 12 months of the last MARAC referral.",
            ),
        ],
    )
