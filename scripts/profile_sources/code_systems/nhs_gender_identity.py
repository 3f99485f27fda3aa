# ruff: noqa: E501  (a catalogue of code-system text: definitions and source URLs are kept on one line each)
"""The nhs-gender-identity code system (Gender identity code (NHS Data Dictionary))."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "nhs-gender-identity",
        "NhsGenderIdentity",
        "Gender identity code (NHS Data Dictionary)",
        "NHS Data Dictionary GENDER IDENTITY CODE, used in MHSDS, IAPT and other datasets. Source: "
        "https://archive.datadictionary.nhs.uk/DD%20Release%20November%202024/data_elements/gender_identity_code.html . "
        "It records gender identity, never sex.",
        [
            C("1", "Male (including trans man)", "Male (including trans man)."),
            C("2", "Female (including trans woman)", "Female (including trans woman)."),
            C("3", "Non-binary", "Non-binary."),
            C("4", "Other (not listed)", "Other (not listed)."),
            C("Z", "Not stated", "Not stated (person asked but declined to provide a response)."),
            C("X", "Not known", "Not known (not recorded); the default code."),
        ],
        value_set=False,
    )
