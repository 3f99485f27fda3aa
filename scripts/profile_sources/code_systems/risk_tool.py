# ruff: noqa: E501  (a catalogue of code-system text: definitions and source URLs are kept on one line each)
"""The risk-tool code system (Risk assessment tool)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "risk-tool",
        "RiskTool",
        "Risk assessment tool",
        "Domestic abuse risk assessment tools used in the UK. Only the tool, its version and question numbers are "
        "recorded; the licensed question wording is never copied.",
        [
            C(
                "safelives-ric-24",
                "SafeLives Dash risk identification checklist",
                "The SafeLives Dash risk identification checklist used by partner agencies and Idvas (24 questions).",
            ),
            C(
                "police-dash-2009",
                "ACPO DASH 2009",
                "The ACPO DASH (2009) risk model used by police (27 questions).",
            ),
            C(
                "dara",
                "DARA",
                "The College of Policing Domestic Abuse Risk Assessment used by police first responders (launched November 2022).",
            ),
            C("daq", "Police Scotland DAQ", "The Police Scotland domestic abuse questions (26 questions)."),
            C(
                "young-peoples-ric",
                "SafeLives young people's Dash RIC",
                "The SafeLives Dash risk identification checklist for young people aged 13 to 17.",
            ),
            C("s-dash", "S-DASH", "The stalking and harassment supplement to DASH (11 questions)."),
            C("other", "Other tool", "Another risk assessment tool, named in text."),
        ],
    )
