# ruff: noqa: E501  (a catalogue of code-system text: definitions and source URLs are kept on one line each)
"""The sex code system (Sex)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "sex",
        "Sex",
        "Sex",
        "A person's sex: biological sex, as the words 'sex', 'man' and 'woman' are used in the Equality Act 2010 s11 "
        "as interpreted in For Women Scotland Ltd v The Scottish Ministers [2025] UKSC 16. It is recorded apart from "
        "administrative gender and gender identity. The codes follow the DfE children in need census Sex item "
        "(M, F, U) from 2024-25.",
        [
            C("M", "Male", "Male: a person of the male sex (Equality Act 2010 s11; FWS [2025] UKSC 16)."),
            C("F", "Female", "Female: a person of the female sex (Equality Act 2010 s11; FWS [2025] UKSC 16)."),
            C(
                "U",
                "Not yet determined",
                "Sex not yet determined, including an unborn child. Not used for a person whose sex is simply not recorded: that is stated with data-absent-reason.",
            ),
        ],
        absence=True,
    )
