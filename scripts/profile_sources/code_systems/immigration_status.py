# ruff: noqa: E501  (a catalogue of code-system text: definitions and source URLs are kept on one line each)
"""The immigration-status code system (Immigration status)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "immigration-status",
        "ImmigrationStatus",
        "Immigration status",
        "A person's immigration status as far as it bears on safety and support: insecure status and no recourse to public funds keep victims with the person causing harm. A coarse list of the standard's own; a Home Office status is recorded in text.",
        [
            C("british-or-irish", "British or Irish citizen", "A British or Irish citizen."),
            C("settled", "Settled", "Indefinite leave to remain or settled status."),
            C(
                "limited-leave",
                "Limited leave",
                "Limited leave to remain (for example pre-settled status, a spouse or partner visa, a work or study visa).",
            ),
            C("asylum-seeker", "Asylum seeker", "An asylum claim is pending."),
            C("refugee", "Refugee or humanitarian protection", "Granted refugee status or humanitarian protection."),
            C("no-leave", "No leave", "No current leave to remain (overstayed, or entered without leave)."),
        ],
    )
